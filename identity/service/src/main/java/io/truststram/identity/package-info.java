/**
 * Identity: tenants (the organisations that own data in TrustStram), users, OAuth clients, the
 * OAuth 2.0 / OpenID Connect provider and multi-factor sign-in. Every other service scopes its
 * records by {@link io.truststram.common.tenant.TenantId} and trusts the access tokens issued here.
 *
 * <p>API: {@link io.truststram.identity.Tenants} (the facade), {@link
 * io.truststram.identity.Tenant}, {@link io.truststram.identity.TenantCreated}. REST: {@code
 * /api/v1/tenants}.
 */
@NullMarked
@ApplicationModule(displayName = "Identity")
package io.truststram.identity;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
