/**
 * Trust: trust scores for everything that takes part in TrustStram. {@code trust/core} holds the
 * algorithms (a compressed-sparse-row graph engine, EigenTrust, SybilRank, Beta reputation,
 * Louvain), plain Java for the CLI and benchmarks; this service keeps each tenant's trust graph
 * (typed entities, typed and weighted relationships, evidence) in a graph store (relational tables
 * or Neo4j), computes scores and communities from it incrementally, explains them, keeps their
 * history, judges them against policies, turns federation rounds into evidence and chooses
 * federation clients by trust.
 *
 * <p>API: {@link io.truststram.trust.TrustProblems}. REST: {@code /api/v1/trust}.
 */
@NullMarked
@ApplicationModule(displayName = "Trust")
package io.truststram.trust;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
