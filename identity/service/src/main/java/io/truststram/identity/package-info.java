/**
 * Tenants: the organisations that own data in TrustStram. Every other service scopes its records by
 * {@link io.truststram.common.tenant.TenantId}.
 *
 * <p>API: {@link io.truststram.identity.Tenants} (the facade), {@link
 * io.truststram.identity.Tenant}, {@link io.truststram.identity.TenantCreated}. REST: {@code
 * /api/v1/tenants}.
 */
@NullMarked
@ApplicationModule(displayName = "Tenancy")
package io.truststram.identity;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
