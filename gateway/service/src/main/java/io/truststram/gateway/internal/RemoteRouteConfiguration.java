package io.truststram.gateway.internal;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Remote routes, present only when {@code truststram.gateway.routes} names some: a monolith serves
 * every path in-process and needs none.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RemoteRouteConfiguration.RoutesConfigured.class)
class RemoteRouteConfiguration {

  @Bean
  RemoteRoutes remoteRoutes(GatewayProperties properties, MeterRegistry meters) {
    return new RemoteRoutes(properties.routes(), meters);
  }

  @Bean
  RouterFunction<ServerResponse> remoteRouterFunction(RemoteRoutes routes) {
    return routes.routerFunction();
  }

  @Bean
  Customizer<Resilience4JCircuitBreakerFactory> remoteRouteCircuitBreakers(RemoteRoutes routes) {
    return routes.circuitBreakers();
  }

  /** True when at least one route is configured. */
  static final class RoutesConfigured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return Binder.get(context.getEnvironment())
          .bind("truststram.gateway.routes", Bindable.listOf(GatewayProperties.Route.class))
          .map(list -> !((List<?>) list).isEmpty())
          .orElse(false);
    }
  }
}
