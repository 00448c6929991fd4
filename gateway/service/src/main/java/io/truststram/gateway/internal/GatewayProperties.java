package io.truststram.gateway.internal;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's settings, under {@code truststram.gateway}. Listed in docs/gateway.md.
 *
 * @param rateLimits the rate-limit policies; every policy whose path matches a request applies
 * @param onStoreFailure what to do when the rate-limit store (Redis) cannot answer
 * @param versions deprecated and sunset API versions
 * @param inspection whether requests are inspected for injection patterns
 * @param routes paths served by remote instances (per-service mode); none in a monolith
 */
@Validated
@ConfigurationProperties("truststram.gateway")
public record GatewayProperties(
    @DefaultValue({}) List<@Valid RateLimitPolicy> rateLimits,
    @DefaultValue("open") @NotNull StoreFailure onStoreFailure,
    @DefaultValue({}) List<@Valid VersionPolicy> versions,
    @DefaultValue("true") boolean inspection,
    @DefaultValue({}) List<@Valid Route> routes) {

  public GatewayProperties {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Route route : routes) {
      if (!ids.add(route.id())) {
        throw new IllegalArgumentException(
            "truststram.gateway.routes: the id " + route.id() + " is used twice");
      }
    }
  }

  /** Policies used when none are configured. */
  public static final List<RateLimitPolicy> DEFAULT_RATE_LIMITS =
      List.of(
          new RateLimitPolicy("per-client", "/api/**", Key.CLIENT, 50, 100, 1),
          new RateLimitPolicy("per-tenant", "/api/**", Key.TENANT, 200, 400, 1),
          new RateLimitPolicy("token-endpoint", "/oauth2/token", Key.ADDRESS, 50, 100, 1),
          new RateLimitPolicy("sign-in", "/login/**", Key.ADDRESS, 2, 20, 1));

  /** The policies in force: the configured ones, or the defaults. */
  public List<RateLimitPolicy> effectiveRateLimits() {
    return rateLimits.isEmpty() ? DEFAULT_RATE_LIMITS : rateLimits;
  }

  /** What a rate limit is counted per. */
  public enum Key {
    /** The authenticated client or user ({@code sub} of the token). */
    CLIENT,
    /** The caller's tenant. */
    TENANT,
    /** The remote address (for requests made before authentication, like sign-in). */
    ADDRESS
  }

  /** Rate-limit store outage behaviour. */
  public enum StoreFailure {
    /** Let requests through unlimited while the store is down (availability first). */
    OPEN,
    /** Refuse them with 503 (protection first). */
    CLOSED
  }

  /**
   * A token bucket applied to the requests whose path matches {@code path}.
   *
   * @param name the policy's name, in metrics and the {@code RateLimit-Policy} header
   * @param path an Ant-style path pattern, e.g. {@code /api/v1/federations/**}
   * @param key what the bucket is per
   * @param replenishRate tokens added per second (fractions allowed: 0.5 is one every two seconds)
   * @param burstCapacity the most tokens a bucket holds
   * @param cost tokens one request takes
   */
  public record RateLimitPolicy(
      @NotBlank String name,
      @NotBlank String path,
      @NotNull Key key,
      double replenishRate,
      @Min(1) long burstCapacity,
      @DefaultValue("1") @Min(1) long cost) {
    public RateLimitPolicy {
      if (!(replenishRate > 0)) {
        throw new IllegalArgumentException(
            "truststram.gateway.rate-limits[" + name + "].replenish-rate must be positive");
      }
      if (cost > burstCapacity) {
        throw new IllegalArgumentException(
            "truststram.gateway.rate-limits[" + name + "].cost exceeds its burst-capacity");
      }
    }
  }

  /**
   * A deprecated API version.
   *
   * @param prefix the path prefix of the version, e.g. {@code /api/v1/models}
   * @param deprecatedAt when it was deprecated (RFC 9745 {@code Deprecation} header)
   * @param sunsetAt when it stops answering (RFC 8594 {@code Sunset}); from then on, 410
   * @param successor the path prefix that replaces it, e.g. {@code /api/v2/models}
   */
  public record VersionPolicy(
      @NotBlank String prefix,
      @Nullable Instant deprecatedAt,
      @Nullable Instant sunsetAt,
      @Nullable String successor) {}

  /**
   * Requests whose path matches {@code path} go to one of {@code uris}: round robin over the
   * instances that answer their health check, the next one when an instance refuses the connection,
   * behind a circuit breaker and a time limit. The caller's token travels on (the instance checks
   * it again); the request id and {@code X-Forwarded-*} headers are added.
   *
   * @param id the route's name, in metrics, logs and the circuit breaker's name
   * @param path an Ant-style path pattern, e.g. {@code /api/v1/federations/**}
   * @param uris the base URIs of the instances, e.g. {@code http://federation-0:8080}
   * @param rewritePath a regular expression over the path, replaced by {@code rewriteTo}
   * @param rewriteTo the replacement, with {@code ${group}} references to named groups
   * @param addRequestHeaders headers added to (or replacing those of) the forwarded request
   * @param removeRequestHeaders headers removed from the forwarded request
   * @param renameRequestHeaders headers renamed on the forwarded request (old name to new name)
   * @param addResponseHeaders headers added to the response
   * @param removeResponseHeaders headers removed from the response
   * @param maxBodySize the largest request body forwarded; larger ones get 413
   * @param timeout the longest an instance may take to answer; then 504
   * @param healthPath the instance path whose 2xx answer means healthy
   * @param healthInterval how often each instance is checked
   * @param circuitBreaker when the route stops calling its instances for a while
   */
  public record Route(
      @NotBlank String id,
      @NotBlank String path,
      @jakarta.validation.constraints.NotEmpty List<java.net.URI> uris,
      @Nullable String rewritePath,
      @DefaultValue("") String rewriteTo,
      @DefaultValue java.util.Map<String, String> addRequestHeaders,
      @DefaultValue({}) List<String> removeRequestHeaders,
      @DefaultValue java.util.Map<String, String> renameRequestHeaders,
      @DefaultValue java.util.Map<String, String> addResponseHeaders,
      @DefaultValue({}) List<String> removeResponseHeaders,
      @DefaultValue("1MB") @NotNull org.springframework.util.unit.DataSize maxBodySize,
      @DefaultValue("30s") @NotNull java.time.Duration timeout,
      @DefaultValue("/actuator/health/readiness") @NotBlank String healthPath,
      @DefaultValue("5s") @NotNull java.time.Duration healthInterval,
      @DefaultValue @Valid CircuitBreaker circuitBreaker) {
    public Route {
      if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
        throw new IllegalArgumentException(
            "truststram.gateway.routes[].id must be lower-case letters, digits and '-': " + id);
      }
      for (java.net.URI uri : uris) {
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new IllegalArgumentException(
              "truststram.gateway.routes[" + id + "].uris must be http(s) URLs: " + uri);
        }
      }
      if (rewritePath != null) {
        try {
          java.util.regex.Pattern.compile(rewritePath);
        } catch (java.util.regex.PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "truststram.gateway.routes["
                  + id
                  + "].rewrite-path is not a regular expression: "
                  + e.getDescription());
        }
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "truststram.gateway.routes[" + id + "].timeout must be positive");
      }
    }
  }

  /**
   * A route's circuit breaker (Resilience4j): over the last {@code window} calls, once at least
   * {@code minimumCalls} were made, a failure rate (errors and time-outs) of {@code
   * failureRateThreshold} percent or more opens it; open, it answers 503 at once for {@code
   * openFor}, then lets a few calls through to test the instances.
   */
  public record CircuitBreaker(
      @DefaultValue("50") @Min(1) @jakarta.validation.constraints.Max(100) float failureRateThreshold,
      @DefaultValue("10") @Min(1) int minimumCalls,
      @DefaultValue("20") @Min(1) int window,
      @DefaultValue("30s") @NotNull java.time.Duration openFor) {}
}
