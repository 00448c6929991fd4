package io.truststram.identity.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.identity.IdentityProblems;
import io.truststram.identity.TenantProblems;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import java.util.Set;

/** The rules for giving roles in a tenant to a new user or client. */
public final class Grants {

  private Grants() {}

  /**
   * Checks that {@code by} may give {@code roles} to a principal of {@code tenant}: only a
   * platform-admin grants platform-admin, and a caller acts only in a tenant it can see (its own,
   * or any for a platform-admin) that exists.
   *
   * @throws ProblemException 403 role-not-grantable, or 404 tenant-not-found (also for a tenant the
   *     caller may not see, so as not to reveal that it exists)
   */
  public static void requireGrantable(
      Caller by, TenantId tenant, Set<Role> roles, Tenants tenants) {
    if (roles.contains(Role.PLATFORM_ADMIN) && !by.isPlatformAdmin()) {
      throw new ProblemException(
          IdentityProblems.ROLE_NOT_GRANTABLE, "Only a platform-admin can grant platform-admin.");
    }
    requireVisibleTenant(by, tenant, tenants);
  }

  /**
   * Checks that {@code tenant} exists and {@code by} may act in it (its own, or any for a
   * platform-admin).
   *
   * @throws ProblemException 404 tenant-not-found, also for a tenant the caller may not see
   */
  public static void requireVisibleTenant(Caller by, TenantId tenant, Tenants tenants) {
    if (!by.canSee(tenant) || tenants.find(tenant).isEmpty()) {
      throw new ProblemException(
          TenantProblems.TENANT_NOT_FOUND, "No tenant has id '" + tenant + "'");
    }
  }
}
