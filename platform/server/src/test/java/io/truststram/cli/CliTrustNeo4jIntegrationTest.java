package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.InProcessNeo4j;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.ContextConfiguration;

/** {@code truststram trust ...} against a server whose trust graph is in Neo4j. */
@ContextConfiguration(initializers = InProcessNeo4j.class)
class CliTrustNeo4jIntegrationTest extends CliTrustIntegrationTest {

  /** The graph the command line imported went to Neo4j. */
  @AfterAll
  static void theGraphIsInNeo4j() {
    assertThat(InProcessNeo4j.count("TrustComputation")).isPositive();
  }
}
