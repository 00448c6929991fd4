package io.truststram.platform;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The platform's configuration, under the {@code truststram} prefix. Every property is listed in
 * docs/configuration.md. The database settings ({@code truststram.db.*}, {@code
 * truststram.data-dir}) are not here: application.yaml feeds them into {@code spring.datasource.*}
 * through property references.
 *
 * @param services the services this process runs: {@code all}, or a list of service names
 * @param http limits applied at the HTTP edge
 * @param cache the embedded cache's bounds
 * @param redis the Redis server for the shared cache; unset means the embedded cache
 * @param idempotency how Idempotency-Key records are kept
 * @param events how failed event deliveries are retried
 */
@Validated
@ConfigurationProperties("truststram")
public record PlatformProperties(
    @DefaultValue("all") @NotEmpty List<String> services,
    @DefaultValue @Valid Http http,
    @DefaultValue @Valid Cache cache,
    @DefaultValue @Valid Redis redis,
    @DefaultValue @Valid Idempotency idempotency,
    @DefaultValue @Valid Events events) {

  /**
   * Limits at the HTTP edge.
   *
   * @param maxRequestBody the largest request body accepted; larger ones get 413
   */
  public record Http(@DefaultValue("1MB") @NotNull DataSize maxRequestBody) {
    public Http {
      requirePositive("truststram.http.max-request-body", maxRequestBody);
    }
  }

  /**
   * The embedded (Caffeine) cache.
   *
   * @param maximumSize the most memory its keys and values may take
   */
  public record Cache(@DefaultValue("64MB") @NotNull DataSize maximumSize) {
    public Cache {
      requirePositive("truststram.cache.maximum-size", maximumSize);
    }
  }

  /**
   * The Redis server behind the shared cache.
   *
   * @param url a {@code redis://} or {@code rediss://} URL; when unset the embedded cache is used
   * @param keyPrefix prefix of every key TrustStram writes, so several installations can share one
   *     server
   * @param timeout how long one command may take before it fails
   */
  public record Redis(
      @Nullable URI url,
      @DefaultValue("truststram") @NotNull String keyPrefix,
      @DefaultValue("2s") @NotNull Duration timeout) {
    public Redis {
      requirePositive("truststram.redis.timeout", timeout);
    }
  }

  /**
   * Idempotency-Key records.
   *
   * @param retention how long a key and its response are kept for replay
   * @param lockTimeout how long a request holds its key before a retry may take it over (a request
   *     whose process died never releases it)
   * @param maxResponseSize the largest response body kept for replay; a larger response frees its
   *     key instead
   */
  public record Idempotency(
      @DefaultValue("24h") @NotNull Duration retention,
      @DefaultValue("60s") @NotNull Duration lockTimeout,
      @DefaultValue("1MB") @NotNull DataSize maxResponseSize) {

    public Idempotency {
      requirePositive("truststram.idempotency.retention", retention);
      requirePositive("truststram.idempotency.lock-timeout", lockTimeout);
      requirePositive("truststram.idempotency.max-response-size", maxResponseSize);
      if (lockTimeout.compareTo(retention) >= 0) {
        throw new IllegalArgumentException(
            "truststram.idempotency.lock-timeout must be shorter than its retention");
      }
    }
  }

  /**
   * Delivery of domain events to module listeners.
   *
   * @param redeliveryInterval how often failed deliveries are retried, and how old a failure must
   *     be to be retried
   */
  public record Events(@DefaultValue("1m") @NotNull Duration redeliveryInterval) {
    public Events {
      requirePositive("truststram.events.redelivery-interval", redeliveryInterval);
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }

  private static void requirePositive(String name, DataSize value) {
    if (value.toBytes() <= 0) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }
}
