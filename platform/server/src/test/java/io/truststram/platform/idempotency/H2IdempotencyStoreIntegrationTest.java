package io.truststram.platform.idempotency;

import com.zaxxer.hikari.HikariDataSource;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link IdempotencyStoreContract} on the embedded H2 database behind a pool, as the server runs
 * it.
 */
class H2IdempotencyStoreIntegrationTest extends IdempotencyStoreContract {

  private HikariDataSource pool;

  @Override
  DataSource emptySchema() {
    pool = new HikariDataSource();
    pool.setJdbcUrl(
        "jdbc:h2:mem:"
            + UUID.randomUUID()
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    pool.setUsername("sa");
    pool.setMaximumPoolSize(4);
    return pool;
  }

  @AfterEach
  void closePool() {
    pool.close();
  }
}
