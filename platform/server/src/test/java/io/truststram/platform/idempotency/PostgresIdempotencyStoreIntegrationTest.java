package io.truststram.platform.idempotency;

import io.truststram.platform.testing.PostgresSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** {@link IdempotencyStoreContract} on the real PostgreSQL server, in a schema of its own. */
class PostgresIdempotencyStoreIntegrationTest extends IdempotencyStoreContract {

  private PostgresSchema schema;

  @Override
  DataSource emptySchema() {
    schema = PostgresSchema.create();
    return schema.dataSource();
  }

  @AfterEach
  void dropSchema() {
    schema.close();
  }
}
