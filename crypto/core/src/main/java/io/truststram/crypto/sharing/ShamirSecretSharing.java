package io.truststram.crypto.sharing;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shamir's (t, n) secret sharing over the prime field GF(2^521 − 1): a secret of up to 64 bytes is
 * the constant term of a random polynomial of degree t − 1, and share i is its value at x = i. Any
 * t shares give the secret back by Lagrange interpolation at 0; fewer reveal nothing about it. With
 * more than t shares, reconstruction also checks that they all lie on one polynomial, so that a
 * wrong share is an error rather than a wrong secret.
 */
public final class ShamirSecretSharing {

  /** The field's prime, the Mersenne prime 2^521 − 1. */
  public static final BigInteger PRIME = BigInteger.ONE.shiftLeft(521).subtract(BigInteger.ONE);

  /** The longest secret: 64 bytes, below the prime. */
  public static final int MAX_SECRET_BYTES = 64;

  private static final int SHARE_BYTES = 66;

  /**
   * One share.
   *
   * @param x the point, 1 to 65,535
   * @param y the polynomial's value there, 66 bytes big-endian
   */
  public record Share(int x, byte[] y) {
    public Share {
      if (x < 1 || x > 65_535) {
        throw new IllegalArgumentException("a share's index is 1 to 65535, not " + x);
      }
      if (y.length != SHARE_BYTES) {
        throw new IllegalArgumentException(
            "a share's value has " + SHARE_BYTES + " bytes, not " + y.length);
      }
      y = y.clone();
    }

    @Override
    public byte[] y() {
      return y.clone();
    }

    BigInteger value() {
      BigInteger value = new BigInteger(1, y);
      if (value.compareTo(PRIME) >= 0) {
        throw new IllegalArgumentException("share " + x + " is not a field element");
      }
      return value;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Share share && share.x == x && Arrays.equals(share.y, y);
    }

    @Override
    public int hashCode() {
      return 31 * x + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
      return "Share[x=" + x + "]";
    }
  }

  private ShamirSecretSharing() {}

  /**
   * Shares of {@code secret} at x = 1 … {@code shares}, any {@code threshold} of which recover it.
   *
   * @throws IllegalArgumentException for a secret over 64 bytes, a threshold below 1 or above the
   *     number of shares, or more than 65,535 shares
   */
  public static List<Share> split(byte[] secret, int threshold, int shares, SecureRandom random) {
    if (shares > 65_535) {
      throw new IllegalArgumentException(
          "the threshold must be between 1 and the number of shares (at most 65535): t="
              + threshold
              + ", n="
              + shares);
    }
    int[] points = new int[Math.max(0, shares)];
    for (int i = 0; i < points.length; i++) {
      points[i] = i + 1;
    }
    return split(secret, threshold, points, random);
  }

  /**
   * Shares of {@code secret} at the given points (distinct, 1 to 65,535), any {@code threshold} of
   * which recover it: the form for handing share x to the party numbered x.
   *
   * @throws IllegalArgumentException for a secret over 64 bytes, a threshold below 1 or above the
   *     number of points, or a point repeated or out of range
   */
  public static List<Share> split(byte[] secret, int threshold, int[] points, SecureRandom random) {
    int shares = points.length;
    Set<Integer> distinct = new HashSet<>();
    for (int point : points) {
      if (point < 1 || point > 65_535 || !distinct.add(point)) {
        throw new IllegalArgumentException(
            "share points are distinct and 1 to 65535; " + point + " is not");
      }
    }
    if (secret.length > MAX_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "a secret has at most " + MAX_SECRET_BYTES + " bytes, not " + secret.length);
    }
    if (threshold < 1 || threshold > shares || shares > 65_535) {
      throw new IllegalArgumentException(
          "the threshold must be between 1 and the number of shares (at most 65535): t="
              + threshold
              + ", n="
              + shares);
    }
    BigInteger[] coefficients = new BigInteger[threshold];
    coefficients[0] = new BigInteger(1, secret);
    for (int i = 1; i < threshold; i++) {
      coefficients[i] = randomElement(random);
    }
    List<Share> out = new ArrayList<>(shares);
    for (int x : points) {
      out.add(new Share(x, encode(evaluate(coefficients, BigInteger.valueOf(x)))));
    }
    return out;
  }

  /**
   * The secret of {@code secretBytes} bytes from at least {@code threshold} shares.
   *
   * @throws IllegalArgumentException for fewer than {@code threshold} shares, two shares at one
   *     point, or shares that do not lie on one polynomial of degree below the threshold
   */
  public static byte[] reconstruct(List<Share> shares, int threshold, int secretBytes) {
    if (threshold < 1 || secretBytes < 0 || secretBytes > MAX_SECRET_BYTES) {
      throw new IllegalArgumentException("threshold >= 1 and 0 <= secretBytes <= 64");
    }
    if (shares.size() < threshold) {
      throw new IllegalArgumentException(
          "reconstruction needs " + threshold + " shares, got " + shares.size());
    }
    Set<Integer> points = new HashSet<>();
    for (Share share : shares) {
      if (!points.add(share.x())) {
        throw new IllegalArgumentException("two shares at x = " + share.x());
      }
    }
    Lagrange basis = new Lagrange(shares.subList(0, threshold));
    for (Share extra : shares.subList(threshold, shares.size())) {
      if (!basis.at(extra.x()).equals(extra.value())) {
        throw new IllegalArgumentException(
            "share " + extra.x() + " does not lie on the polynomial of the others");
      }
    }
    BigInteger secret = basis.at(0);
    byte[] bytes = secret.toByteArray();
    int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    int length = bytes.length - start;
    if (length > secretBytes && !(secret.signum() == 0)) {
      throw new IllegalArgumentException("the shares give a secret longer than " + secretBytes);
    }
    byte[] out = new byte[secretBytes];
    if (secret.signum() != 0) {
      System.arraycopy(bytes, start, out, secretBytes - length, length);
    }
    return out;
  }

  /**
   * The polynomial through some shares, ready to be evaluated at any point. The points are small
   * integers, so each Lagrange denominator is an exact integer product, inverted once for all
   * evaluations (one modular inversion for all of them, by Montgomery's trick); an evaluation then
   * costs one multiplication modulo the prime per share instead of a product and an inversion.
   */
  private static final class Lagrange {
    private final long[] xs;
    private final BigInteger[] scaled;

    Lagrange(List<Share> shares) {
      int t = shares.size();
      xs = new long[t];
      for (int i = 0; i < t; i++) {
        xs[i] = shares.get(i).x();
      }
      BigInteger[] denominators = new BigInteger[t];
      for (int i = 0; i < t; i++) {
        BigInteger d = BigInteger.ONE;
        for (int j = 0; j < t; j++) {
          if (j != i) {
            d = d.multiply(BigInteger.valueOf(xs[i] - xs[j]));
          }
        }
        denominators[i] = d.mod(PRIME);
      }
      BigInteger[] inverses = invertAll(denominators);
      scaled = new BigInteger[t];
      for (int i = 0; i < t; i++) {
        scaled[i] = shares.get(i).value().multiply(inverses[i]).mod(PRIME);
      }
    }

    /**
     * The polynomial's value at {@code x}, which is none of the shares' points (the callers
     * evaluate at 0 and at the points of other shares): Σ y_i / d_i · Π_{j≠i} (x − x_j).
     */
    BigInteger at(long x) {
      int t = xs.length;
      BigInteger all = BigInteger.ONE;
      for (long xj : xs) {
        all = all.multiply(BigInteger.valueOf(x - xj));
      }
      BigInteger sum = BigInteger.ZERO;
      for (int i = 0; i < t; i++) {
        BigInteger others = all.divide(BigInteger.valueOf(x - xs[i]));
        sum = sum.add(scaled[i].multiply(others.mod(PRIME)));
      }
      return sum.mod(PRIME);
    }

    /** The inverses of non-zero field elements with a single modular inversion. */
    private static BigInteger[] invertAll(BigInteger[] values) {
      int n = values.length;
      BigInteger[] prefix = new BigInteger[n];
      BigInteger running = BigInteger.ONE;
      for (int i = 0; i < n; i++) {
        prefix[i] = running;
        running = running.multiply(values[i]).mod(PRIME);
      }
      BigInteger inverse = running.modInverse(PRIME);
      BigInteger[] out = new BigInteger[n];
      for (int i = n - 1; i >= 0; i--) {
        out[i] = inverse.multiply(prefix[i]).mod(PRIME);
        inverse = inverse.multiply(values[i]).mod(PRIME);
      }
      return out;
    }
  }

  private static BigInteger evaluate(BigInteger[] coefficients, BigInteger x) {
    BigInteger value = BigInteger.ZERO;
    for (int i = coefficients.length - 1; i >= 0; i--) {
      value = value.multiply(x).add(coefficients[i]).mod(PRIME);
    }
    return value;
  }

  private static BigInteger randomElement(SecureRandom random) {
    while (true) {
      BigInteger candidate = new BigInteger(521, random);
      if (candidate.compareTo(PRIME) < 0) {
        return candidate;
      }
    }
  }

  private static byte[] encode(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[SHARE_BYTES];
    int start = bytes.length > SHARE_BYTES ? bytes.length - SHARE_BYTES : 0;
    System.arraycopy(bytes, start, out, SHARE_BYTES - (bytes.length - start), bytes.length - start);
    return out;
  }
}
