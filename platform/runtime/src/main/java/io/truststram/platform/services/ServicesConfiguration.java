package io.truststram.platform.services;

import io.truststram.platform.PlatformProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The platform's own beans: its configuration, the service selection and the clock.
 *
 * <p>Asynchronous execution is on so that {@code @ApplicationModuleListener}s run after the
 * publishing transaction commits, on their own (virtual) threads; scheduling is on for the
 * platform's periodic work (redelivery of failed events, purging expired idempotency keys).
 */
@Configuration(proxyBeanMethods = false)
@EnableAsync
@EnableScheduling
@EnableConfigurationProperties(PlatformProperties.class)
class ServicesConfiguration {

  @Bean
  ServiceSelection serviceSelection(Environment environment, ResourceLoader resourceLoader) {
    return ServiceSelectionFilter.select(environment, resourceLoader);
  }

  /** The clock every service reads time from, so tests can fix it. */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
