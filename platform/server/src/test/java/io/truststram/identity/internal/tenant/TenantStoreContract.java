package io.truststram.identity.internal.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.Tenant;
import io.truststram.identity.TenantStatus;
import io.truststram.platform.ModuleSchema;
import io.truststram.platform.persistence.ModuleMigrations;
import io.truststram.platform.testing.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The contract of {@link TenantStore}, run against every database TrustStram supports. A subclass
 * supplies a data source on an empty schema; the kit migrates it with the real migrations.
 */
abstract class TenantStoreContract {

  TenantStore store;
  DataSource dataSource;
  private TestDatabase database;

  /** An empty database of the kind under test. */
  abstract TestDatabase emptyDatabase();

  @BeforeEach
  void migrate() {
    database = emptyDatabase();
    dataSource = database.dataSource();
    new ModuleMigrations(
            dataSource, List.of(new ModuleSchema("platform"), new ModuleSchema("identity")))
        .afterPropertiesSet();
    store = new JdbcTenantStore(JdbcClient.create(dataSource));
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }

  @Test
  void aTenantReadsBackExactlyAsStored() {
    Tenant tenant = tenant("acme");
    assertThat(store.insert(tenant)).isTrue();
    assertThat(store.findById(tenant.id())).contains(tenant);
    assertThat(store.findBySlug("acme")).contains(tenant);
  }

  @Test
  void unknownTenantsAreEmpty() {
    assertThat(store.findById(TenantId.newId())).isEmpty();
    assertThat(store.findBySlug("nobody")).isEmpty();
  }

  @Test
  void aTakenSlugIsRefusedAndTheFirstTenantKept() {
    Tenant first = tenant("acme");
    assertThat(store.insert(first)).isTrue();
    assertThat(store.insert(tenant("acme"))).isFalse();
    assertThat(store.findBySlug("acme")).contains(first);
    assertThat(store.listAfter(null, 10)).containsExactly(first);
  }

  @Test
  void concurrentInsertsOfOneSlugLetExactlyOneWin() throws Exception {
    int contenders = 8;
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < contenders; i++) {
      attempts.add(() -> store.insert(tenant("contested")));
    }
    int wins = 0;
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (Future<Boolean> result : pool.invokeAll(attempts)) {
        if (result.get()) {
          wins++;
        }
      }
    }
    assertThat(wins).isEqualTo(1);
    assertThat(store.listAfter(null, 10)).hasSize(1);
  }

  @Test
  void listsInIdOrderAfterACursor() {
    List<Tenant> tenants = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      Tenant t = tenant("tenant-" + i);
      store.insert(t);
      tenants.add(t);
    }
    // Ids are time-ordered; they are also what the list is ordered by.
    List<Tenant> expected = tenants.stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    assertThat(expected).isEqualTo(tenants);

    List<Tenant> seen = new ArrayList<>();
    TenantId after = null;
    while (true) {
      List<Tenant> page = store.listAfter(after, 10);
      if (page.isEmpty()) {
        break;
      }
      seen.addAll(page);
      after = page.getLast().id();
    }
    assertThat(seen).isEqualTo(expected);
  }

  @Test
  void orderHoldsAcrossTheSignBitOfTheUuid() {
    // Ids whose high bits differ in sign, compared as unsigned bytes by both databases.
    Tenant low = withId(new UUID(0x0000_0000_0000_7000L, 0x8000_0000_0000_0001L), "low");
    Tenant high = withId(new UUID(0xF000_0000_0000_7000L, 0x8000_0000_0000_0001L), "high");
    store.insert(high);
    store.insert(low);
    assertThat(store.listAfter(null, 10)).containsExactly(low, high);
    assertThat(store.listAfter(low.id(), 10)).containsExactly(high);
  }

  @Test
  void migrationsCanRunAgainWithoutChange() {
    Tenant tenant = tenant("kept");
    store.insert(tenant);
    new ModuleMigrations(
            dataSource, List.of(new ModuleSchema("platform"), new ModuleSchema("identity")))
        .afterPropertiesSet();
    assertThat(store.findById(tenant.id())).contains(tenant);
  }

  private static Tenant tenant(String slug) {
    return withId(TenantId.newId().value(), slug);
  }

  private static Tenant withId(UUID id, String slug) {
    return new Tenant(
        new TenantId(id),
        slug,
        "Name of " + slug,
        TenantStatus.ACTIVE,
        Instant.now().truncatedTo(ChronoUnit.MICROS));
  }
}
