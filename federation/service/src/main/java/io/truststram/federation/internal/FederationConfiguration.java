package io.truststram.federation.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.federation.ClientSelector;
import io.truststram.federation.FederatedAnalysis;
import io.truststram.identity.ApiClients;
import io.truststram.identity.Tenants;
import io.truststram.platform.ModuleSchema;
import io.truststram.platform.blob.BlobStore;
import io.truststram.trust.TrustScores;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
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

  /**
   * Clients chosen by trust when the trust service runs in this process
   * (truststram.trust.client-selection, default true), uniformly otherwise.
   */
  @Bean
  @ConditionalOnMissingBean
  ClientSelector federationClientSelector(
      ObjectProvider<TrustScores> trust,
      @Value("${truststram.trust.client-selection:true}") boolean byTrust,
      @Value("${truststram.trust.selection-floor:0.1}") double floor) {
    TrustScores scores = trust.getIfAvailable();
    return scores != null && byTrust
        ? new TrustAwareClientSelector(scores, floor)
        : ClientSelector.uniform();
  }

  @Bean
  TrustFeedback federationTrustFeedback(ObjectProvider<TrustScores> trust) {
    return new TrustFeedback(trust);
  }

  /** Fairness by group across the nodes: their confusion counts added. */
  @Bean
  FederatedAnalysis federationFairnessAnalysis() {
    return new FairnessAnalysis();
  }

  /** Global feature importance across the nodes: their sums of attributions added. */
  @Bean
  FederatedAnalysis federationImportanceAnalysis() {
    return new ImportanceAnalysis();
  }

  @Bean(destroyMethod = "close")
  Analyses federationAnalyses(
      JdbcClient jdbc,
      FederationStore store,
      Rounds rounds,
      Nodes nodes,
      Participants participants,
      List<FederatedAnalysis> kinds,
      PlatformTransactionManager transactionManager,
      MeterRegistry registry,
      Clock clock,
      @Value("${truststram.federation.tick:1s}") Duration tick) {
    return new Analyses(
        jdbc,
        store,
        rounds,
        nodes,
        participants,
        kinds,
        new TransactionTemplate(transactionManager),
        registry,
        clock,
        tick);
  }

  @Bean(destroyMethod = "close")
  Coordinator federationCoordinator(
      FederationStore store,
      Rounds rounds,
      Nodes nodes,
      Participants participants,
      BlobStore blobs,
      Analyses analyses,
      ObjectProvider<TrustScores> trust,
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
        analyses,
        serviceTrust(trust.getIfAvailable()),
        selector,
        new TransactionTemplate(transactionManager),
        events,
        registry,
        clock,
        tick,
        quorumWait,
        shards.isEmpty() ? null : new HttpShardTransport(shards, secret, shardTimeout));
  }

  /** The trust service's reputations of nodes it scored, when it runs in this process. */
  private static Coordinator.@Nullable ServiceTrust serviceTrust(@Nullable TrustScores scores) {
    if (scores == null) {
      return null;
    }
    return (owner, nodes) -> {
      Map<String, Double> out = new LinkedHashMap<>();
      for (String node : nodes) {
        scores.reputation(owner, node).ifPresent(value -> out.put(node, value));
      }
      return out;
    };
  }

  @Bean
  FederationService federationService(
      FederationStore store,
      Participants participants,
      Nodes nodes,
      Tenants tenants,
      ApplicationEventPublisher events,
      Clock clock,
      ObjectProvider<TrustScores> trust) {
    return new FederationService(
        store, participants, nodes, tenants, events, clock, trust.getIfAvailable() != null);
  }
}
