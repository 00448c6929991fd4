package io.truststram.platform;

import java.util.regex.Pattern;

/**
 * Declares that a module owns database tables, migrated by Flyway from {@code
 * classpath:db/migration/<module>} with the module's own history table.
 *
 * <p>A module registers one as a bean; the platform migrates the schemas of the modules that run in
 * this process, platform first, before anything uses the database. Migrations are plain SQL written
 * once for both H2 (PostgreSQL mode) and PostgreSQL; table names start with the module name.
 *
 * @param module the module's name, lower-case letters, digits and underscores
 */
public record ModuleSchema(String module) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");

  public ModuleSchema {
    if (!NAME.matcher(module).matches()) {
      throw new IllegalArgumentException("module name must match " + NAME + ": " + module);
    }
  }

  /** Where the module's migrations are on the classpath. */
  public String location() {
    return "classpath:db/migration/" + module;
  }

  /** The Flyway history table of this module. */
  public String historyTable() {
    return "flyway_history_" + module;
  }
}
