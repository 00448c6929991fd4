package io.truststram.gateway.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.common.cache.CacheStore;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the gateway's filters around every request, in this order: input inspection, version policy
 * and address-keyed rate limits before authentication (Spring Security's filter runs at order
 * -100), then client- and tenant-keyed rate limits after it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
class GatewayConfiguration {

  /** Spring Security's filter chain order (Boot's default). */
  private static final int SECURITY = -100;

  @Bean
  FilterRegistrationBean<RequestInspectionFilter> requestInspection(
      GatewayProperties properties, MeterRegistry meters) {
    var registration = new FilterRegistrationBean<>(new RequestInspectionFilter(meters));
    registration.setOrder(SECURITY - 3);
    registration.setEnabled(properties.inspection());
    return registration;
  }

  @Bean
  FilterRegistrationBean<VersionPolicyFilter> versionPolicy(
      GatewayProperties properties, Clock clock) {
    var registration =
        new FilterRegistrationBean<>(new VersionPolicyFilter(properties.versions(), clock));
    registration.setOrder(SECURITY - 2);
    registration.setEnabled(!properties.versions().isEmpty());
    return registration;
  }

  @Bean
  FilterRegistrationBean<RateLimitFilter> addressRateLimits(
      GatewayProperties properties, CacheStore cacheStore, MeterRegistry meters) {
    List<GatewayProperties.RateLimitPolicy> policies =
        properties.effectiveRateLimits().stream()
            .filter(p -> !RateLimitFilter.needsCaller(p))
            .toList();
    var registration =
        new FilterRegistrationBean<>(
            new RateLimitFilter(policies, cacheStore, properties.onStoreFailure(), meters));
    registration.setOrder(SECURITY - 1);
    registration.setEnabled(!policies.isEmpty());
    return registration;
  }

  @Bean
  FilterRegistrationBean<RateLimitFilter> callerRateLimits(
      GatewayProperties properties, CacheStore cacheStore, MeterRegistry meters) {
    List<GatewayProperties.RateLimitPolicy> policies =
        properties.effectiveRateLimits().stream().filter(RateLimitFilter::needsCaller).toList();
    var registration =
        new FilterRegistrationBean<>(
            new RateLimitFilter(policies, cacheStore, properties.onStoreFailure(), meters));
    registration.setOrder(SECURITY + 1);
    registration.setEnabled(!policies.isEmpty());
    return registration;
  }
}
