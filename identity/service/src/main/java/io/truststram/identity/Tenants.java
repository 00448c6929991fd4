package io.truststram.identity;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import java.util.Optional;

/** The tenancy service's API: create and look up tenants. Thread-safe. */
public interface Tenants {

  /**
   * Creates an active tenant and publishes {@link TenantCreated}.
   *
   * @throws ProblemException of type {@link TenantProblems#SLUG_TAKEN} when the slug is in use
   */
  Tenant create(NewTenant request);

  /** The tenant with this id, if any. */
  Optional<Tenant> find(TenantId id);

  /** The tenant with this slug, if any. */
  Optional<Tenant> findBySlug(String slug);

  /** A page of tenants in creation order. */
  Page<Tenant> list(PageRequest page);
}
