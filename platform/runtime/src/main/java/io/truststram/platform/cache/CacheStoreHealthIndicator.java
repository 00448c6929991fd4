package io.truststram.platform.cache;

import io.truststram.common.cache.CacheStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the cache backend: up when a read round-trips, down when the backend cannot be reached.
 * Part of the readiness group, so a replica whose Redis is gone stops taking traffic.
 */
final class CacheStoreHealthIndicator implements HealthIndicator {

  private static final String PROBE_KEY = "health-probe";

  private final CacheStore store;

  CacheStoreHealthIndicator(CacheStore store) {
    this.store = store;
  }

  @Override
  public Health health() {
    try {
      store.get(PROBE_KEY);
      return Health.up().withDetail("backend", store.backend()).build();
    } catch (RuntimeException e) {
      // Any failure, not only CacheUnavailableException: a health check must answer, not throw.
      return Health.down()
          .withDetail("backend", store.backend())
          .withDetail("error", String.valueOf(e.getMessage()))
          .build();
    }
  }
}
