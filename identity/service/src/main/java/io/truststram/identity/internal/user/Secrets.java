package io.truststram.identity.internal.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random one-time passwords, client secrets and recovery codes, and their digests. */
public final class Secrets {

  /** Letters and digits without look-alikes (0/O, 1/l/I), so a printed password reads back. */
  private static final char[] ALPHABET =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A random string of {@code length} characters: about 5.8 bits each. */
  public static String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /** A recovery code, {@code xxxxx-xxxxx} (about 58 bits). */
  public static String recoveryCode() {
    return random(5) + "-" + random(5);
  }

  /**
   * SHA-256 of {@code value}, hex. Only for high-entropy values (recovery codes), which need no
   * slow hash.
   */
  public static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
