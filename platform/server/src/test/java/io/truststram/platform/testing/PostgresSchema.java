package io.truststram.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A fresh schema in the test PostgreSQL database, dropped on {@link #close()}, so that tests can
 * run against a shared server without seeing each other's tables.
 */
public final class PostgresSchema implements AutoCloseable {

  private final String name;

  private PostgresSchema(String name) {
    this.name = name;
  }

  /** Creates a schema with a random name. */
  public static PostgresSchema create() {
    String name = "ts_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute("CREATE SCHEMA " + name);
    return new PostgresSchema(name);
  }

  public String name() {
    return name;
  }

  /** A JDBC URL whose connections work in this schema. */
  public String jdbcUrl() {
    String base = TestBackends.postgresUrl();
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
  }

  /** Points the application's database at this schema. */
  public void register(org.springframework.test.context.DynamicPropertyRegistry registry) {
    registry.add("truststram.db.url", this::jdbcUrl);
    registry.add("truststram.db.user", TestBackends::postgresUser);
    registry.add("truststram.db.password", TestBackends::postgresPassword);
  }

  /** A plain data source on this schema. */
  public DataSource dataSource() {
    var dataSource =
        new DriverManagerDataSource(
            jdbcUrl(), TestBackends.postgresUser(), TestBackends.postgresPassword());
    dataSource.setDriverClassName("org.postgresql.Driver");
    return dataSource;
  }

  @Override
  public void close() {
    execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  private static void execute(String sql) {
    try (Connection connection =
            DriverManager.getConnection(
                TestBackends.postgresUrl(),
                TestBackends.postgresUser(),
                TestBackends.postgresPassword());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at "
              + TestBackends.postgresUrl()
              + " is not usable ("
              + e.getMessage()
              + "); start it or set TRUSTSTRAM_TEST_PG_URL. ./truststram test starts the local one.",
          e);
    }
  }

  /**
   * Drops every static {@link PostgresSchema} of a test class after the class, and after its Spring
   * context has been closed: declare it with {@code @ExtendWith} above {@code @SpringBootTest} (so
   * that its after-all callback runs after Spring's) together with {@code @DirtiesContext}.
   */
  public static final class DropAfterAll
      implements org.junit.jupiter.api.extension.AfterAllCallback {
    @Override
    public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context)
        throws Exception {
      for (var field : context.getRequiredTestClass().getDeclaredFields()) {
        if (java.lang.reflect.Modifier.isStatic(field.getModifiers())
            && field.getType() == PostgresSchema.class) {
          field.setAccessible(true);
          ((PostgresSchema) field.get(null)).close();
        }
      }
    }
  }
}
