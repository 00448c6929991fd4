package io.truststram.platform.idempotency;

import io.truststram.platform.testing.TestDatabase;

/** {@link IdempotencyStoreContract} on the real PostgreSQL server, in a schema of its own. */
class PostgresIdempotencyStoreIntegrationTest extends IdempotencyStoreContract {

  @Override
  TestDatabase emptyDatabase() {
    return TestDatabase.postgres();
  }
}
