package io.truststram.aggregation.internal;

import io.truststram.federation.sharding.ShardSessions;
import io.truststram.federation.strategy.Strategies;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/** Wires the aggregation shard when it is selected to run in this process. */
@Configuration(proxyBeanMethods = false)
class AggregationConfiguration {

  /** Before the platform's catch-all chain, which would take the secret for a malformed JWT. */
  private static final int ORDER = 60;

  @Bean
  AggregationSettings aggregationSettings(
      @Value("${truststram.aggregation.secret:}") String secret,
      @Value("${truststram.aggregation.max-sessions:64}") int maxSessions,
      @Value("${truststram.aggregation.session-timeout:30m}") Duration sessionTimeout,
      @Value("${truststram.aggregation.max-parameters:300000000}") int maxParameters) {
    if (maxSessions < 1 || maxParameters < 1 || sessionTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "truststram.aggregation: max-sessions and max-parameters must be positive, "
              + "session-timeout not negative");
    }
    return new AggregationSettings(secret, maxSessions, sessionTimeout, maxParameters);
  }

  @Bean
  ShardSessions aggregationSessions(AggregationSettings settings, Clock clock) {
    return new ShardSessions(
        Strategies.standard(), settings.maxSessions(), settings.sessionTimeout(), clock);
  }

  @Bean
  @Order(ORDER)
  SecurityFilterChain aggregationSecurity(HttpSecurity http, AggregationSettings settings)
      throws Exception {
    http.securityMatcher(ShardController.PATH + "/**")
        .authorizeHttpRequests(
            requests -> requests.anyRequest().hasAuthority(SharedSecretFilter.AUTHORITY))
        .addFilterBefore(new SharedSecretFilter(settings.secret()), AuthorizationFilter.class)
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .requestCache(cache -> cache.disable())
        .formLogin(form -> form.disable())
        .httpBasic(basic -> basic.disable())
        .logout(logout -> logout.disable());
    return http.build();
  }
}
