package io.truststram.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.InProcessNeo4j;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.ContextConfiguration;

/**
 * The trust API's tests again, on the Neo4j store (a real Neo4j in-process, reached over Bolt):
 * entities, relationships, evidence, computations, scores, top-k, history, explanations,
 * communities, policies, bad input and the federation's evidence must behave as on the relational
 * store.
 */
@ContextConfiguration(initializers = InProcessNeo4j.class)
class TrustApiNeo4jIntegrationTest extends TrustApiIntegrationTest {

  /** What the tests wrote went to Neo4j, not to the relational tables. */
  @AfterAll
  static void theGraphIsInNeo4j() {
    assertThat(InProcessNeo4j.count("TrustEntity")).isPositive();
    assertThat(InProcessNeo4j.count("TrustScore")).isPositive();
  }
}
