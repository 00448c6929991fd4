package io.truststram.identity.internal.user;

import io.truststram.identity.internal.IdentityProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Password sign-in with lock-out. After {@code maxFailures} failures in a row an account locks for
 * {@code initialLock}, doubling with each further failure up to {@code maxLock}; while locked, no
 * password is even checked, so guessing gains nothing. Unknown names cost the same hashing time as
 * known ones, so timing does not reveal which names exist.
 */
public final class PasswordLoginProvider implements AuthenticationProvider {

  /** Granted when the user must change a one-time password before anything else. */
  public static final String PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED";

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.login");

  private final UserStore store;
  private final PasswordEncoder encoder;
  private final IdentityProperties.Lockout lockout;
  private final Clock clock;
  private final String dummyHash;

  public PasswordLoginProvider(
      UserStore store, PasswordEncoder encoder, IdentityProperties.Lockout lockout, Clock clock) {
    this.store = store;
    this.encoder = encoder;
    this.lockout = lockout;
    this.clock = clock;
    this.dummyHash = encoder.encode(Secrets.random(24));
  }

  @Override
  public Authentication authenticate(Authentication attempt) {
    String username = UserService.normalise(attempt.getName());
    String password = String.valueOf(attempt.getCredentials());
    Instant now = clock.instant();
    Optional<UserAccount> found = store.findByUsername(username);
    if (found.isEmpty() || found.get().passwordHash() == null) {
      encoder.matches(password, dummyHash);
      audit.info("sign-in failed for unknown or passwordless name");
      throw new BadCredentialsException("Wrong login name or password.");
    }
    UserAccount user = found.get();
    if (user.lockedAt(now)) {
      audit.info("sign-in refused for {}: locked until {}", user.id(), user.lockedUntil());
      throw new LockedException(
          "Too many failed sign-ins: this account is locked for a while. Try again later.");
    }
    if (!encoder.matches(password, user.passwordHash())) {
      recordFailure(user, "password");
      throw new BadCredentialsException("Wrong login name or password.");
    }
    if (user.status() != UserAccount.Status.ACTIVE) {
      audit.info("sign-in refused for {}: account disabled", user.id());
      throw new DisabledException("This account is disabled.");
    }
    // With a second factor to come, the count goes on until that succeeds too: otherwise the right
    // password between wrong codes would reset it, and codes could be guessed without end.
    if (user.failedLogins() > 0 && !user.totpEnabled()) {
      store.clearFailures(user.id());
    }
    List<GrantedAuthority> authorities = new ArrayList<>();
    authorities.add(
        FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY));
    if (user.mustChangePassword()) {
      authorities.add(new SimpleGrantedAuthority(PASSWORD_CHANGE_REQUIRED));
    }
    audit.info("sign-in with password for {}", user.id());
    User principal = new User(user.username(), "", authorities);
    return UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities);
  }

  /**
   * Counts a failed sign-in step ({@code password} or {@code second factor}) towards the lock-out.
   */
  public void recordFailure(UserAccount user, String step) {
    Instant now = clock.instant();
    int failures = store.incrementFailures(user.id());
    Instant lockedUntil = failures >= lockout.maxFailures() ? now.plus(lockFor(failures)) : null;
    if (lockedUntil != null) {
      store.lockUntil(user.id(), lockedUntil);
    }
    audit.info(
        "sign-in {} failed for {} ({} in a row{})",
        step,
        user.id(),
        failures,
        lockedUntil == null ? "" : ", locked until " + lockedUntil);
  }

  /** Clears the failure count once a whole sign-in (every step) succeeded. */
  public void recordSuccess(UserAccount user) {
    if (user.failedLogins() > 0) {
      store.clearFailures(user.id());
    }
  }

  Duration lockFor(int failures) {
    int doublings = Math.min(failures - lockout.maxFailures(), 20);
    Duration lock = lockout.initialLock().multipliedBy(1L << doublings);
    return lock.compareTo(lockout.maxLock()) > 0 ? lockout.maxLock() : lock;
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
