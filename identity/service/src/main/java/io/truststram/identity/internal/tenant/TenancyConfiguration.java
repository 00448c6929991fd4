package io.truststram.identity.internal.tenant;

import io.truststram.identity.Tenants;
import io.truststram.platform.ModuleSchema;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the tenancy service when it is selected to run in this process. */
@Configuration(proxyBeanMethods = false)
class TenancyConfiguration {

  @Bean
  ModuleSchema tenancySchema() {
    return new ModuleSchema("identity");
  }

  @Bean
  TenantStore tenantStore(JdbcClient jdbc) {
    return new JdbcTenantStore(jdbc);
  }

  @Bean
  Tenants tenants(TenantStore store, ApplicationEventPublisher events, Clock clock) {
    return new TenantService(store, events, clock);
  }
}
