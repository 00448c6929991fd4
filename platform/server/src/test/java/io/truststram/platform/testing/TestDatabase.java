package io.truststram.platform.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * An empty database for a persistence contract test, closed (and for PostgreSQL, dropped) after the
 * test: a private in-memory H2 in PostgreSQL mode behind a pool, as the server runs H2, or a fresh
 * schema on the real PostgreSQL server.
 */
public interface TestDatabase extends AutoCloseable {

  DataSource dataSource();

  @Override
  void close();

  /** A private in-memory H2 database in PostgreSQL mode, pooled. */
  static TestDatabase h2() {
    var pool = new HikariDataSource();
    pool.setJdbcUrl(
        "jdbc:h2:mem:"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    pool.setUsername("sa");
    pool.setMaximumPoolSize(4);
    return new TestDatabase() {
      @Override
      public DataSource dataSource() {
        return pool;
      }

      @Override
      public void close() {
        pool.close();
      }
    };
  }

  /** A fresh schema on the test PostgreSQL server. */
  static TestDatabase postgres() {
    PostgresSchema schema = PostgresSchema.create();
    DataSource dataSource = schema.dataSource();
    return new TestDatabase() {
      @Override
      public DataSource dataSource() {
        return dataSource;
      }

      @Override
      public void close() {
        schema.close();
      }
    };
  }
}
