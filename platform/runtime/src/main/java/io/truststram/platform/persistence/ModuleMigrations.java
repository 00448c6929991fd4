package io.truststram.platform.persistence;

import io.truststram.platform.ModuleSchema;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Migrates the schema of every module that runs in this process, each with its own Flyway history.
 *
 * <p>One history per module (rather than Spring Boot's single Flyway) is what lets a process that
 * runs some services share a database with processes that run others: each migrates only the tables
 * it owns, and none sees another's migrations as missing. The platform's schema goes first; the
 * rest follow in name order. Every bean that uses JDBC waits for this one (see {@link
 * ModuleMigrationsDetector}).
 */
public final class ModuleMigrations implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(ModuleMigrations.class);

  private final DataSource dataSource;
  private final List<ModuleSchema> schemas;

  public ModuleMigrations(DataSource dataSource, List<ModuleSchema> schemas) {
    this.dataSource = dataSource;
    this.schemas =
        schemas.stream()
            .distinct()
            .sorted(
                Comparator.comparing((ModuleSchema s) -> !s.module().equals("platform"))
                    .thenComparing(ModuleSchema::module))
            .toList();
  }

  @Override
  public void afterPropertiesSet() {
    for (ModuleSchema schema : schemas) {
      MigrateResult result = flywayFor(schema).migrate();
      log.info(
          "Schema of module '{}' at version {} ({} migration(s) applied)",
          schema.module(),
          result.targetSchemaVersion == null
              ? result.initialSchemaVersion
              : result.targetSchemaVersion,
          result.migrationsExecuted);
    }
  }

  /** The modules migrated, in order. */
  public List<ModuleSchema> schemas() {
    return schemas;
  }

  private Flyway flywayFor(ModuleSchema schema) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations(schema.location())
        .table(schema.historyTable())
        // Other modules' tables may already be in the schema: start this module's history at
        // version 0 so that its own V1 still runs.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .cleanDisabled(true)
        .validateMigrationNaming(true)
        .load();
  }
}
