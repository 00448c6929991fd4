package io.truststram.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.PostgresSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link EventPublicationRegistryContract} on the real PostgreSQL server, with the whole
 * application context on it (migrations included), in a schema of its own.
 */
@ExtendWith(PostgresSchema.DropAfterAll.class)
@SpringBootTest
@DirtiesContext
@ActiveProfiles("test")
class PostgresEventPublicationRegistryIntegrationTest extends EventPublicationRegistryContract {

  static final PostgresSchema SCHEMA = PostgresSchema.create();

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) {
    SCHEMA.register(registry);
  }

  @Test
  void runsOnPostgresql() {
    assertThat(jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL");
  }
}
