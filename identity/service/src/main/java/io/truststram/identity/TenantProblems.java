package io.truststram.identity;

import io.truststram.common.problem.ProblemType;

/** Problem types specific to tenancy. */
public final class TenantProblems {

  private TenantProblems() {}

  /** Another tenant already has the requested slug. */
  public static final ProblemType SLUG_TAKEN =
      new ProblemType("tenant-slug-taken", 409, "Tenant slug already taken");

  /** No tenant has the given id. */
  public static final ProblemType TENANT_NOT_FOUND =
      new ProblemType("tenant-not-found", 404, "Tenant not found");
}
