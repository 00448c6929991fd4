package io.truststram.identity.internal.oauth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.client.SecretDigestEncoder;
import io.truststram.identity.internal.mfa.Passkeys;
import io.truststram.identity.internal.user.FederatedOidcUsers;
import io.truststram.identity.internal.user.LdapLoginProvider;
import io.truststram.identity.internal.user.PasswordLoginProvider;
import io.truststram.identity.internal.user.ProviderRegistrations;
import io.truststram.identity.internal.user.UserService;
import io.truststram.identity.internal.web.DevicePages;
import io.truststram.identity.internal.web.LoginSteps;
import io.truststram.platform.security.RevokedTokens;
import io.truststram.platform.security.SecurityProperties;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.HttpMessageConverterAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.preauth.AbstractPreAuthenticatedProcessingFilter;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationFilter;

/**
 * The OAuth 2.0 / OpenID Connect provider (Spring Authorization Server) and the browser sign-in in
 * front of it. Registrations, authorizations and consents live in the database; tokens are RS256
 * JWTs signed with {@link SigningKeys}.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

  @Bean
  RegisteredClientRepository registeredClientRepository(JdbcOperations jdbc) {
    return new JdbcRegisteredClientRepository(jdbc);
  }

  @Bean
  OAuth2AuthorizationService authorizationService(
      JdbcOperations jdbc, RegisteredClientRepository clients, RevokedTokens revoked) {
    return new RevocationAwareAuthorizationService(
        new JdbcOAuth2AuthorizationService(jdbc, clients), revoked);
  }

  @Bean
  UserAuthorizations userAuthorizations(
      org.springframework.jdbc.core.simple.JdbcClient jdbc,
      OAuth2AuthorizationService authorizations) {
    return new UserAuthorizations(jdbc, authorizations);
  }

  @Bean
  OAuth2AuthorizationConsentService authorizationConsentService(
      JdbcOperations jdbc, RegisteredClientRepository clients) {
    return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
  }

  @Bean
  ExpiredAuthorizationCleanup expiredAuthorizationCleanup(
      org.springframework.jdbc.core.simple.JdbcClient jdbc, java.time.Clock clock) {
    return new ExpiredAuthorizationCleanup(jdbc, clock);
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings(SecurityProperties security) {
    return AuthorizationServerSettings.builder().issuer(security.issuerId()).build();
  }

  @Bean
  JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
    return keys.signingSource();
  }

  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> tokenClaimsCustomizer(
      SigningKeys keys, UserService users, ClientService clients, SecurityProperties security) {
    return new TokenClaimsCustomizer(keys, users, clients, security.audience());
  }

  /** The protocol endpoints: authorize, token, introspect, revoke, JWKS, discovery, userinfo. */
  @Bean
  @Order(1)
  SecurityFilterChain authorizationServerSecurity(
      HttpSecurity http,
      LoginSteps steps,
      JwtDecoder accessTokenDecoder,
      RegisteredClientRepository registeredClients)
      throws Exception {
    http.oauth2AuthorizationServer(
        server -> {
          http.securityMatcher(server.getEndpointsMatcher());
          server.oidc(Customizer.withDefaults());
          // Device authorization grant (RFC 8628), for the CLI on machines without a browser: the
          // user approves the code at /device.
          server.deviceAuthorizationEndpoint(device -> device.verificationUri("/device"));
          server.deviceVerificationEndpoint(
              verification ->
                  verification
                      // The device page is the user's explicit approval; a consent page after it
                      // only for clients registered to require one.
                      .authenticationProviders(
                          providers ->
                              providers.forEach(
                                  provider -> {
                                    if (provider
                                        instanceof
                                        OAuth2DeviceVerificationAuthenticationProvider v) {
                                      v.setAuthorizationConsentRequired(
                                          AuthorizationServerConfiguration::deviceConsentRequired);
                                    }
                                  }))
                      .deviceVerificationResponseHandler(
                          (request, response, authentication) ->
                              response.sendRedirect(request.getContextPath() + "/device?approved"))
                      .errorResponseHandler(
                          (request, response, error) ->
                              response.sendRedirect(request.getContextPath() + "/device?error")));
          server.clientAuthentication(
              clients ->
                  clients
                      .authenticationConverters(
                          converters -> converters.addFirst(new DeviceClients.Converter()))
                      .authenticationProviders(
                          providers -> {
                            providers.forEach(
                                provider -> {
                                  if (provider
                                      instanceof ClientSecretAuthenticationProvider secret) {
                                    secret.setPasswordEncoder(clientSecretEncoder());
                                  }
                                });
                            providers.addFirst(new DeviceClients.Provider(registeredClients));
                          }));
        });
    MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
    html.setIgnoredMediaTypes(Set.of(MediaType.ALL));
    http.cors(Customizer.withDefaults());
    http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        .exceptionHandling(
            errors ->
                errors.defaultAuthenticationEntryPointFor(
                    new LoginUrlAuthenticationEntryPoint("/login"), html))
        .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.decoder(accessTokenDecoder)))
        .addFilterBefore(steps, AbstractPreAuthenticatedProcessingFilter.class)
        .addFilterBefore(new DevicePages.Guard(), AbstractPreAuthenticatedProcessingFilter.class);
    return http.build();
  }

  private static boolean deviceConsentRequired(
      OAuth2DeviceVerificationAuthenticationContext context) {
    if (!context.getRegisteredClient().getClientSettings().isRequireAuthorizationConsent()) {
      return false;
    }
    return context.getAuthorizationConsent() == null
        || !context.getAuthorizationConsent().getScopes().containsAll(context.getRequestedScopes());
  }

  /**
   * Verifies client secrets. Its default id is {@link SecretDigestEncoder#ID}: Spring Authorization
   * Server re-hashes a secret whose encoding is not the default one ("upgrade") on every successful
   * authentication, and with the people's default (Argon2) every token request would then cost an
   * Argon2 verification, about 80 ms here.
   */
  static PasswordEncoder clientSecretEncoder() {
    return new DelegatingPasswordEncoder(
        SecretDigestEncoder.ID,
        Map.of(
            SecretDigestEncoder.ID,
            new SecretDigestEncoder(),
            "argon2@SpringSecurity_v5_8",
            Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(),
            "bcrypt",
            new BCryptPasswordEncoder()));
  }

  /** Browser sign-in: the login form, the second-factor and password pages, the account page. */
  @Bean
  @Order(2)
  SecurityFilterChain signInSecurity(
      HttpSecurity http,
      PasswordLoginProvider passwords,
      LdapLoginProvider directories,
      ProviderRegistrations providers,
      FederatedOidcUsers federatedUsers,
      Passkeys passkeys,
      LoginSteps steps)
      throws Exception {
    if (providers.any()) {
      // PKCE on every authorization request, confidential client or not (OAuth 2.1).
      DefaultOAuth2AuthorizationRequestResolver requests =
          new DefaultOAuth2AuthorizationRequestResolver(providers, "/oauth2/authorization");
      requests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
      http.oauth2Login(
          login ->
              login
                  .clientRegistrationRepository(providers)
                  .authorizationEndpoint(
                      endpoint -> endpoint.authorizationRequestResolver(requests))
                  .loginPage("/login")
                  .userInfoEndpoint(info -> info.oidcUserService(federatedUsers))
                  .defaultSuccessUrl("/account"));
    }
    http.securityMatcher(
            "/login",
            "/login/**",
            "/logout",
            "/account",
            "/account/**",
            "/oauth2/authorization/**",
            "/webauthn/**",
            "/device")
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(
                        "/login",
                        "/login/passkeys.js",
                        "/login/webauthn",
                        "/webauthn/authenticate/options")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .authenticationProvider(passwords)
        .authenticationProvider(directories)
        // The account pages are behind the same steps as the authorization endpoint: a password
        // alone (without the second factor, or before a one-time password is changed) reaches
        // only the step pages.
        .addFilterBefore(steps, AuthorizationFilter.class)
        .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/account"))
        .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
        .headers(
            headers ->
                headers.contentSecurityPolicy(
                    csp ->
                        csp.policyDirectives(
                            "default-src 'none'; script-src 'self'; connect-src 'self';"
                                + " style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                                + " frame-ancestors 'none'; base-uri 'none'")));
    // Passkeys and security keys: Spring Security runs the WebAuthn ceremonies; Passkeys decides
    // whom an assertion signs in. The pages and their script are ours (AccountPages).
    http.setSharedObject(UserDetailsService.class, passkeys.accounts());
    http.webAuthn(
        webauthn ->
            webauthn
                .disableDefaultRegistrationPage(true)
                .withObjectPostProcessor(
                    new ObjectPostProcessor<WebAuthnAuthenticationFilter>() {
                      @Override
                      public <O extends WebAuthnAuthenticationFilter> O postProcess(O filter) {
                        filter.setAuthenticationManager(new ProviderManager(passkeys));
                        // After a password, a passkey adds its factor to the session's.
                        filter.setMfaEnabled(true);
                        // The script goes on to /login/continue, which finds the request that
                        // sign-in interrupted; the default handler would consume it first.
                        HttpMessageConverterAuthenticationSuccessHandler success =
                            new HttpMessageConverterAuthenticationSuccessHandler();
                        success.setRequestCache(new NullRequestCache());
                        filter.setAuthenticationSuccessHandler(success);
                        SessionAuthenticationStrategy sessions =
                            http.getSharedObject(SessionAuthenticationStrategy.class);
                        filter.setSessionAuthenticationStrategy(
                            sessions != null
                                ? sessions
                                : new ChangeSessionIdAuthenticationStrategy());
                        return filter;
                      }
                    }));
    return http.build();
  }
}
