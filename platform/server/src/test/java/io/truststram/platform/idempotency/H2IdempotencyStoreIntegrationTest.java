package io.truststram.platform.idempotency;

import io.truststram.platform.testing.TestDatabase;

/** {@link IdempotencyStoreContract} on the embedded H2 database, pooled, as the server runs it. */
class H2IdempotencyStoreIntegrationTest extends IdempotencyStoreContract {

  @Override
  TestDatabase emptyDatabase() {
    return TestDatabase.h2();
  }
}
