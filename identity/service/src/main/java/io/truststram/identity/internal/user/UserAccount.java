package io.truststram.identity.internal.user;

import io.truststram.common.tenant.TenantId;
import io.truststram.platform.security.Role;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A user as stored. The password hash and TOTP seed never leave the identity service.
 *
 * @param totpSecret the TOTP seed, wrapped by the key-encryption key; null when not enrolled
 * @param totpEnabled whether sign-in asks for a TOTP code
 * @param totpLastStep the last time step whose code was accepted (codes at or before it are
 *     replays)
 */
public record UserAccount(
    UUID id,
    TenantId tenant,
    String username,
    String displayName,
    @Nullable String passwordHash,
    Set<Role> roles,
    Status status,
    boolean mustChangePassword,
    int failedLogins,
    @Nullable Instant lockedUntil,
    Instant passwordChangedAt,
    @Nullable String totpSecret,
    boolean totpEnabled,
    long totpLastStep,
    Instant createdAt) {

  public UserAccount {
    roles = Set.copyOf(roles);
  }

  /** Whether an account may sign in at all. */
  public enum Status {
    ACTIVE,
    DISABLED
  }

  /** Whether the account is locked at {@code now} after failed sign-ins. */
  public boolean lockedAt(Instant now) {
    return lockedUntil != null && lockedUntil.isAfter(now);
  }
}
