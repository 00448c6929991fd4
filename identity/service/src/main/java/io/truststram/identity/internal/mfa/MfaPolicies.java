package io.truststram.identity.internal.mfa;

import io.truststram.common.tenant.TenantId;
import io.truststram.platform.security.Role;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Per tenant, the roles whose holders must sign in with a second factor. */
public final class MfaPolicies {

  private final JdbcClient jdbc;

  public MfaPolicies(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The roles of {@code tenant} that require a second factor; empty when none do. */
  public Set<Role> requiredRoles(TenantId tenant) {
    return jdbc.sql("SELECT required_roles FROM identity_mfa_policy WHERE tenant_id = ?")
        .param(tenant.value())
        .query(String.class)
        .optional()
        .map(Role::fromColumn)
        .orElseGet(() -> EnumSet.noneOf(Role.class));
  }

  /** Whether a user of {@code tenant} holding {@code roles} must use a second factor. */
  public boolean requiresSecondFactor(TenantId tenant, Set<Role> roles) {
    Set<Role> required = requiredRoles(tenant);
    return roles.stream().anyMatch(required::contains);
  }

  /** Replaces the policy of {@code tenant}. */
  public void replace(TenantId tenant, Set<Role> roles) {
    String text = Role.toColumn(roles);
    // Update, else insert; a concurrent first insert makes ours fail, and the update then wins.
    for (int attempt = 0; ; attempt++) {
      int updated =
          jdbc.sql("UPDATE identity_mfa_policy SET required_roles = ? WHERE tenant_id = ?")
              .param(text)
              .param(tenant.value())
              .update();
      if (updated > 0) {
        return;
      }
      try {
        jdbc.sql("INSERT INTO identity_mfa_policy (tenant_id, required_roles) VALUES (?, ?)")
            .param(tenant.value())
            .param(text)
            .update();
        return;
      } catch (org.springframework.dao.DuplicateKeyException raced) {
        if (attempt > 2) {
          throw raced;
        }
      }
    }
  }
}
