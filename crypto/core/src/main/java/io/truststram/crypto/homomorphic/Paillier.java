package io.truststram.crypto.homomorphic;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Paillier's additively homomorphic encryption (Paillier 1999) with g = n + 1: E(m) = (1 + m·n) ·
 * r^n mod n², and E(a)·E(b) = E(a + b mod n). Decryption uses λ = lcm(p − 1, q − 1).
 *
 * <p>Threshold decryption follows Damgård and Jurik (PKC 2001, after Shoup's threshold RSA) with a
 * trusted dealer: n = pq with safe primes p = 2p' + 1, q = 2q' + 1; the dealer picks d ≡ 0 mod p'q'
 * and d ≡ 1 mod n, shares it with Shamir's scheme over Z_(n·p'q'), and forgets it. Party i decrypts
 * partially as c^(2Δ·s_i) with Δ = l! for l parties; any t partial decryptions combine with integer
 * Lagrange coefficients into (1 + n)^(4Δ²m), from which m follows. Partial decryptions carry no
 * proof of correctness here: a combination that is not 1 modulo n (as every power of 1 + n is) is
 * refused, and a wrong result that passes that is caught by the caller's range checks.
 */
public final class Paillier {

  private static final int CERTAINTY = 128;

  private Paillier() {}

  /** A public key: the modulus n. */
  public record PublicKey(BigInteger n) {

    public PublicKey {
      if (n.signum() <= 0 || n.bitLength() < 256) {
        throw new IllegalArgumentException("a Paillier modulus has at least 256 bits");
      }
    }

    /** n². */
    public BigInteger nSquared() {
      return n.multiply(n);
    }

    /** The modulus's size in bits. */
    public int bits() {
      return n.bitLength();
    }

    /**
     * Encrypts {@code m}, 0 ≤ m < n.
     *
     * @throws IllegalArgumentException for a plaintext outside [0, n)
     */
    public BigInteger encrypt(BigInteger m, SecureRandom random) {
      if (m.signum() < 0 || m.compareTo(n) >= 0) {
        throw new IllegalArgumentException("a Paillier plaintext lies in [0, n)");
      }
      BigInteger n2 = nSquared();
      BigInteger r;
      do {
        r = new BigInteger(n.bitLength(), random);
      } while (r.signum() == 0 || r.compareTo(n) >= 0 || !r.gcd(n).equals(BigInteger.ONE));
      BigInteger gm = BigInteger.ONE.add(m.multiply(n)).mod(n2);
      return gm.multiply(r.modPow(n, n2)).mod(n2);
    }

    /** E(a + b): the product of two ciphertexts. */
    public BigInteger add(BigInteger a, BigInteger b) {
      return a.multiply(b).mod(nSquared());
    }

    /** Whether {@code c} can be a ciphertext of this key: in (0, n²) and a unit. */
    public boolean isCiphertext(BigInteger c) {
      return c.signum() > 0 && c.compareTo(nSquared()) < 0 && c.gcd(n).equals(BigInteger.ONE);
    }

    /** L(u) = (u − 1) / n. */
    BigInteger l(BigInteger u) {
      return u.subtract(BigInteger.ONE).divide(n);
    }
  }

  /** A private key: the primes, from which λ and μ follow. */
  public record PrivateKey(PublicKey publicKey, BigInteger p, BigInteger q) {

    /** Decrypts {@code c}. */
    public BigInteger decrypt(BigInteger c) {
      BigInteger n = publicKey.n();
      BigInteger lambda =
          p.subtract(BigInteger.ONE)
              .multiply(q.subtract(BigInteger.ONE))
              .divide(p.subtract(BigInteger.ONE).gcd(q.subtract(BigInteger.ONE)));
      BigInteger n2 = publicKey.nSquared();
      // With g = n + 1, L(g^λ mod n²) = λ mod n, so μ = λ⁻¹ mod n.
      BigInteger mu = lambda.modInverse(n);
      return publicKey.l(c.modPow(lambda, n2)).multiply(mu).mod(n);
    }

    @Override
    public String toString() {
      return "Paillier.PrivateKey[" + publicKey.bits() + " bits]";
    }
  }

  /** A key pair. */
  public record KeyPair(PublicKey publicKey, PrivateKey privateKey) {}

  /** A fresh key pair whose modulus has {@code bits} bits (2048 or more in production). */
  public static KeyPair generate(int bits, SecureRandom random) {
    requireBits(bits);
    while (true) {
      BigInteger p = BigInteger.probablePrime(bits / 2, random);
      BigInteger q = BigInteger.probablePrime(bits - bits / 2, random);
      BigInteger n = p.multiply(q);
      if (!p.equals(q) && n.bitLength() == bits) {
        PublicKey publicKey = new PublicKey(n);
        return new KeyPair(publicKey, new PrivateKey(publicKey, p, q));
      }
    }
  }

  /** One committee member's share of the decryption exponent. */
  public record KeyShare(int index, BigInteger secret) {
    @Override
    public String toString() {
      return "Paillier.KeyShare[" + index + "]";
    }
  }

  /**
   * A key for threshold decryption: the public key, and one share for each of {@code parties}
   * members, any {@code threshold} of which decrypt.
   */
  public record ThresholdKey(
      PublicKey publicKey, int parties, int threshold, List<KeyShare> shares) {

    public ThresholdKey {
      shares = List.copyOf(shares);
    }

    /** Δ = parties!. */
    public BigInteger delta() {
      return factorial(parties);
    }
  }

  /**
   * Deals a threshold key: {@code parties} shares, any {@code threshold} of which decrypt. The
   * modulus is a product of safe primes, slower to find (seconds at 2048 bits).
   *
   * @throws IllegalArgumentException for a threshold outside 1 to parties, or fewer than 1 party
   */
  public static ThresholdKey generateThreshold(
      int bits, int parties, int threshold, SecureRandom random) {
    requireBits(bits);
    if (parties < 1 || parties > 1000 || threshold < 1 || threshold > parties) {
      throw new IllegalArgumentException(
          "a threshold key has 1 to 1000 parties and a threshold of 1 to parties");
    }
    BigInteger pPrime;
    BigInteger qPrime;
    BigInteger n;
    do {
      pPrime = safePrimeHalf(bits / 2, random);
      qPrime = safePrimeHalf(bits - bits / 2, random);
      n = twicePlusOne(pPrime).multiply(twicePlusOne(qPrime));
    } while (pPrime.equals(qPrime) || n.bitLength() != bits);
    BigInteger m = pPrime.multiply(qPrime);
    BigInteger nm = n.multiply(m);
    // d ≡ 0 mod m and d ≡ 1 mod n: d = m · (m⁻¹ mod n).
    BigInteger d = m.multiply(m.modInverse(n)).mod(nm);
    BigInteger[] coefficients = new BigInteger[threshold];
    coefficients[0] = d;
    for (int i = 1; i < threshold; i++) {
      coefficients[i] = new BigInteger(nm.bitLength() + 64, random).mod(nm);
    }
    List<KeyShare> shares = new ArrayList<>();
    for (int i = 1; i <= parties; i++) {
      BigInteger x = BigInteger.valueOf(i);
      BigInteger value = BigInteger.ZERO;
      for (int k = threshold - 1; k >= 0; k--) {
        value = value.multiply(x).add(coefficients[k]).mod(nm);
      }
      shares.add(new KeyShare(i, value));
    }
    return new ThresholdKey(new PublicKey(n), parties, threshold, shares);
  }

  /** Member {@code share}'s partial decryption of {@code c}: c^(2Δ·s_i) mod n². */
  public static BigInteger partialDecrypt(ThresholdKey key, KeyShare share, BigInteger c) {
    BigInteger exponent = BigInteger.TWO.multiply(key.delta()).multiply(share.secret());
    return c.modPow(exponent, key.publicKey().nSquared());
  }

  /** A partial decryption and who made it. */
  public record Partial(int index, BigInteger value) {}

  /**
   * The plaintext from {@code threshold} or more partial decryptions (the first {@code threshold}
   * are used).
   *
   * @throws IllegalArgumentException for fewer than the threshold, or two from one member
   */
  public static BigInteger combine(ThresholdKey key, List<Partial> partials) {
    if (partials.size() < key.threshold()) {
      throw new IllegalArgumentException(
          "decryption needs " + key.threshold() + " partial decryptions, got " + partials.size());
    }
    List<Partial> used = partials.subList(0, key.threshold());
    Set<Integer> seen = new HashSet<>();
    for (Partial partial : used) {
      if (partial.index() < 1 || partial.index() > key.parties() || !seen.add(partial.index())) {
        throw new IllegalArgumentException("partial decryptions come from distinct members");
      }
    }
    BigInteger n2 = key.publicKey().nSquared();
    BigInteger delta = key.delta();
    BigInteger product = BigInteger.ONE;
    for (Partial partial : used) {
      // μ_i = Δ · Π_{j≠i} j / (j − i), an integer because Δ = l! clears the denominators.
      BigInteger numerator = delta;
      BigInteger denominator = BigInteger.ONE;
      for (Partial other : used) {
        if (other.index() != partial.index()) {
          numerator = numerator.multiply(BigInteger.valueOf(other.index()));
          denominator = denominator.multiply(BigInteger.valueOf(other.index() - partial.index()));
        }
      }
      BigInteger mu = numerator.divide(denominator);
      BigInteger term = partial.value().modPow(mu.abs().multiply(BigInteger.TWO), n2);
      if (mu.signum() < 0) {
        try {
          term = term.modInverse(n2);
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException(
              "partial decryption " + partial.index() + " is not valid");
        }
      }
      product = product.multiply(term).mod(n2);
    }
    BigInteger n = key.publicKey().n();
    if (!product.mod(n).equals(BigInteger.ONE)) {
      // (1 + n)^x is 1 modulo n for every x: anything else means a partial decryption was wrong.
      throw new IllegalArgumentException("the partial decryptions do not combine: one is wrong");
    }
    BigInteger fourDeltaSquared = BigInteger.valueOf(4).multiply(delta).multiply(delta);
    return key.publicKey().l(product).multiply(fourDeltaSquared.modInverse(n)).mod(n);
  }

  private static BigInteger safePrimeHalf(int bits, SecureRandom random) {
    while (true) {
      BigInteger half = BigInteger.probablePrime(bits - 1, random);
      if (twicePlusOne(half).isProbablePrime(CERTAINTY)) {
        return half;
      }
    }
  }

  private static BigInteger twicePlusOne(BigInteger value) {
    return value.shiftLeft(1).add(BigInteger.ONE);
  }

  private static BigInteger factorial(int k) {
    BigInteger out = BigInteger.ONE;
    for (int i = 2; i <= k; i++) {
      out = out.multiply(BigInteger.valueOf(i));
    }
    return out;
  }

  private static void requireBits(int bits) {
    if (bits < 256 || bits > 8192) {
      throw new IllegalArgumentException("a Paillier modulus has 256 to 8192 bits, not " + bits);
    }
  }
}
