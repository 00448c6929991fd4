package io.truststram.trust.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The relational adapter on the real PostgreSQL (TRUSTSTRAM_TEST_PG_URL, default the local server),
 * in a schema of its own that is dropped afterwards.
 */
class PostgresTrustGraphStoreTest extends TrustGraphStoreContract {

  /** Pooled, as the server's connections are (a connection per query costs about 3 ms). */
  static HikariDataSource dataSource;

  static String schema;

  static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  @BeforeAll
  static void database() throws SQLException {
    String url = env("TRUSTSTRAM_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user = env("TRUSTSTRAM_TEST_PG_USER", "postgres");
    String password = env("TRUSTSTRAM_TEST_PG_PASSWORD", "");
    schema = "trust_contract_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      c.createStatement().execute("CREATE SCHEMA " + schema.toLowerCase(Locale.ROOT));
    }
    PGSimpleDataSource postgres = new PGSimpleDataSource();
    postgres.setURL(url);
    postgres.setUser(user);
    postgres.setPassword(password);
    postgres.setCurrentSchema(schema);
    HikariConfig pool = new HikariConfig();
    pool.setDataSource(postgres);
    pool.setMaximumPoolSize(10);
    dataSource = new HikariDataSource(pool);
    JdbcTrustGraphStoreTest.migrate(dataSource);
  }

  @AfterAll
  static void drop() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
    }
    dataSource.close();
  }

  @Override
  TrustGraphStore store() {
    return JdbcTrustGraphStoreTest.jdbcStore(dataSource);
  }
}
