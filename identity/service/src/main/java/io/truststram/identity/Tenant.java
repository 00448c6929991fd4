package io.truststram.identity;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * An organisation using TrustStram.
 *
 * @param id the tenant's id
 * @param slug its unique, URL-safe short name (see {@link NewTenant#SLUG})
 * @param name its display name
 * @param status whether it may use the platform
 * @param createdAt when it was created, to the microsecond
 */
public record Tenant(
    TenantId id, String slug, String name, TenantStatus status, Instant createdAt) {

  public Tenant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
