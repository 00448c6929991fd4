package io.truststram.identity.internal;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The identity service's settings, under {@code truststram.identity}. Listed in
 * docs/configuration.md.
 *
 * @param keyEncryptionKey base64 of 32 random bytes that wrap the token signing keys at rest; when
 *     unset, one is generated once into {@code <data-dir>/keys/identity.kek} (mode 600)
 * @param keyRotation how long a signing key signs before the next one takes over
 * @param accessTokenTtl lifetime of access tokens
 * @param refreshTokenTtl lifetime of refresh tokens (confidential clients only)
 * @param password the password policy
 * @param lockout how repeated failed sign-ins lock an account
 * @param bootstrapAdmin the first administrator, created on first start
 * @param consoleRedirectUris where the built-in console client may receive authorization codes
 * @param ldap LDAP or Active Directory directories whose users may sign in
 * @param oidcProviders external OpenID Connect providers whose users may sign in
 * @param webauthn the WebAuthn relying party that passkeys and security keys are bound to
 */
@Validated
@ConfigurationProperties("truststram.identity")
public record IdentityProperties(
    @Nullable String keyEncryptionKey,
    @DefaultValue("30d") @NotNull Duration keyRotation,
    @DefaultValue("10m") @NotNull Duration accessTokenTtl,
    @DefaultValue("8h") @NotNull Duration refreshTokenTtl,
    @DefaultValue @Valid Password password,
    @DefaultValue @Valid Lockout lockout,
    @DefaultValue @Valid BootstrapAdmin bootstrapAdmin,
    @DefaultValue("http://localhost:5173/callback") List<String> consoleRedirectUris,
    @DefaultValue({}) List<@Valid LdapDirectory> ldap,
    @DefaultValue({}) List<@Valid OidcProvider> oidcProviders,
    @DefaultValue @Valid Webauthn webauthn) {

  public IdentityProperties {
    // Directory and provider names are the suffixes of their users' login names: one name for two
    // sources would let a user of one sign in as a user of the other.
    java.util.Set<String> sources = new java.util.HashSet<>();
    for (LdapDirectory directory : ldap) {
      if (!sources.add(directory.name())) {
        throw new IllegalArgumentException(
            "truststram.identity: the name "
                + directory.name()
                + " is used by two sign-in sources");
      }
    }
    for (OidcProvider provider : oidcProviders) {
      if (!sources.add(provider.name())) {
        throw new IllegalArgumentException(
            "truststram.identity: the name " + provider.name() + " is used by two sign-in sources");
      }
    }
    requireBetween("access-token-ttl", accessTokenTtl, Duration.ofMinutes(1), Duration.ofHours(1));
    requireBetween(
        "refresh-token-ttl", refreshTokenTtl, Duration.ofMinutes(5), Duration.ofDays(30));
    requireBetween("key-rotation", keyRotation, Duration.ofHours(1), Duration.ofDays(365));
  }

  private static void requireBetween(String name, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "truststram.identity." + name + " must be between " + min + " and " + max + ": " + value);
    }
  }

  /**
   * Password policy, after NIST SP 800-63B: length, not composition rules.
   *
   * @param minLength fewest characters (code points)
   * @param maxLength most characters; long enough for pass phrases, short enough to bound hashing
   */
  public record Password(
      @DefaultValue("12") @Min(8) @Max(64) int minLength,
      @DefaultValue("128") @Min(64) @Max(1024) int maxLength) {}

  /**
   * Lock-out after failed sign-ins.
   *
   * @param maxFailures failures in a row before the account locks
   * @param initialLock how long the first lock lasts; each further failure doubles it
   * @param maxLock the longest a lock lasts
   */
  public record Lockout(
      @DefaultValue("5") @Min(1) @Max(100) int maxFailures,
      @DefaultValue("30s") @NotNull Duration initialLock,
      @DefaultValue("15m") @NotNull Duration maxLock) {}

  /**
   * The first administrator.
   *
   * @param username its login name
   * @param password its one-time password; when unset, a random one is generated and printed once
   */
  public record BootstrapAdmin(
      @DefaultValue("admin") @NotBlank String username, @Nullable String password) {}

  /**
   * A directory whose users sign in with their directory password (an LDAP bind). On each sign-in
   * the user's groups are read and mapped to TrustStram roles; the user is created or updated in
   * TrustStram under {@code <uid>@<name>}, in the directory's tenant.
   *
   * @param name a short name, the suffix of its users' TrustStram login names
   * @param url {@code ldap://host:389} or {@code ldaps://host:636}
   * @param baseDn the base of every search and pattern, e.g. {@code dc=example,dc=org}
   * @param userDnPattern where a user's entry is, relative to the base, {@code {0}} being the name
   *     typed, e.g. {@code uid={0},ou=people}
   * @param groupSearchBase where groups are searched, relative to the base, e.g. {@code ou=groups}
   * @param groupSearchFilter how a group names its members, {@code {0}} being the user's DN
   * @param groupRoles group common names mapped to TrustStram roles, e.g. {@code ml-team:
   *     data-scientist}
   * @param tenant the slug of the tenant the directory's users belong to
   */
  public record LdapDirectory(
      @NotBlank String name,
      @NotNull java.net.URI url,
      @NotBlank String baseDn,
      @NotBlank String userDnPattern,
      @DefaultValue("") String groupSearchBase,
      @DefaultValue("(member={0})") String groupSearchFilter,
      @DefaultValue java.util.Map<String, String> groupRoles,
      @NotBlank String tenant) {
    public LdapDirectory {
      if (!name.matches("[a-z0-9][a-z0-9-]{0,30}")) {
        throw new IllegalArgumentException(
            "truststram.identity.ldap[].name must be lower-case letters, digits and '-': " + name);
      }
      if (!"ldap".equals(url.getScheme()) && !"ldaps".equals(url.getScheme())) {
        throw new IllegalArgumentException(
            "truststram.identity.ldap[" + name + "].url must be ldap:// or ldaps://");
      }
    }
  }

  /**
   * An external OpenID Connect provider (Entra ID, Okta, Keycloak, another TrustStram...) whose
   * users may sign in. Its users become {@code <preferred_username or sub>@<name>} in {@code
   * tenant}, with roles from the {@code roleClaim} of their ID token mapped through {@code
   * roleMapping}, plus {@code defaultRoles}.
   *
   * @param name a short name, the suffix of its users' login names and the registration id
   * @param issuerUri the provider's issuer; its discovery document is read on first use
   * @param clientId the client TrustStram is registered as at the provider
   * @param clientSecret that client's secret
   * @param tenant the slug of the tenant its users belong to
   * @param roleClaim the ID-token claim carrying the user's groups or roles
   * @param roleMapping values of that claim mapped to TrustStram roles
   * @param defaultRoles roles every user of this provider gets
   */
  public record OidcProvider(
      @NotBlank String name,
      @NotNull java.net.URI issuerUri,
      @NotBlank String clientId,
      @NotBlank String clientSecret,
      @NotBlank String tenant,
      @DefaultValue("roles") String roleClaim,
      @DefaultValue java.util.Map<String, String> roleMapping,
      @DefaultValue({}) List<String> defaultRoles) {
    public OidcProvider {
      if (!name.matches("[a-z0-9][a-z0-9-]{0,30}")) {
        throw new IllegalArgumentException(
            "truststram.identity.oidc-providers[].name must be lower-case letters, digits and '-': "
                + name);
      }
    }
  }

  /**
   * The WebAuthn relying party. A passkey is bound to the relying-party id it was registered under:
   * changing {@code rpId} later makes every registered passkey unusable.
   *
   * @param rpId the relying-party id, a registrable domain suffix of the sign-in pages' host; when
   *     unset, the host of {@code truststram.security.issuer}
   * @param rpName the name authenticators show to the user
   * @param allowedOrigins origins the sign-in pages are served from; when empty, the issuer's
   * @param reauthenticateAfter how recent the session's last proved factor must be to add a
   *     passkey; older sessions confirm the password first
   */
  public record Webauthn(
      @Nullable String rpId,
      @DefaultValue("TrustStram") @NotBlank String rpName,
      @DefaultValue({}) List<String> allowedOrigins,
      @DefaultValue("5m") @NotNull Duration reauthenticateAfter) {}
}
