package io.truststram.federation.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.federation.ClientSelector;
import io.truststram.identity.ApiClients;
import io.truststram.identity.Tenants;
import io.truststram.platform.ModuleSchema;
import io.truststram.platform.blob.BlobStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

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
      Coordinator coordinator,
      Clock clock) {
    return new NodeService(federations, participants, nodes, clients, coordinator, clock);
  }

  @Bean
  Rounds federationRounds(JdbcClient jdbc) {
    return new Rounds(jdbc);
  }

  @Bean
  @ConditionalOnMissingBean
  ClientSelector uniformClientSelector() {
    return ClientSelector.uniform();
  }

  @Bean(destroyMethod = "close")
  Coordinator federationCoordinator(
      FederationStore store,
      Rounds rounds,
      Nodes nodes,
      Participants participants,
      BlobStore blobs,
      ClientSelector selector,
      PlatformTransactionManager transactionManager,
      ApplicationEventPublisher events,
      MeterRegistry registry,
      Clock clock,
      @Value("${truststram.federation.tick:1s}") Duration tick,
      @Value("${truststram.federation.quorum-wait:10s}") Duration quorumWait,
      @Value("${truststram.federation.aggregation.shards:}") List<URI> shards,
      @Value("${truststram.federation.aggregation.secret:}") String secret,
      @Value("${truststram.federation.aggregation.timeout:60s}") Duration shardTimeout) {
    // Separable strategies fold on these aggregation shards (processes running the aggregation
    // service) when any are configured, in this process otherwise.
    return new Coordinator(
        store,
        rounds,
        nodes,
        participants,
        new Checkpoints(blobs),
        selector,
        new TransactionTemplate(transactionManager),
        events,
        registry,
        clock,
        tick,
        quorumWait,
        shards.isEmpty() ? null : new HttpShardTransport(shards, secret, shardTimeout));
  }

  @Bean
  FederationService federationService(
      FederationStore store,
      Participants participants,
      Nodes nodes,
      Tenants tenants,
      ApplicationEventPublisher events,
      Clock clock) {
    return new FederationService(store, participants, nodes, tenants, events, clock);
  }
}
