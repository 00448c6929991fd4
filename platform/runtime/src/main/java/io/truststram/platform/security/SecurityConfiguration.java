package io.truststram.platform.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.truststram.common.cache.CacheStore;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The security baseline of every process, whatever services it runs.
 *
 * <ul>
 *   <li>{@code /api/**}: stateless, bearer access tokens only (ES256 or RS256 JWTs from the
 *       identity service), every request authenticated; each endpoint then checks its permission.
 *   <li>Everything else not claimed by a service's own chain: health, info, the OpenAPI document
 *       and Swagger UI are open; metrics need {@code metrics:read}; any other path needs a token.
 * </ul>
 *
 * <p>The identity service adds its own chains (authorization server endpoints, login pages) ahead
 * of these.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

  /** Order of the {@code /api/**} chain; service chains for other paths come before it. */
  static final int API_ORDER = 50;

  @Bean
  RevokedTokens revokedTokens(CacheStore cacheStore, Clock clock) {
    return new RevokedTokens(cacheStore, clock);
  }

  @Bean
  JwtDecoder accessTokenDecoder(
      SecurityProperties properties,
      ObjectProvider<LocalTokenKeys> localKeys,
      RevokedTokens revoked) {
    LocalTokenKeys local = localKeys.getIfAvailable();
    NimbusJwtDecoder decoder;
    if (local != null) {
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(
          new JWSVerificationKeySelector<>(
              java.util.Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256), local.verificationKeys()));
      // The claims are checked by the validators below, with the configured clock skew.
      processor.setJWTClaimsSetVerifier((claims, context) -> {});
      decoder = new NimbusJwtDecoder(processor);
    } else {
      decoder =
          NimbusJwtDecoder.withJwkSetUri(properties.effectiveJwkSetUri().toString())
              .jwsAlgorithm(SignatureAlgorithm.ES256)
              .jwsAlgorithm(SignatureAlgorithm.RS256)
              .build();
    }
    // Signature here, once per token; claims on every request, by the cache.
    decoder.setJwtValidator(jwt -> OAuth2TokenValidatorResult.success());
    return new VerifiedTokenCache(decoder, validator(properties, revoked));
  }

  static OAuth2TokenValidator<Jwt> validator(SecurityProperties properties, RevokedTokens revoked) {
    return new DelegatingOAuth2TokenValidator<>(
        new JwtTimestampValidator(properties.clockSkew()),
        new JwtIssuerValidator(properties.issuerId()),
        new AccessTokenValidator(properties.audience(), revoked));
  }

  /**
   * CORS for the API and the authorization server's endpoints: only the configured origins, with
   * the methods and headers the API uses; no cookies (the API takes bearer tokens).
   */
  @Bean
  CorsConfigurationSource corsConfigurationSource(SecurityProperties properties) {
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    if (properties.corsAllowedOrigins().isEmpty()) {
      return source;
    }
    CorsConfiguration cors = new CorsConfiguration();
    cors.setAllowedOrigins(properties.corsAllowedOrigins());
    cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
    cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "Accept"));
    cors.setExposedHeaders(
        List.of(
            "Location",
            "Retry-After",
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "Deprecation",
            "Sunset",
            "Link",
            "Idempotent-Replayed"));
    cors.setAllowCredentials(false);
    cors.setMaxAge(Duration.ofHours(1));
    source.registerCorsConfiguration("/api/**", cors);
    source.registerCorsConfiguration("/oauth2/token", cors);
    source.registerCorsConfiguration("/oauth2/revoke", cors);
    source.registerCorsConfiguration("/userinfo", cors);
    return source;
  }

  @Bean
  @Order(API_ORDER)
  SecurityFilterChain apiSecurity(HttpSecurity http, JwtDecoder accessTokenDecoder)
      throws Exception {
    http.securityMatcher("/api/**");
    http.authorizeHttpRequests(
        requests ->
            requests
                .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                .permitAll()
                .anyRequest()
                .authenticated());
    bearerOnly(http, accessTokenDecoder);
    return http.build();
  }

  @Bean
  @Order(API_ORDER + 50)
  SecurityFilterChain defaultSecurity(HttpSecurity http, JwtDecoder accessTokenDecoder)
      throws Exception {
    http.authorizeHttpRequests(
        requests ->
            requests
                .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                .permitAll()
                .requestMatchers(
                    "/actuator/health",
                    "/actuator/health/**",
                    "/actuator/info",
                    "/v3/api-docs",
                    "/v3/api-docs/**",
                    "/v3/api-docs.yaml",
                    "/swagger-ui.html",
                    "/swagger-ui/**",
                    "/favicon.ico",
                    "/error")
                .permitAll()
                .requestMatchers("/actuator/**")
                .hasAuthority(Permission.METRICS_READ.value())
                .anyRequest()
                .authenticated());
    bearerOnly(http, accessTokenDecoder);
    return http.build();
  }

  private static void bearerOnly(HttpSecurity http, JwtDecoder decoder) throws Exception {
    ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint();
    ProblemAccessDeniedHandler deniedHandler = new ProblemAccessDeniedHandler();
    http.cors(Customizer.withDefaults());
    http.oauth2ResourceServer(
            server ->
                server
                    .jwt(
                        jwt ->
                            jwt.decoder(decoder).jwtAuthenticationConverter(new CallerConverter()))
                    .authenticationEntryPoint(entryPoint)
                    .accessDeniedHandler(deniedHandler))
        .exceptionHandling(
            errors ->
                errors.authenticationEntryPoint(entryPoint).accessDeniedHandler(deniedHandler))
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .requestCache(cache -> cache.disable())
        .formLogin(form -> form.disable())
        .httpBasic(basic -> basic.disable())
        .logout(logout -> logout.disable())
        .addFilterAfter(new TenantBindingFilter(), AuthorizationFilter.class);
  }
}
