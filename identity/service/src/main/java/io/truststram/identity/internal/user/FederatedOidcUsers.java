package io.truststram.identity.internal.user;

import io.truststram.identity.Tenant;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.IdentityProperties;
import io.truststram.platform.security.Role;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Turns a user signed in at an external OpenID Connect provider into a TrustStram user: the one
 * linked to the provider's issuer and subject ({@link ExternalIdentities}), created on the first
 * sign-in as {@code <name>@<provider>} in the provider's tenant; its roles mapped anew at each
 * sign-in; presented to the rest of sign-in under its login name (claim {@value #LOCAL_NAME}).
 */
public final class FederatedOidcUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

  /** The ID-token claim that carries the TrustStram login name after mapping. */
  public static final String LOCAL_NAME = "truststram_user";

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.login");

  private final Map<String, IdentityProperties.OidcProvider> providers = new HashMap<>();
  private final OidcUserService delegate = new OidcUserService();
  private final ExternalIdentities identities;
  private final Tenants tenants;

  public FederatedOidcUsers(
      List<IdentityProperties.OidcProvider> providers,
      ExternalIdentities identities,
      Tenants tenants) {
    providers.forEach(p -> this.providers.put(p.name(), p));
    this.identities = identities;
    this.tenants = tenants;
  }

  @Override
  public OidcUser loadUser(OidcUserRequest request) {
    OidcUser external = delegate.loadUser(request);
    IdentityProperties.OidcProvider provider =
        providers.get(request.getClientRegistration().getRegistrationId());
    if (provider == null) {
      throw refuse("unknown provider");
    }
    String name =
        external.getPreferredUsername() != null
            ? external.getPreferredUsername()
            : external.getSubject();
    String local = name.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._@+-]", "-");
    if (local.contains("@")) {
      local = local.substring(0, local.indexOf('@'));
    }
    if (local.isBlank() || !Character.isLetterOrDigit(local.charAt(0))) {
      local = "user" + local;
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    provider.defaultRoles().forEach(r -> Role.parse(r).ifPresent(roles::add));
    Object claim = external.getClaims().get(provider.roleClaim());
    if (claim instanceof Collection<?> values) {
      for (Object value : values) {
        String mapped = provider.roleMapping().get(String.valueOf(value));
        if (mapped != null) {
          Role.parse(mapped).ifPresent(roles::add);
        }
      }
    }
    Tenant tenant =
        tenants
            .findBySlug(provider.tenant())
            .orElseThrow(() -> refuse("the provider's tenant does not exist"));
    UserAccount user;
    try {
      user =
          identities.signIn(
              tenant.id(),
              external.getIdToken().getIssuer().toString(),
              external.getSubject(),
              local,
              provider.name(),
              external.getFullName() != null ? external.getFullName() : name,
              roles);
    } catch (RuntimeException e) {
      throw refuse("this identity cannot sign in here");
    }
    if (user.status() != UserAccount.Status.ACTIVE) {
      throw refuse("this account is disabled");
    }
    audit.info(
        "sign-in through provider {} for {} with roles {}", provider.name(), user.id(), roles);
    Map<String, Object> claims = new HashMap<>(external.getIdToken().getClaims());
    claims.put(LOCAL_NAME, user.username());
    OidcIdToken token =
        new OidcIdToken(
            external.getIdToken().getTokenValue(),
            external.getIdToken().getIssuedAt(),
            external.getIdToken().getExpiresAt(),
            claims);
    List<GrantedAuthority> authorities =
        List.of(
            FactorGrantedAuthority.fromAuthority(
                FactorGrantedAuthority.AUTHORIZATION_CODE_AUTHORITY));
    return new DefaultOidcUser(authorities, token, LOCAL_NAME);
  }

  private static OAuth2AuthenticationException refuse(String why) {
    return new OAuth2AuthenticationException(new OAuth2Error("access_denied", why, null));
  }
}
