package io.truststram.tenancy.internal;

import io.truststram.platform.testing.PostgresSchema;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** {@link TenantStoreContract} on the real PostgreSQL server, in a schema of its own. */
class PostgresTenantStoreIntegrationTest extends TenantStoreContract {

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
