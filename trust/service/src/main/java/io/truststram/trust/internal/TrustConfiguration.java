package io.truststram.trust.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.platform.ModuleSchema;
import java.time.Clock;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the trust service when it runs in this process. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TrustProperties.class)
class TrustConfiguration {

  @Bean
  ModuleSchema trustSchema() {
    return new ModuleSchema("trust");
  }

  /** The Neo4j driver of the {@code neo4j} store (truststram.trust.store=neo4j). */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "truststram.trust.store", havingValue = "neo4j")
  Driver trustNeo4jDriver(TrustProperties properties) {
    TrustProperties.Neo4j neo4j = properties.neo4j();
    return GraphDatabase.driver(
        neo4j.uri(),
        neo4j.password().isEmpty()
            ? AuthTokens.none()
            : AuthTokens.basic(neo4j.username(), neo4j.password()));
  }

  @Bean
  TrustGraphStore trustGraphStore(
      TrustProperties properties,
      ObjectProvider<Driver> neo4j,
      JdbcClient jdbc,
      JdbcTemplate jdbcTemplate,
      PlatformTransactionManager transactionManager) {
    if (properties.store().equals("neo4j")) {
      return new Neo4jTrustGraphStore(neo4j.getObject(), properties.neo4j().database());
    }
    return new JdbcTrustGraphStore(jdbc, jdbcTemplate, new TransactionTemplate(transactionManager));
  }

  @Bean
  TrustService trustService(
      TrustGraphStore store, TrustProperties properties, Clock clock, MeterRegistry registry) {
    return new TrustService(store, properties, clock, registry);
  }

  @Bean
  AttestationEvidence trustAttestationEvidence(TrustService trust) {
    return new AttestationEvidence(trust);
  }

  @Bean
  Recomputation trustRecomputation(TrustService trust) {
    return new Recomputation(trust);
  }

  /** Recomputes the scores of tenants whose graph changed, a few seconds after the change. */
  static final class Recomputation {
    private final TrustService trust;

    Recomputation(TrustService trust) {
      this.trust = trust;
    }

    @Scheduled(
        fixedDelayString = "${truststram.trust.recompute-delay:5s}",
        initialDelayString = "${truststram.trust.recompute-delay:5s}")
    void run() {
      trust.recomputeChanged();
    }
  }
}
