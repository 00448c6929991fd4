package io.truststram.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.identity.NewTenant;
import io.truststram.identity.TenantCreated;
import io.truststram.identity.Tenants;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.modulith.events.IncompleteEventPublications;

/**
 * The Spring Modulith event publication registry on a real database: a module listener's delivery
 * is recorded in the publishing transaction, survives the listener's failure, is delivered again on
 * resubmission, and is removed once complete. Subclasses choose the database.
 */
@Import(EventPublicationRegistryContract.Listeners.class)
abstract class EventPublicationRegistryContract {

  @Autowired Tenants tenants;
  @Autowired JdbcClient jdbc;
  @Autowired IncompleteEventPublications incomplete;
  @Autowired Deliveries listener;
  @Autowired FailedEventRedelivery redelivery;

  @BeforeEach
  void healthyListener() {
    listener.failing.set(false);
  }

  @Test
  void aDeliveredEventLeavesNoPublicationBehind() {
    String slug = slug();
    tenants.create(new NewTenant(slug, "Delivered"));
    await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.contains(slug));
    await().atMost(Duration.ofSeconds(20)).until(() -> publicationsMentioning(slug) == 0);
  }

  @Test
  void aFailedDeliveryIsKeptAndDeliveredOnResubmission() {
    listener.failing.set(true);
    String slug = slug();
    tenants.create(new NewTenant(slug, "Retried"));
    await().atMost(Duration.ofSeconds(20)).until(() -> listener.attempts.contains(slug));
    assertThat(listener.received).doesNotContain(slug);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(incompletePublicationsMentioning(slug)).isEqualTo(1));

    listener.failing.set(false);
    incomplete.resubmitIncompletePublications(
        publication ->
            publication.getEvent() instanceof TenantCreated created && created.slug().equals(slug));
    await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.contains(slug));
    await().atMost(Duration.ofSeconds(20)).until(() -> publicationsMentioning(slug) == 0);
  }

  @Test
  void theRedeliveryJobDeliversFailedPublicationsAgain() {
    listener.failing.set(true);
    String slug = slug();
    tenants.create(new NewTenant(slug, "Redelivered"));
    await().atMost(Duration.ofSeconds(20)).until(() -> listener.attempts.contains(slug));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(incompletePublicationsMentioning(slug)).isEqualTo(1));
    listener.failing.set(false);

    redelivery.redeliver();

    await().atMost(Duration.ofSeconds(20)).until(() -> listener.received.contains(slug));
    assertThat(listener.attempts.stream().filter(slug::equals).count()).isGreaterThanOrEqualTo(2);
    await().atMost(Duration.ofSeconds(20)).until(() -> publicationsMentioning(slug) == 0);
  }

  private long publicationsMentioning(String slug) {
    return jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE serialized_event LIKE :slug")
        .param("slug", "%" + slug + "%")
        .query(Long.class)
        .single();
  }

  private long incompletePublicationsMentioning(String slug) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM event_publication"
                + " WHERE serialized_event LIKE :slug AND completion_date IS NULL")
        .param("slug", "%" + slug + "%")
        .query(Long.class)
        .single();
  }

  private static String slug() {
    return "ev-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** What the listener saw, and whether it should fail. Not proxied, unlike the listener. */
  static class Deliveries {
    final AtomicBoolean failing = new AtomicBoolean();
    final List<String> attempts = new CopyOnWriteArrayList<>();
    final List<String> received = new CopyOnWriteArrayList<>();
  }

  /** A module listener that fails on demand. */
  static class FlakyListener {
    private final Deliveries deliveries;

    FlakyListener(Deliveries deliveries) {
      this.deliveries = deliveries;
    }

    @ApplicationModuleListener
    void on(TenantCreated event) {
      // Decide before recording the attempt: once a test sees the attempt, its outcome is fixed.
      boolean fail = deliveries.failing.get();
      deliveries.attempts.add(event.slug());
      if (fail) {
        throw new IllegalStateException("listener failing on purpose for " + event.slug());
      }
      deliveries.received.add(event.slug());
    }
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Listeners {
    @Bean
    Deliveries deliveries() {
      return new Deliveries();
    }

    @Bean
    FlakyListener flakyListener(Deliveries deliveries) {
      return new FlakyListener(deliveries);
    }
  }
}
