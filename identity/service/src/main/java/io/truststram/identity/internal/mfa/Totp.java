package io.truststram.identity.internal.mfa;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords, RFC 6238 with the parameters every authenticator app supports:
 * HMAC-SHA-1, 6 digits, 30-second steps, and one step of drift either way. Written here rather than
 * taken from a library because it is 60 lines over the JDK's HMAC, checked against the RFC's own
 * test vectors.
 */
public final class Totp {

  /** Seconds per time step. */
  public static final int STEP_SECONDS = 30;

  /** Digits per code. */
  public static final int DIGITS = 6;

  private static final int SECRET_BYTES = 20;
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Totp() {}

  /** A new random 160-bit seed (the size RFC 4226 recommends for HMAC-SHA-1). */
  public static byte[] newSecret() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The time step {@code instant} falls in. */
  public static long step(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond(), STEP_SECONDS);
  }

  /** The code for {@code step}, zero-padded to {@link #DIGITS} digits. */
  public static String code(byte[] secret, long step) {
    return code(secret, step, "HmacSHA1", DIGITS);
  }

  static String code(byte[] secret, long step, String algorithm, int digits) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret, algorithm));
      byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int offset = hash[hash.length - 1] & 0x0f;
      int binary =
          ((hash[offset] & 0x7f) << 24)
              | ((hash[offset + 1] & 0xff) << 16)
              | ((hash[offset + 2] & 0xff) << 8)
              | (hash[offset + 3] & 0xff);
      int modulus = (int) Math.pow(10, digits);
      return String.format(Locale.ROOT, "%0" + digits + "d", binary % modulus);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }

  /**
   * The step whose code {@code candidate} is, within one step of {@code now}; empty when it matches
   * none. The caller must still refuse a step it has accepted before (replay).
   */
  public static OptionalLong matchingStep(byte[] secret, String candidate, Instant now) {
    String code = candidate.strip().replace(" ", "");
    if (code.length() != DIGITS || !code.chars().allMatch(Character::isDigit)) {
      return OptionalLong.empty();
    }
    long current = step(now);
    OptionalLong match = OptionalLong.empty();
    for (long step = current - 1; step <= current + 1; step++) {
      // Compare every window in constant time so timing does not reveal which one matched.
      if (java.security.MessageDigest.isEqual(
          code(secret, step).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          code.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
        match = OptionalLong.of(step);
      }
    }
    return match;
  }

  /** RFC 4648 base32 without padding, as authenticator apps expect the seed. */
  public static String base32(byte[] data) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /**
   * The {@code otpauth://} URI (Google Authenticator key-URI format) that enrols the seed in an
   * app.
   */
  public static String otpauthUri(String issuer, String account, byte[] secret) {
    String label = encode(issuer) + ":" + encode(account);
    return "otpauth://totp/"
        + label
        + "?secret="
        + base32(secret)
        + "&issuer="
        + encode(issuer)
        + "&algorithm=SHA1&digits="
        + DIGITS
        + "&period="
        + STEP_SECONDS;
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
