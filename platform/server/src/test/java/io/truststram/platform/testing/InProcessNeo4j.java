package io.truststram.platform.testing;

import java.util.Map;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * One real Neo4j for the test JVM, started in-process by Neo4j's test harness (ADR 0011), for tests
 * that run the server on the trust service's Neo4j store: {@code @ContextConfiguration(initializers
 * = InProcessNeo4j.class)}. Such tests share one cached Spring context; the database lives as long
 * as the JVM, as that context does.
 */
public final class InProcessNeo4j
    implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  private static final Neo4j NEO4J =
      Neo4jBuilders.newInProcessBuilder().withDisabledServer().build();

  /** Points the trust service's store at the in-process Neo4j. */
  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "in-process-neo4j",
                Map.of(
                    "truststram.trust.store",
                    "neo4j",
                    "truststram.trust.neo4j.uri",
                    NEO4J.boltURI().toString())));
  }

  /** How many nodes of {@code label} the database holds. */
  public static long count(String label) {
    return NEO4J
        .defaultDatabaseService()
        .executeTransactionally(
            "MATCH (n:" + label + ") RETURN count(n) AS n",
            Map.of(),
            result -> (Long) result.next().get("n"));
  }
}
