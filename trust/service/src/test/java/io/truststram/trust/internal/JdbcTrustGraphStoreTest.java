package io.truststram.trust.internal;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The relational adapter on H2 in PostgreSQL mode, the embedded default. */
class JdbcTrustGraphStoreTest extends TrustGraphStoreContract {

  static DataSource dataSource;

  @BeforeAll
  static void database() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(
        "jdbc:h2:mem:trust-contract;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    dataSource = h2;
    migrate(dataSource);
  }

  static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/trust")
        .table("flyway_history_trust")
        .load()
        .migrate();
  }

  static TrustGraphStore jdbcStore(DataSource dataSource) {
    return new JdbcTrustGraphStore(
        JdbcClient.create(dataSource),
        new JdbcTemplate(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }

  @Override
  TrustGraphStore store() {
    return jdbcStore(dataSource);
  }
}
