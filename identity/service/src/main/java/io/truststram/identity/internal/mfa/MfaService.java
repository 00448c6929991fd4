package io.truststram.identity.internal.mfa;

import io.truststram.common.problem.ProblemException;
import io.truststram.identity.IdentityProblems;
import io.truststram.identity.internal.oauth.KeyEncryptionKey;
import io.truststram.identity.internal.user.Secrets;
import io.truststram.identity.internal.user.UserAccount;
import io.truststram.identity.internal.user.UserStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TOTP enrolment and verification, and recovery codes. The seed is stored wrapped by the
 * key-encryption key; each accepted code's time step is claimed in the database, so a code works
 * once, on any instance.
 */
public final class MfaService {

  /** How many recovery codes a user gets. */
  public static final int RECOVERY_CODES = 10;

  private static final Logger audit = LoggerFactory.getLogger("io.truststram.security.mfa");

  private final UserStore users;
  private final KeyEncryptionKey kek;
  private final Clock clock;
  private final String issuer;

  public MfaService(UserStore users, KeyEncryptionKey kek, Clock clock, String issuer) {
    this.users = users;
    this.kek = kek;
    this.clock = clock;
    this.issuer = issuer;
  }

  /** A started enrolment: the seed to show the user, as a URI and as base32 text. */
  public record Enrolment(String otpauthUri, String secret) {}

  /**
   * Starts (or restarts) TOTP enrolment with a new seed; TOTP stays off until {@link #confirm}.
   *
   * @throws ProblemException 409 totp-state-conflict when TOTP is already on
   */
  public Enrolment start(UserAccount user) {
    if (user.totpEnabled()) {
      throw new ProblemException(
          IdentityProblems.TOTP_STATE_CONFLICT,
          "TOTP is already enabled for this account; disable it before enrolling again.");
    }
    byte[] secret = Totp.newSecret();
    users.updateTotp(user.id(), kek.wrap(secret, purpose(user)), false);
    Enrolment enrolment =
        new Enrolment(Totp.otpauthUri(issuer, user.username(), secret), Totp.base32(secret));
    Arrays.fill(secret, (byte) 0);
    return enrolment;
  }

  /**
   * Confirms enrolment with a first code and turns TOTP on.
   *
   * @return the recovery codes, shown once
   * @throws ProblemException 409 totp-state-conflict when no enrolment was started, 400
   *     totp-code-rejected when the code is wrong
   */
  public List<String> confirm(UserAccount user, String code) {
    if (user.totpEnabled() || user.totpSecret() == null) {
      throw new ProblemException(
          IdentityProblems.TOTP_STATE_CONFLICT,
          user.totpEnabled() ? "TOTP is already enabled." : "Start TOTP enrolment first.");
    }
    byte[] secret = kek.unwrap(user.totpSecret(), purpose(user));
    OptionalLong step = Totp.matchingStep(secret, code, clock.instant());
    Arrays.fill(secret, (byte) 0);
    if (step.isEmpty()) {
      throw new ProblemException(
          IdentityProblems.TOTP_CODE_REJECTED,
          "That code is not the current one: check the device clock and try the newest code.");
    }
    users.updateTotp(user.id(), user.totpSecret(), true);
    users.claimTotpStep(user.id(), step.getAsLong());
    List<String> codes = newRecoveryCodes(user);
    audit.info("TOTP enabled for {}", user.id());
    return codes;
  }

  /** Replaces the user's recovery codes; returns the new ones, shown once. */
  public List<String> newRecoveryCodes(UserAccount user) {
    List<String> codes = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < RECOVERY_CODES; i++) {
      String code = Secrets.recoveryCode();
      codes.add(code);
      hashes.add(Secrets.sha256(code));
    }
    users.replaceRecoveryCodes(user.id(), hashes);
    return codes;
  }

  /**
   * Verifies a second factor at sign-in: a current TOTP code not used before, or an unused recovery
   * code (which is then spent).
   */
  public boolean verify(UserAccount user, String code) {
    if (!user.totpEnabled() || user.totpSecret() == null) {
      return false;
    }
    String candidate = code.strip();
    if (candidate.length() == 11 && candidate.charAt(5) == '-') {
      boolean used = users.useRecoveryCode(user.id(), Secrets.sha256(candidate), clock.instant());
      audit.info("recovery code {} for {}", used ? "used" : "rejected", user.id());
      return used;
    }
    byte[] secret = kek.unwrap(user.totpSecret(), purpose(user));
    OptionalLong step = Totp.matchingStep(secret, candidate, clock.instant());
    Arrays.fill(secret, (byte) 0);
    if (step.isEmpty()) {
      audit.info("TOTP code rejected for {}", user.id());
      return false;
    }
    if (!users.claimTotpStep(user.id(), step.getAsLong())) {
      audit.info("TOTP code replayed for {}", user.id());
      return false;
    }
    return true;
  }

  /** Turns TOTP off and forgets the seed and recovery codes. */
  public void disable(UserAccount user) {
    users.updateTotp(user.id(), null, false);
    users.replaceRecoveryCodes(user.id(), List.of());
    audit.info("TOTP disabled for {}", user.id());
  }

  private static String purpose(UserAccount user) {
    return "identity_user.totp_secret:" + user.id();
  }
}
