package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.common.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.modulith.test.EnableScenarios;
import org.springframework.modulith.test.Scenario;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

/** Creating a tenant publishes {@link TenantCreated}; a refused creation publishes nothing. */
@SpringBootTest
@ActiveProfiles("test")
@EnableScenarios
@RecordApplicationEvents
class TenantEventsIntegrationTest {

  @Autowired Tenants tenants;

  @Test
  void creationPublishesTenantCreated(Scenario scenario) {
    scenario
        .stimulate(() -> tenants.create(new NewTenant("event-acme", "Acme")))
        .andWaitForEventOfType(TenantCreated.class)
        .matching(event -> event.slug().equals("event-acme"))
        .toArriveAndVerify(
            (event, tenant) -> {
              assertThat(event.tenantId()).isEqualTo(tenant.id());
              assertThat(event.createdAt()).isEqualTo(tenant.createdAt());
            });
  }

  @Test
  void refusedCreationPublishesNothing(ApplicationEvents events) {
    tenants.create(new NewTenant("event-dup", "First"));
    long before = events.stream(TenantCreated.class).count();
    assertThatThrownBy(() -> tenants.create(new NewTenant("event-dup", "Second")))
        .isInstanceOf(ProblemException.class);
    assertThat(events.stream(TenantCreated.class).count()).isEqualTo(before);
  }

  @Test
  void theFacadeValidatesWhatTheApiValidates() {
    assertThatThrownBy(() -> new NewTenant("x", "Acme"))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("slug");
    assertThatThrownBy(() -> new NewTenant("acme", " "))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("name");
    assertThat(tenants.findBySlug("no-such-tenant")).isEmpty();
  }
}
