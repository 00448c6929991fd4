package io.truststram.trust.internal;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/** The Neo4j adapter against a real Neo4j, started in this process by Neo4j's test harness. */
class Neo4jTrustGraphStoreTest extends TrustGraphStoreContract {

  static Neo4j neo4j;
  static Driver driver;
  static Neo4jTrustGraphStore shared;

  @BeforeAll
  static void start() {
    neo4j = Neo4jBuilders.newInProcessBuilder().withDisabledServer().build();
    driver = GraphDatabase.driver(neo4j.boltURI(), AuthTokens.none());
    shared = new Neo4jTrustGraphStore(driver, null);
  }

  @AfterAll
  static void stop() {
    driver.close();
    neo4j.close();
  }

  @Override
  TrustGraphStore store() {
    return shared;
  }
}
