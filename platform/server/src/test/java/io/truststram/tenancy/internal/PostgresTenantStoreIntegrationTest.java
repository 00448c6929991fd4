package io.truststram.tenancy.internal;

import io.truststram.platform.testing.TestDatabase;

/** {@link TenantStoreContract} on the real PostgreSQL server, in a schema of its own. */
class PostgresTenantStoreIntegrationTest extends TenantStoreContract {

  @Override
  TestDatabase emptyDatabase() {
    return TestDatabase.postgres();
  }
}
