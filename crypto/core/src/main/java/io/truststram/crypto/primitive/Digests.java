package io.truststram.crypto.primitive;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** SHA-2 digests and byte concatenation, the small pieces every construction here needs. */
public final class Digests {

  private Digests() {}

  public static byte[] sha256(byte[] bytes) {
    return digest("SHA-256", bytes);
  }

  public static byte[] sha512(byte[] bytes) {
    return digest("SHA-512", bytes);
  }

  /** {@code a} followed by {@code b}, in a new array. */
  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] digest(String algorithm, byte[] bytes) {
    try {
      return MessageDigest.getInstance(algorithm).digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }
}
