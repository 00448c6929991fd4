package io.truststram.platform.idempotency;

import io.truststram.platform.PlatformProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/** Wires Idempotency-Key support and purges expired keys every ten minutes. */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyConfiguration.class);

  /**
   * After the request body limit (so the body read for the fingerprint is bounded) and after Spring
   * Security's filter chain (order -100), so that keys are scoped by the authenticated principal
   * and nothing is replayed to a caller who has not authenticated.
   */
  static final int ORDER = 0;

  @Bean
  IdempotencyStore idempotencyStore(JdbcClient jdbc) {
    return new JdbcIdempotencyStore(jdbc);
  }

  @Bean
  FilterRegistrationBean<IdempotencyFilter> idempotencyFilter(
      IdempotencyStore store, Clock clock, PlatformProperties properties) {
    var registration =
        new FilterRegistrationBean<>(new IdempotencyFilter(store, clock, properties.idempotency()));
    registration.setOrder(ORDER);
    registration.addUrlPatterns("/api/*");
    return registration;
  }

  @Bean
  ExpiredKeyPurge expiredKeyPurge(IdempotencyStore store, Clock clock) {
    return new ExpiredKeyPurge(store, clock);
  }

  /** Deletes expired keys; several replicas doing so at once is harmless. */
  static final class ExpiredKeyPurge {
    private final IdempotencyStore store;
    private final Clock clock;

    ExpiredKeyPurge(IdempotencyStore store, Clock clock) {
      this.store = store;
      this.clock = clock;
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void purge() {
      int purged = store.purgeExpired(clock.instant());
      if (purged > 0) {
        log.debug("Purged {} expired idempotency keys", purged);
      }
    }
  }
}
