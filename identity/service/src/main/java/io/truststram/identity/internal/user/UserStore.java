package io.truststram.identity.internal.user;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import io.truststram.platform.TenantPages;
import io.truststram.platform.security.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Users in table {@code identity_user}, with their recovery codes. */
public final class UserStore {

  private static final String COLUMNS =
      "id, tenant_id, username, display_name, password_hash, roles, status, must_change_password,"
          + " failed_logins, locked_until, password_changed_at, totp_secret, totp_enabled,"
          + " totp_last_step, created_at";

  private final JdbcClient jdbc;

  public UserStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores a new user.
   *
   * @return false when the login name is taken (nothing stored)
   */
  public boolean insert(UserAccount user) {
    try {
      jdbc.sql("INSERT INTO identity_user (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
          .param(user.id())
          .param(user.tenant().value())
          .param(user.username())
          .param(user.displayName())
          .param(user.passwordHash())
          .param(Role.toColumn(user.roles()))
          .param(user.status().name())
          .param(user.mustChangePassword())
          .param(user.failedLogins())
          .param(timestamp(user.lockedUntil()))
          .param(Timestamp.from(user.passwordChangedAt()))
          .param(user.totpSecret())
          .param(user.totpEnabled())
          .param(user.totpLastStep())
          .param(Timestamp.from(user.createdAt()))
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  public Optional<UserAccount> findById(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM identity_user WHERE id = ?")
        .param(id)
        .query(UserStore::map)
        .optional();
  }

  public Optional<UserAccount> findByUsername(String username) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM identity_user WHERE username = ?")
        .param(username)
        .query(UserStore::map)
        .optional();
  }

  /** Deletes a user (and, by the schema's cascades, what hangs on it). */
  public void delete(UUID id) {
    jdbc.sql("DELETE FROM identity_user WHERE id = ?").param(id).update();
  }

  public long count() {
    return jdbc.sql("SELECT COUNT(*) FROM identity_user").query(Long.class).single();
  }

  /** Users of {@code tenant} (or of every tenant when null), in creation order. */
  public Page<UserAccount> list(@Nullable TenantId tenant, PageRequest request) {
    return TenantPages.page(
        jdbc, COLUMNS, "identity_user", tenant, request, UserStore::map, UserAccount::id);
  }

  /**
   * Counts one more failed sign-in step and returns the new count. The increment happens in the
   * database, so concurrent failures are all counted.
   */
  public int incrementFailures(UUID id) {
    jdbc.sql("UPDATE identity_user SET failed_logins = failed_logins + 1 WHERE id = ?")
        .param(id)
        .update();
    return jdbc.sql("SELECT failed_logins FROM identity_user WHERE id = ?")
        .param(id)
        .query(Integer.class)
        .single();
  }

  /** Locks the account until {@code until}, unless it is already locked longer. */
  public void lockUntil(UUID id, Instant until) {
    jdbc.sql(
            "UPDATE identity_user SET locked_until = ? WHERE id = ?"
                + " AND (locked_until IS NULL OR locked_until < ?)")
        .param(Timestamp.from(until))
        .param(id)
        .param(Timestamp.from(until))
        .update();
  }

  /** Clears failed sign-ins and any lock. */
  public void clearFailures(UUID id) {
    jdbc.sql("UPDATE identity_user SET failed_logins = 0, locked_until = NULL WHERE id = ?")
        .param(id)
        .update();
  }

  public void updatePassword(UUID id, String hash, boolean mustChange, Instant changedAt) {
    jdbc.sql(
            "UPDATE identity_user SET password_hash = ?, must_change_password = ?,"
                + " password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?")
        .param(hash)
        .param(mustChange)
        .param(Timestamp.from(changedAt))
        .param(id)
        .update();
  }

  public void updateRoles(UUID id, Set<Role> roles) {
    jdbc.sql("UPDATE identity_user SET roles = ? WHERE id = ?")
        .param(Role.toColumn(roles))
        .param(id)
        .update();
  }

  public void updateStatus(UUID id, UserAccount.Status status) {
    jdbc.sql("UPDATE identity_user SET status = ? WHERE id = ?")
        .param(status.name())
        .param(id)
        .update();
  }

  /** Stores a TOTP seed (wrapped); {@code enabled} false while enrolment awaits a first code. */
  public void updateTotp(UUID id, @Nullable String wrappedSecret, boolean enabled) {
    jdbc.sql(
            "UPDATE identity_user SET totp_secret = ?, totp_enabled = ?, totp_last_step = 0"
                + " WHERE id = ?")
        .param(wrappedSecret)
        .param(enabled)
        .param(id)
        .update();
  }

  /**
   * Marks TOTP time step {@code step} as used, atomically, only if no later or equal step was used
   * before: the database decides, so two instances cannot both accept one code.
   *
   * @return false when the step (or a later one) was already used: a replay
   */
  public boolean claimTotpStep(UUID id, long step) {
    return jdbc.sql(
                "UPDATE identity_user SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
            .param(step)
            .param(id)
            .param(step)
            .update()
        == 1;
  }

  /** Replaces the user's recovery codes with {@code hashes}. */
  public void replaceRecoveryCodes(UUID id, List<String> hashes) {
    jdbc.sql("DELETE FROM identity_recovery_code WHERE user_id = ?").param(id).update();
    for (String hash : hashes) {
      jdbc.sql("INSERT INTO identity_recovery_code (user_id, code_hash) VALUES (?, ?)")
          .param(id)
          .param(hash)
          .update();
    }
  }

  /**
   * Uses the unused recovery code whose hash is {@code hash}.
   *
   * @return false when no unused code has that hash
   */
  public boolean useRecoveryCode(UUID id, String hash, Instant now) {
    return jdbc.sql(
                "UPDATE identity_recovery_code SET used_at = ? WHERE user_id = ? AND code_hash = ?"
                    + " AND used_at IS NULL")
            .param(Timestamp.from(now))
            .param(id)
            .param(hash)
            .update()
        == 1;
  }

  public int unusedRecoveryCodes(UUID id) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM identity_recovery_code WHERE user_id = ? AND used_at IS NULL")
        .param(id)
        .query(Integer.class)
        .single();
  }

  private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static UserAccount map(ResultSet rs, int row) throws SQLException {
    return new UserAccount(
        rs.getObject("id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("username"),
        rs.getString("display_name"),
        rs.getString("password_hash"),
        Role.fromColumn(rs.getString("roles")),
        UserAccount.Status.valueOf(rs.getString("status")),
        rs.getBoolean("must_change_password"),
        rs.getInt("failed_logins"),
        instant(rs, "locked_until"),
        java.util.Objects.requireNonNull(instant(rs, "password_changed_at")),
        rs.getString("totp_secret"),
        rs.getBoolean("totp_enabled"),
        rs.getLong("totp_last_step"),
        java.util.Objects.requireNonNull(instant(rs, "created_at")));
  }
}
