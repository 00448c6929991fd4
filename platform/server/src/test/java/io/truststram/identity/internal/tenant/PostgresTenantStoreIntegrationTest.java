package io.truststram.identity.internal.tenant;

import io.truststram.platform.testing.TestDatabase;

/** {@link TenantStoreContract} on the real PostgreSQL server, in a schema of its own. */
class PostgresTenantStoreIntegrationTest extends TenantStoreContract {

  @Override
  TestDatabase emptyDatabase() {
    return TestDatabase.postgres();
  }
}
