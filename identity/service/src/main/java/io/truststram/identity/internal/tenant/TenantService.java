package io.truststram.identity.internal.tenant;

import io.truststram.common.page.Cursors;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenant;
import io.truststram.identity.TenantCreated;
import io.truststram.identity.TenantProblems;
import io.truststram.identity.TenantStatus;
import io.truststram.identity.Tenants;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.annotation.Transactional;

/** The tenancy service: creation with its event in one transaction, look-ups, paging. */
class TenantService implements Tenants {

  private final TenantStore store;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  TenantService(TenantStore store, ApplicationEventPublisher events, Clock clock) {
    this.store = store;
    this.events = events;
    this.clock = clock;
  }

  @Override
  @Transactional
  public Tenant create(NewTenant request) {
    // Microseconds: what PostgreSQL keeps, so a tenant reads back exactly as it was returned.
    var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    var tenant =
        new Tenant(TenantId.newId(), request.slug(), request.name(), TenantStatus.ACTIVE, now);
    if (!store.insert(tenant)) {
      throw new ProblemException(
          TenantProblems.SLUG_TAKEN,
          "A tenant with slug '" + request.slug() + "' already exists",
          Map.of("slug", request.slug()));
    }
    events.publishEvent(new TenantCreated(tenant.id(), tenant.slug(), tenant.createdAt()));
    return tenant;
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<Tenant> find(TenantId id) {
    return store.findById(id);
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<Tenant> findBySlug(String slug) {
    return store.findBySlug(slug);
  }

  @Override
  @Transactional(readOnly = true)
  public Page<Tenant> list(PageRequest page) {
    TenantId after = page.after() == null ? null : parseCursor(page.after());
    var rows = store.listAfter(after, page.limit() + 1);
    return Page.fromLookahead(rows, page, tenant -> tenant.id().toString());
  }

  private static TenantId parseCursor(String position) {
    try {
      return TenantId.parse(position);
    } catch (IllegalArgumentException e) {
      throw Cursors.invalid();
    }
  }
}
