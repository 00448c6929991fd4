package io.truststram.identity.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenant;
import io.truststram.identity.TenantProblems;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.user.Secrets;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Role;
import io.truststram.platform.security.SecurityProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/**
 * First start: creates the {@code system} tenant, the first platform administrator with a one-time
 * password (printed once, to be changed at first sign-in), and the built-in public clients of the
 * CLI and the console. Idempotent, and safe when several instances start at once on an empty
 * database: whoever loses a race finds the winner's records.
 */
@Component
class Bootstrap implements ApplicationRunner {

  /** The built-in public client of the command-line interface (PKCE, loopback redirect). */
  static final String CLI_CLIENT = "truststram-cli";

  /** The built-in public client of the web console (PKCE). */
  static final String CONSOLE_CLIENT = "truststram-console";

  private static final Logger log = LoggerFactory.getLogger("io.truststram.bootstrap");

  private final Tenants tenants;
  private final UserService users;
  private final RegisteredClientRepository clients;
  private final IdentityProperties properties;
  private final SecurityProperties security;
  private final Clock clock;

  Bootstrap(
      Tenants tenants,
      UserService users,
      RegisteredClientRepository clients,
      IdentityProperties properties,
      SecurityProperties security,
      Clock clock) {
    this.tenants = tenants;
    this.users = users;
    this.clients = clients;
    this.properties = properties;
    this.security = security;
    this.clock = clock;
  }

  @Override
  public void run(ApplicationArguments args) {
    registerPublicClient(CLI_CLIENT, "TrustStram CLI", List.of("http://127.0.0.1/callback"), true);
    registerPublicClient(
        CONSOLE_CLIENT, "TrustStram console", properties.consoleRedirectUris(), false);
    if (users.anyUserExists()) {
      return;
    }
    Tenant system = systemTenant();
    String configured = properties.bootstrapAdmin().password();
    String password = configured == null || configured.isBlank() ? Secrets.random(20) : configured;
    try {
      users.newUser(
          system.id(),
          properties.bootstrapAdmin().username(),
          "Platform administrator",
          Set.of(Role.PLATFORM_ADMIN),
          password,
          true);
    } catch (ProblemException raced) {
      return;
    }
    String where = security.issuerId() + "/account";
    if (configured == null || configured.isBlank()) {
      log.warn(
          "First start: created platform administrator '{}' with one-time password {} -- sign in at"
              + " {} and choose a new password; this password is not shown again.",
          properties.bootstrapAdmin().username(),
          password,
          where);
    } else {
      log.warn(
          "First start: created platform administrator '{}' with the configured one-time password;"
              + " sign in at {} and change it.",
          properties.bootstrapAdmin().username(),
          where);
    }
  }

  private Tenant systemTenant() {
    try {
      return tenants.create(new NewTenant("system", "System"));
    } catch (ProblemException e) {
      if (!e.type().equals(TenantProblems.SLUG_TAKEN)) {
        throw e;
      }
      return tenants
          .findBySlug("system")
          .orElseThrow(() -> new IllegalStateException("tenant 'system' vanished"));
    }
  }

  /**
   * Registers a built-in public client once; {@code deviceGrant} adds the device authorization
   * grant, also to a registration made by an earlier release.
   */
  private void registerPublicClient(
      String clientId, String name, List<String> redirectUris, boolean deviceGrant) {
    RegisteredClient existing = clients.findByClientId(clientId);
    if (existing != null) {
      if (deviceGrant
          && !existing.getAuthorizationGrantTypes().contains(AuthorizationGrantType.DEVICE_CODE)) {
        clients.save(
            RegisteredClient.from(existing)
                .authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
                .build());
      }
      return;
    }
    RegisteredClient.Builder client =
        RegisteredClient.withId(clientId)
            .clientId(clientId)
            .clientIdIssuedAt(clock.instant())
            .clientName(name)
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .scope(OidcScopes.OPENID)
            .scope(OidcScopes.PROFILE)
            .clientSettings(
                ClientSettings.builder()
                    .requireProofKey(true)
                    .requireAuthorizationConsent(false)
                    .build())
            .tokenSettings(
                TokenSettings.builder()
                    .accessTokenTimeToLive(properties.accessTokenTtl())
                    .authorizationCodeTimeToLive(Duration.ofMinutes(2))
                    .build());
    redirectUris.forEach(client::redirectUri);
    if (deviceGrant) {
      client.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE);
    }
    try {
      clients.save(client.build());
    } catch (org.springframework.dao.DuplicateKeyException raced) {
      // Another instance registered it first.
    }
  }
}
