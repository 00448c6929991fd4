package io.truststram.identity.internal.tenant;

import io.truststram.platform.testing.TestDatabase;

/**
 * {@link TenantStoreContract} on the embedded H2 database, in PostgreSQL mode and pooled, as the
 * server runs it.
 */
class H2TenantStoreIntegrationTest extends TenantStoreContract {

  @Override
  TestDatabase emptyDatabase() {
    return TestDatabase.h2();
  }
}
