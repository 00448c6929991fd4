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
 */
@Validated
@ConfigurationProperties("truststram.gateway")
public record GatewayProperties(
    @DefaultValue({}) List<@Valid RateLimitPolicy> rateLimits,
    @DefaultValue("open") @NotNull StoreFailure onStoreFailure,
    @DefaultValue({}) List<@Valid VersionPolicy> versions,
    @DefaultValue("true") boolean inspection) {

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
}
