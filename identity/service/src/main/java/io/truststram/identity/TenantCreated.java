package io.truststram.identity;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;

/**
 * A tenant was created. Published in the transaction that created it.
 *
 * @param tenantId the new tenant
 * @param slug its slug
 * @param createdAt when it was created
 */
public record TenantCreated(TenantId tenantId, String slug, Instant createdAt) {}
