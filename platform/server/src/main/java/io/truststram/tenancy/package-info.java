/**
 * Tenants: the organisations that own data in TrustStram. Every other service scopes its records by
 * {@link io.truststram.common.tenant.TenantId}.
 *
 * <p>API: {@link io.truststram.tenancy.Tenants} (the facade), {@link io.truststram.tenancy.Tenant},
 * {@link io.truststram.tenancy.TenantCreated}. REST: {@code /api/v1/tenants}.
 */
@NullMarked
@ApplicationModule(displayName = "Tenancy")
package io.truststram.tenancy;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
