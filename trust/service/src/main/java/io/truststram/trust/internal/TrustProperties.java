package io.truststram.trust.internal;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code truststram.trust.*}: where the trust graph lives and how scores are computed.
 *
 * @param store {@code jdbc} (the relational store: H2 embedded, PostgreSQL in production) or {@code
 *     neo4j}
 * @param neo4j the Neo4j server, when {@code store} is {@code neo4j}
 * @param maxBatch the most entities, relationships or evidence records one request writes (10,000)
 * @param alpha EigenTrust's weight of the pre-trusted distribution (0.15)
 * @param tolerance the L1 change at which EigenTrust stops (1e-10)
 * @param maxIterations the most EigenTrust iterations (1,000)
 * @param resolution Louvain's resolution γ (1)
 * @param forgettingFactor how much evidence keeps of its weight per {@code forgettingPeriod} (0.9)
 * @param forgettingPeriod the period of the forgetting factor (30 days)
 * @param keepComputations how many computations keep their scores and communities as history (50)
 * @param recomputeDelay how soon after new evidence or relationships a tenant's scores are
 *     recomputed (5s)
 * @param futureSkew how far in the future evidence may be dated, for clock skew (1 minute)
 * @param clientSelection whether federations choose their clients by trust (true)
 * @param selectionFloor the least sampling weight a client gets, so that newcomers and the
 *     distrusted can still earn trust (0.1)
 * @param explanationCacheEdges how much, over all tenants, of their latest computation's graph is
 *     kept in memory to explain scores without reading the graph again, in edges, each entity
 *     counting as 10 (10,000,000, about 120 MB; 0 reads it for every explanation)
 * @param graphCacheEdges how much, over all tenants, of their graphs is kept in memory between
 *     computations, so that a computation after this instance's own writes need not read the graph
 *     from the store: relationships, plus pairs rated by evidence, plus 10 per entity (2,000,000;
 *     86 MB measured for 100,000 entities and 500,000 relationships, 1.55 million; 0 reads the
 *     graph for every computation)
 */
@Validated
@ConfigurationProperties("truststram.trust")
public record TrustProperties(
    @DefaultValue("jdbc") @NotNull String store,
    @DefaultValue Neo4j neo4j,
    @DefaultValue("10000") int maxBatch,
    @DefaultValue("0.15") double alpha,
    @DefaultValue("1e-10") double tolerance,
    @DefaultValue("1000") int maxIterations,
    @DefaultValue("1") double resolution,
    @DefaultValue("0.9") double forgettingFactor,
    @DefaultValue("30d") @NotNull Duration forgettingPeriod,
    @DefaultValue("50") int keepComputations,
    @DefaultValue("5s") @NotNull Duration recomputeDelay,
    @DefaultValue("1m") @NotNull Duration futureSkew,
    @DefaultValue("true") boolean clientSelection,
    @DefaultValue("0.1") double selectionFloor,
    @DefaultValue("10000000") long explanationCacheEdges,
    @DefaultValue("2000000") long graphCacheEdges) {

  /**
   * The Neo4j server of the {@code neo4j} store.
   *
   * @param uri its Bolt URI ({@code bolt://localhost:7687})
   * @param username the user ({@code neo4j})
   * @param password the password (empty: no authentication)
   * @param database the database (empty: the server's default)
   */
  public record Neo4j(
      @DefaultValue("bolt://localhost:7687") String uri,
      @DefaultValue("neo4j") String username,
      @DefaultValue("") String password,
      @DefaultValue("") @Nullable String database) {}

  public TrustProperties {
    if (!store.equals("jdbc") && !store.equals("neo4j")) {
      throw new IllegalArgumentException("truststram.trust.store is jdbc or neo4j, not " + store);
    }
    if (maxBatch < 1 || maxBatch > 1_000_000) {
      throw new IllegalArgumentException("truststram.trust.max-batch lies in 1..1,000,000");
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException("truststram.trust.alpha lies in [0, 1]");
    }
    if (!(tolerance > 0) || maxIterations < 1) {
      throw new IllegalArgumentException(
          "truststram.trust.tolerance and max-iterations are positive");
    }
    if (!(resolution > 0) || Double.isInfinite(resolution)) {
      throw new IllegalArgumentException("truststram.trust.resolution is positive");
    }
    if (!(forgettingFactor > 0 && forgettingFactor <= 1)
        || forgettingPeriod.isNegative()
        || forgettingPeriod.isZero()) {
      throw new IllegalArgumentException(
          "truststram.trust.forgetting-factor lies in (0, 1] and forgetting-period is positive");
    }
    if (keepComputations < 1 || keepComputations > 10_000) {
      throw new IllegalArgumentException("truststram.trust.keep-computations lies in 1..10,000");
    }
    if (recomputeDelay.isNegative() || recomputeDelay.isZero() || futureSkew.isNegative()) {
      throw new IllegalArgumentException(
          "truststram.trust.recompute-delay is positive and future-skew not negative");
    }
    if (!(selectionFloor > 0 && selectionFloor <= 1)) {
      throw new IllegalArgumentException("truststram.trust.selection-floor lies in (0, 1]");
    }
    if (graphCacheEdges < 0) {
      throw new IllegalArgumentException(
          "truststram.trust.graph-cache-edges is 0 or more, not " + graphCacheEdges);
    }
    if (explanationCacheEdges < 0) {
      throw new IllegalArgumentException(
          "truststram.trust.explanation-cache-edges is 0 or more, not " + explanationCacheEdges);
    }
  }
}
