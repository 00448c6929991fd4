package io.truststram.identity;

/** Whether a tenant may use the platform. */
public enum TenantStatus {
  /** The tenant's principals may sign in and its data is served. */
  ACTIVE,
  /** The tenant is kept but its principals are refused. */
  SUSPENDED
}
