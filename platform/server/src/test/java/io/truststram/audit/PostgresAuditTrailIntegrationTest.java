package io.truststram.audit;

import io.truststram.platform.testing.PostgresSchema;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The audit trail on the real PostgreSQL server, in a schema of its own. */
@ExtendWith(PostgresSchema.DropAfterAll.class)
@DirtiesContext
class PostgresAuditTrailIntegrationTest extends AuditTrailContract {

  static final PostgresSchema SCHEMA = PostgresSchema.create();

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    SCHEMA.register(registry);
  }
}
