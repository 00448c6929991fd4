package io.truststram.identity.internal.user;

import io.truststram.common.problem.ProblemException;
import io.truststram.identity.IdentityProblems;
import java.util.Locale;
import java.util.Set;

/**
 * Which passwords are accepted, after NIST SP 800-63B section 3.1.1.2: a minimum and maximum length
 * in characters, no composition rules, and refusal of passwords that are common, repetitive or
 * sequential, or that contain the login name.
 */
public final class PasswordPolicy {

  /** Passwords that meet a length rule yet appear at the top of every breach corpus. */
  private static final Set<String> COMMON =
      Set.of(
          "password1234",
          "password12345",
          "password123456",
          "passwordpassword",
          "123456789012",
          "1234567890123",
          "12345678901234",
          "qwertyuiopas",
          "qwertyuiop123",
          "qwerty123456",
          "iloveyou1234",
          "letmein12345",
          "welcome12345",
          "changeme1234",
          "administrator",
          "truststram123",
          "abcdefghijkl",
          "trustno1trustno1");

  private final int minLength;
  private final int maxLength;

  public PasswordPolicy(int minLength, int maxLength) {
    this.minLength = minLength;
    this.maxLength = maxLength;
  }

  /**
   * Checks {@code password} for the user {@code username}.
   *
   * @throws ProblemException 400 password-rejected, saying which rule failed (never echoing the
   *     password)
   */
  public void check(String password, String username) {
    int length = password.codePointCount(0, password.length());
    if (length < minLength) {
      throw rejected("A password needs at least " + minLength + " characters.");
    }
    if (length > maxLength) {
      throw rejected("A password may have at most " + maxLength + " characters.");
    }
    String lower = password.toLowerCase(Locale.ROOT);
    if (COMMON.contains(lower)) {
      throw rejected("This password is one of the most common ones; choose another.");
    }
    if (password.codePoints().distinct().count() < 4) {
      throw rejected("A password needs at least 4 different characters.");
    }
    if (isSequential(lower)) {
      throw rejected("A password may not be a run of consecutive characters.");
    }
    String name = username.toLowerCase(Locale.ROOT);
    String local = name.contains("@") ? name.substring(0, name.indexOf('@')) : name;
    if (local.length() >= 3 && lower.contains(local)) {
      throw rejected("A password may not contain the login name.");
    }
  }

  private static boolean isSequential(String text) {
    int[] points = text.codePoints().toArray();
    boolean up = true;
    boolean down = true;
    for (int i = 1; i < points.length; i++) {
      up &= points[i] == points[i - 1] + 1;
      down &= points[i] == points[i - 1] - 1;
    }
    return up || down;
  }

  private static ProblemException rejected(String detail) {
    return new ProblemException(IdentityProblems.PASSWORD_REJECTED, detail);
  }
}
