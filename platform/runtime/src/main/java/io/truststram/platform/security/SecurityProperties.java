package io.truststram.platform.security;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How access tokens are verified, under {@code truststram.security}.
 *
 * @param issuer the issuer every token must name, and the identity service's own issuer URL: the
 *     external base URL of the identity service (default {@code http://localhost:<server.port>})
 * @param audience the audience every access token must include
 * @param jwkSetUri where a process without the identity service fetches the signing keys; default
 *     the issuer's {@code /oauth2/jwks}
 * @param clockSkew how far the clocks of issuer and verifier may disagree on {@code exp}/{@code
 *     nbf}
 */
@Validated
@ConfigurationProperties("truststram.security")
public record SecurityProperties(
    @NotNull URI issuer,
    @DefaultValue("truststram") @NotBlank String audience,
    @Nullable URI jwkSetUri,
    @DefaultValue("30s") @NotNull Duration clockSkew,
    @DefaultValue({}) List<String> corsAllowedOrigins) {

  public SecurityProperties {
    if (!"https".equals(issuer.getScheme()) && !"http".equals(issuer.getScheme())) {
      throw new IllegalArgumentException(
          "truststram.security.issuer must be an http(s) URL: " + issuer);
    }
    if (issuer.getQuery() != null || issuer.getFragment() != null) {
      throw new IllegalArgumentException(
          "truststram.security.issuer must have no query or fragment: " + issuer);
    }
    for (String origin : corsAllowedOrigins) {
      URI parsed = URI.create(origin);
      if (parsed.getScheme() == null
          || parsed.getHost() == null
          || (parsed.getPath() != null && !parsed.getPath().isEmpty())
          || "*".equals(origin)) {
        throw new IllegalArgumentException(
            "truststram.security.cors-allowed-origins takes origins like https://console.example.org,"
                + " not "
                + origin);
      }
    }
    corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "truststram.security.clock-skew must be between 0 and 5 minutes: " + clockSkew);
    }
  }

  /** The issuer as it appears in the {@code iss} claim: without a trailing slash. */
  public String issuerId() {
    String value = issuer.toString();
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  /** Where the signing keys are published. */
  public URI effectiveJwkSetUri() {
    return jwkSetUri != null ? jwkSetUri : URI.create(issuerId() + "/oauth2/jwks");
  }
}
