package io.truststram.identity.internal;

import io.truststram.identity.ApiClients;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.client.SecretDigestEncoder;
import io.truststram.identity.internal.mfa.MfaPolicies;
import io.truststram.identity.internal.mfa.MfaService;
import io.truststram.identity.internal.mfa.Passkeys;
import io.truststram.identity.internal.oauth.KeyEncryptionKey;
import io.truststram.identity.internal.oauth.SigningKeys;
import io.truststram.identity.internal.policy.PolicyService;
import io.truststram.identity.internal.user.ExternalIdentities;
import io.truststram.identity.internal.user.FederatedOidcUsers;
import io.truststram.identity.internal.user.LdapLoginProvider;
import io.truststram.identity.internal.user.PasswordLoginProvider;
import io.truststram.identity.internal.user.PasswordPolicy;
import io.truststram.identity.internal.user.ProviderRegistrations;
import io.truststram.identity.internal.user.UserService;
import io.truststram.identity.internal.user.UserStore;
import io.truststram.identity.internal.web.LoginSteps;
import io.truststram.platform.security.SecurityProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;
import org.springframework.security.web.webauthn.management.JdbcPublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.JdbcUserCredentialRepository;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires users, clients, keys and MFA of the identity service. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IdentityProperties.class)
class IdentityConfiguration {

  private static final String ARGON2 = "argon2@SpringSecurity_v5_8";

  /**
   * Argon2id (Spring Security's 5.8 parameters: 16 MiB, 2 passes) for new passwords; bcrypt hashes
   * still verify; generated client secrets use one SHA-256 ({@link SecretDigestEncoder}).
   */
  @Bean
  PasswordEncoder passwordEncoder() {
    Map<String, PasswordEncoder> encoders = new HashMap<>();
    encoders.put(ARGON2, Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8());
    encoders.put("bcrypt", new BCryptPasswordEncoder());
    encoders.put(SecretDigestEncoder.ID, new SecretDigestEncoder());
    return new DelegatingPasswordEncoder(ARGON2, encoders);
  }

  @Bean
  KeyEncryptionKey identityKeyEncryptionKey(
      IdentityProperties properties, @Value("${truststram.data-dir:./data}") String dataDir) {
    String configured = properties.keyEncryptionKey();
    if (configured != null && !configured.isBlank()) {
      return KeyEncryptionKey.fromBase64(configured);
    }
    return KeyEncryptionKey.fromFile(Path.of(dataDir, "keys", "identity.kek"));
  }

  @Bean
  SigningKeys signingKeys(
      JdbcClient jdbc, KeyEncryptionKey kek, Clock clock, IdentityProperties properties) {
    // A retired key must verify every token it signed: access tokens, ID tokens (30 minutes) and
    // a margin for clock skew.
    Duration longest =
        properties.accessTokenTtl().compareTo(Duration.ofMinutes(30)) > 0
            ? properties.accessTokenTtl()
            : Duration.ofMinutes(30);
    SigningKeys keys =
        new SigningKeys(jdbc, kek, clock, properties.keyRotation(), longest.plusMinutes(10));
    keys.rotateIfDue();
    return keys;
  }

  @Bean
  SigningKeyRotation signingKeyRotation(SigningKeys keys) {
    return new SigningKeyRotation(keys);
  }

  /** Checks hourly whether the signing key is due for rotation. */
  static final class SigningKeyRotation {
    private final SigningKeys keys;

    SigningKeyRotation(SigningKeys keys) {
      this.keys = keys;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1H")
    void rotate() {
      keys.rotateIfDue();
    }
  }

  @Bean
  UserStore userStore(JdbcClient jdbc) {
    return new UserStore(jdbc);
  }

  @Bean
  PasswordPolicy passwordPolicy(IdentityProperties properties) {
    return new PasswordPolicy(properties.password().minLength(), properties.password().maxLength());
  }

  @Bean
  UserService userService(
      UserStore store,
      Tenants tenants,
      PasswordEncoder encoder,
      PasswordPolicy policy,
      Clock clock) {
    return new UserService(store, tenants, encoder, policy, clock);
  }

  @Bean
  PasswordLoginProvider passwordLoginProvider(
      UserStore store, PasswordEncoder encoder, IdentityProperties properties, Clock clock) {
    return new PasswordLoginProvider(store, encoder, properties.lockout(), clock);
  }

  @Bean
  ProviderRegistrations providerRegistrations(IdentityProperties properties) {
    return new ProviderRegistrations(properties.oidcProviders());
  }

  @Bean
  FederatedOidcUsers federatedOidcUsers(
      IdentityProperties properties,
      JdbcClient jdbc,
      UserStore store,
      UserService users,
      Tenants tenants,
      Clock clock) {
    return new FederatedOidcUsers(
        properties.oidcProviders(), new ExternalIdentities(jdbc, store, users, clock), tenants);
  }

  @Bean
  LdapLoginProvider ldapLoginProvider(
      IdentityProperties properties,
      UserService users,
      Tenants tenants,
      PasswordLoginProvider passwords) {
    return new LdapLoginProvider(properties.ldap(), users, tenants, passwords);
  }

  @Bean
  MfaService mfaService(
      UserStore store, KeyEncryptionKey kek, Clock clock, SecurityProperties security) {
    return new MfaService(store, kek, clock, "TrustStram (" + security.issuer().getHost() + ")");
  }

  @Bean
  ClientService clientService(
      RegisteredClientRepository registrations,
      JdbcClient jdbc,
      TransactionTemplate transactions,
      Tenants tenants,
      Clock clock,
      IdentityProperties properties) {
    return new ClientService(
        registrations,
        jdbc,
        transactions,
        tenants,
        clock,
        properties.accessTokenTtl(),
        properties.refreshTokenTtl());
  }

  @Bean
  ApiClients apiClients(ClientService clients) {
    return new ApiClients() {
      @Override
      public Credentials register(
          io.truststram.platform.security.Caller by,
          io.truststram.common.tenant.TenantId tenant,
          String name,
          java.util.Set<io.truststram.platform.security.Role> roles) {
        ClientService.Created created = clients.register(by, tenant, name, roles);
        return new Credentials(created.client().clientId(), created.clientSecret());
      }

      @Override
      public void delete(io.truststram.platform.security.Caller by, String clientId) {
        clients.delete(by, clientId);
      }
    };
  }

  @Bean
  PolicyService accessPolicies(JdbcClient jdbc, Clock clock) {
    return new PolicyService(jdbc, clock);
  }

  @Bean
  MfaPolicies mfaPolicies(JdbcClient jdbc) {
    return new MfaPolicies(jdbc);
  }

  @Bean
  LoginSteps loginSteps(
      UserService users, MfaPolicies policies, Passkeys passkeys, IdentityProperties properties) {
    return new LoginSteps(users, policies, passkeys, properties.webauthn().reauthenticateAfter());
  }

  @Bean
  PublicKeyCredentialUserEntityRepository passkeyUserEntities(JdbcOperations jdbc) {
    return new JdbcPublicKeyCredentialUserEntityRepository(jdbc);
  }

  @Bean
  UserCredentialRepository passkeyCredentials(JdbcOperations jdbc) {
    return new JdbcUserCredentialRepository(jdbc);
  }

  /**
   * The WebAuthn relying party: its id defaults to the issuer's host and its origin to the
   * issuer's, where the sign-in pages are served.
   */
  @Bean
  WebAuthnRelyingPartyOperations webAuthnRelyingParty(
      PublicKeyCredentialUserEntityRepository entities,
      UserCredentialRepository credentials,
      IdentityProperties properties,
      SecurityProperties security) {
    IdentityProperties.Webauthn webauthn = properties.webauthn();
    java.net.URI issuer = security.issuer();
    String rpId = webauthn.rpId() != null ? webauthn.rpId() : issuer.getHost();
    Set<String> origins =
        webauthn.allowedOrigins().isEmpty()
            ? Set.of(
                issuer.getScheme()
                    + "://"
                    + issuer.getHost()
                    + (issuer.getPort() < 0 ? "" : ":" + issuer.getPort()))
            : Set.copyOf(webauthn.allowedOrigins());
    Webauthn4JRelyingPartyOperations operations =
        new Webauthn4JRelyingPartyOperations(
            entities,
            credentials,
            PublicKeyCredentialRpEntity.builder().id(rpId).name(webauthn.rpName()).build(),
            origins);
    // A passkey signs in on its own and counts as a second factor, so the authenticator must
    // verify the user (PIN or biometric) every time: a key that only proves presence is refused.
    operations.setCustomizeRequestOptions(
        options -> options.userVerification(UserVerificationRequirement.REQUIRED));
    operations.setCustomizeCreationOptions(
        options ->
            options.authenticatorSelection(
                AuthenticatorSelectionCriteria.builder()
                    .residentKey(ResidentKeyRequirement.REQUIRED)
                    .userVerification(UserVerificationRequirement.REQUIRED)
                    .build()));
    return operations;
  }

  @Bean
  Passkeys passkeys(
      PublicKeyCredentialUserEntityRepository entities,
      UserCredentialRepository credentials,
      WebAuthnRelyingPartyOperations relyingParty,
      UserService users,
      Clock clock) {
    return new Passkeys(entities, credentials, relyingParty, users, clock);
  }

  /** The login-steps filter belongs in the authorization server's chain only, not the servlet's. */
  @Bean
  FilterRegistrationBean<LoginSteps> loginStepsOutsideServletChain(LoginSteps steps) {
    FilterRegistrationBean<LoginSteps> registration = new FilterRegistrationBean<>(steps);
    registration.setEnabled(false);
    return registration;
  }
}
