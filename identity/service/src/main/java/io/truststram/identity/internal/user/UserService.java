package io.truststram.identity.internal.user;

import io.truststram.common.id.Uuids;
import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.identity.IdentityProblems;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.Grants;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Users: registration by an administrator, passwords, status. */
public final class UserService {

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.users");

  /** Login names: an e-mail-like or plain name, lower case, 3 to 254 characters. */
  public static final String USERNAME_REGEX = "[a-z0-9][a-z0-9._@+-]{2,253}";

  private static final Pattern USERNAME = Pattern.compile(USERNAME_REGEX);

  private final UserStore store;
  private final Tenants tenants;
  private final PasswordEncoder encoder;
  private final PasswordPolicy policy;
  private final Clock clock;

  public UserService(
      UserStore store,
      Tenants tenants,
      PasswordEncoder encoder,
      PasswordPolicy policy,
      Clock clock) {
    this.store = store;
    this.tenants = tenants;
    this.encoder = encoder;
    this.policy = policy;
    this.clock = clock;
  }

  /** A user created with a one-time password, shown once. */
  public record Registered(UserAccount user, String oneTimePassword) {}

  /**
   * Registers a user in {@code tenant} with a generated one-time password that must be changed at
   * first sign-in.
   *
   * @throws ProblemException 403 role-not-grantable when a non-platform-admin grants
   *     platform-admin, 404 tenant-not-found, 409 username-taken
   */
  public Registered register(
      Caller by, TenantId tenant, String username, String displayName, Set<Role> roles) {
    Grants.requireGrantable(by, tenant, roles, tenants);
    String oneTime = Secrets.random(20);
    UserAccount user = newUser(tenant, username, displayName, roles, oneTime, true);
    audit.info(
        "user {} ({}) registered in tenant {} with roles {} by {}",
        user.id(),
        user.username(),
        tenant,
        roles,
        by.subject());
    return new Registered(user, oneTime);
  }

  /** Creates a user with {@code password}; used for the bootstrap administrator. */
  public UserAccount newUser(
      TenantId tenant,
      String username,
      String displayName,
      Set<Role> roles,
      String password,
      boolean mustChange) {
    String name = normalise(username);
    if (!USERNAME.matcher(name).matches()) {
      throw new IllegalArgumentException("login name must match " + USERNAME_REGEX);
    }
    UserAccount user =
        activeAccount(tenant, name, displayName, encoder.encode(password), roles, mustChange);
    if (!store.insert(user)) {
      throw new ProblemException(
          IdentityProblems.USERNAME_TAKEN,
          "Another user already has the login name '" + name + "'");
    }
    return user;
  }

  /**
   * Creates or updates a user whose password a directory checks: no local password, roles as the
   * directory's groups say now. A local user of the same name with a password is left alone.
   */
  public UserAccount provisionFederated(
      TenantId tenant, String username, String displayName, Set<Role> roles) {
    String name = normalise(username);
    Optional<UserAccount> existing = store.findByUsername(name);
    if (existing.isPresent()) {
      UserAccount user = existing.get();
      if (user.passwordHash() != null || !user.tenant().equals(tenant)) {
        throw new org.springframework.security.authentication.BadCredentialsException(
            "Wrong login name or password.");
      }
      if (!user.roles().equals(roles)) {
        store.updateRoles(user.id(), roles);
        audit.info("user {} roles now {} (from its directory)", user.id(), roles);
      }
      return store.findById(user.id()).orElseThrow();
    }
    UserAccount user = activeAccount(tenant, name, displayName, null, roles, false);
    if (!store.insert(user)) {
      return store.findByUsername(name).orElseThrow();
    }
    audit.info("user {} ({}) created from a directory with roles {}", user.id(), name, roles);
    return user;
  }

  /**
   * Creates a user signed in by an external provider, with no local password; empty when the name
   * is taken.
   */
  Optional<UserAccount> createFederated(
      TenantId tenant, String username, String displayName, Set<Role> roles) {
    String name = normalise(username);
    if (!USERNAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a valid login name: " + name);
    }
    UserAccount user = activeAccount(tenant, name, displayName, null, roles, false);
    return store.insert(user) ? Optional.of(user) : Optional.empty();
  }

  /**
   * Changes the password of {@code username} after checking the current one and the policy.
   *
   * @throws ProblemException 400 wrong-password or password-rejected
   */
  public void changePassword(String username, String current, String next) {
    UserAccount user =
        store
            .findByUsername(normalise(username))
            .orElseThrow(
                () -> new ProblemException(IdentityProblems.USER_NOT_FOUND, "No such user"));
    if (user.passwordHash() == null || !encoder.matches(current, user.passwordHash())) {
      throw new ProblemException(IdentityProblems.WRONG_PASSWORD, "The current password is wrong.");
    }
    if (current.equals(next)) {
      throw new ProblemException(
          IdentityProblems.PASSWORD_REJECTED, "The new password must differ from the current one.");
    }
    policy.check(next, user.username());
    store.updatePassword(user.id(), encoder.encode(next), false, clock.instant());
    audit.info("user {} changed their password", user.id());
  }

  /** The user with {@code id} if {@code by} may see it. */
  public Optional<UserAccount> find(Caller by, UUID id) {
    return store.findById(id).filter(u -> by.canSee(u.tenant()));
  }

  /**
   * The user with {@code id} if {@code by} may manage it: see it, and, for a platform-admin
   * account, be a platform-admin too.
   */
  /**
   * The user {@code id}, when {@code by} may manage it (only a platform-admin manages a
   * platform-admin).
   *
   * @throws ProblemException 404 user-not-found, 403 role-not-grantable
   */
  public UserAccount requireManageable(Caller by, UUID id) {
    return manageable(by, id);
  }

  private UserAccount manageable(Caller by, UUID id) {
    UserAccount user = find(by, id).orElseThrow(() -> notFound(id));
    if (user.roles().contains(Role.PLATFORM_ADMIN) && !by.isPlatformAdmin()) {
      throw new ProblemException(
          IdentityProblems.ROLE_NOT_GRANTABLE,
          "Only a platform-admin can manage a platform-admin's account.");
    }
    return user;
  }

  public Optional<UserAccount> findByUsername(String username) {
    return store.findByUsername(normalise(username));
  }

  /** Users of {@code tenant}, or of the caller's own tenant when null. */
  public Page<UserAccount> list(Caller by, @Nullable TenantId tenant, PageRequest request) {
    TenantId scope = tenant == null ? by.tenant() : tenant;
    if (!by.canSee(scope)) {
      return new Page<>(java.util.List.of(), null);
    }
    return store.list(scope, request);
  }

  /** Enables or disables a user; a disabled user cannot sign in. */
  public UserAccount setStatus(Caller by, UUID id, UserAccount.Status status) {
    manageable(by, id);
    store.updateStatus(id, status);
    audit.info("user {} set to {} by {}", id, status, by.subject());
    return store.findById(id).orElseThrow(() -> notFound(id));
  }

  /** Lifts a lock-out and clears the failure count. */
  public UserAccount unlock(Caller by, UUID id) {
    manageable(by, id);
    store.clearFailures(id);
    audit.info("user {} unlocked by {}", id, by.subject());
    return store.findById(id).orElseThrow(() -> notFound(id));
  }

  /** Issues a new one-time password (the user must change it at next sign-in). */
  public Registered resetPassword(Caller by, UUID id) {
    UserAccount user = manageable(by, id);
    String oneTime = Secrets.random(20);
    store.updatePassword(id, encoder.encode(oneTime), true, clock.instant());
    audit.info("user {} given a one-time password by {}", id, by.subject());
    return new Registered(user, oneTime);
  }

  public boolean anyUserExists() {
    return store.count() > 0;
  }

  /** A new active account with no failed sign-ins and no second factor, created now. */
  private UserAccount activeAccount(
      TenantId tenant,
      String name,
      String displayName,
      @Nullable String passwordHash,
      Set<Role> roles,
      boolean mustChangePassword) {
    Instant now = clock.instant();
    return new UserAccount(
        Uuids.v7(),
        tenant,
        name,
        displayName,
        passwordHash,
        roles,
        UserAccount.Status.ACTIVE,
        mustChangePassword,
        0,
        null,
        now,
        null,
        false,
        0,
        now);
  }

  static ProblemException notFound(UUID id) {
    return new ProblemException(IdentityProblems.USER_NOT_FOUND, "No user has id '" + id + "'");
  }

  static String normalise(String username) {
    return username.strip().toLowerCase(Locale.ROOT);
  }
}
