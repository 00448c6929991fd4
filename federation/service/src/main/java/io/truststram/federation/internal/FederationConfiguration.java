package io.truststram.federation.internal;

import io.truststram.identity.ApiClients;
import io.truststram.identity.Tenants;
import io.truststram.platform.ModuleSchema;
import java.time.Clock;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the federation service when it is selected to run in this process. */
@Configuration(proxyBeanMethods = false)
class FederationConfiguration {

  @Bean
  ModuleSchema federationSchema() {
    return new ModuleSchema("federation");
  }

  @Bean
  FederationStore federationStore(JdbcClient jdbc) {
    return new FederationStore(jdbc);
  }

  @Bean
  Participants federationParticipants(JdbcClient jdbc) {
    return new Participants(jdbc);
  }

  @Bean
  Nodes federationNodes(JdbcClient jdbc) {
    return new Nodes(jdbc);
  }

  @Bean
  NodeService federationNodeService(
      FederationService federations,
      Participants participants,
      Nodes nodes,
      ApiClients clients,
      Clock clock) {
    return new NodeService(federations, participants, nodes, clients, clock);
  }

  @Bean
  FederationService federationService(
      FederationStore store,
      Participants participants,
      Tenants tenants,
      ApplicationEventPublisher events,
      Clock clock) {
    return new FederationService(store, participants, tenants, events, clock);
  }
}
