package io.truststram.identity.internal.tenant;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.Tenant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Persistence port of tenancy. Every adapter passes {@code TenantStoreContract}.
 *
 * <p>Implementations enforce slug uniqueness themselves (a unique constraint), so two concurrent
 * creations of one slug cannot both succeed.
 */
interface TenantStore {

  /**
   * Inserts a tenant.
   *
   * @return false, and stores nothing, when another tenant has the slug
   */
  boolean insert(Tenant tenant);

  Optional<Tenant> findById(TenantId id);

  Optional<Tenant> findBySlug(String slug);

  /** Up to {@code limit} tenants with ids greater than {@code after}, in id order. */
  List<Tenant> listAfter(@Nullable TenantId after, int limit);
}
