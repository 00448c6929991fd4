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
 * Lagrange coefficients into (1 + n)^(4Δ²m), from which m follows.
 *
 * <p>A member proves its partial decryptions correct, as Damgård and Jurik do (Shoup's proof of
 * equal discrete logarithms, made non-interactive by Fiat–Shamir): its verification key v_i =
 * v^(Δ·s_i) for a base v every party derives from n, and a proof that log_(c⁴)(c_i²) = log_v(v_i).
 * One proof covers all of a member's partial decryptions of a round: they are folded into one by
 * random 128-bit exponents drawn from a hash of them all, so that a single wrong partial fails the
 * proof but for a chance of about 2^−128. Without the proof a member could multiply its partial by
 * (1 + n)^δ and shift the plaintext undetectably.
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

    /** What everyone may know of this key. */
    public ThresholdPublicKey publicPart() {
      return new ThresholdPublicKey(publicKey, parties, threshold);
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

  /**
   * What everyone may know of a threshold key: the public key and the committee's size and
   * threshold. Members' verification keys follow from their shares ({@link #verificationKey}).
   */
  public record ThresholdPublicKey(PublicKey publicKey, int parties, int threshold) {
    public ThresholdPublicKey {
      if (parties < 1 || parties > 1000 || threshold < 1 || threshold > parties) {
        throw new IllegalArgumentException(
            "a threshold key has 1 to 1000 parties and a threshold of 1 to parties");
      }
    }

    /** Δ = parties!. */
    public BigInteger delta() {
      return factorial(parties);
    }

    /**
     * The base v of verification keys: a square in Z*_(n²) drawn from a hash of n, so that no
     * dealer chooses it and nobody has to publish it.
     */
    public BigInteger verificationBase() {
      BigInteger n2 = publicKey.nSquared();
      byte[] seed = publicKey.n().toByteArray();
      int bytes = (n2.bitLength() + 128 + 7) / 8;
      byte[] stream = new byte[bytes];
      int filled = 0;
      for (int counter = 0; filled < bytes; counter++) {
        byte[] block = sha256("truststram paillier verification base", seed, intBytes(counter));
        int take = Math.min(block.length, bytes - filled);
        System.arraycopy(block, 0, stream, filled, take);
        filled += take;
      }
      BigInteger x = new BigInteger(1, stream).mod(n2);
      return x.multiply(x).mod(n2);
    }
  }

  /** Member {@code share}'s verification key v^(Δ·s_i) mod n². */
  public static BigInteger verificationKey(ThresholdPublicKey key, KeyShare share) {
    return key.verificationBase()
        .modPow(key.delta().multiply(share.secret()), key.publicKey().nSquared());
  }

  /**
   * One member's partial decryptions of a list of ciphertexts, with its verification key and the
   * proof (challenge e, response z) that they are c^(2Δ·s_i) for the s_i behind that key.
   */
  public record PartialDecryption(
      int index,
      BigInteger verificationKey,
      List<BigInteger> values,
      BigInteger challenge,
      BigInteger response) {
    public PartialDecryption {
      values = List.copyOf(values);
    }
  }

  /**
   * Member {@code share}'s partial decryptions of {@code ciphertexts}, c_j^(2Δ·s_i) mod n², with
   * the proof that they are right.
   */
  public static PartialDecryption partialDecrypt(
      ThresholdPublicKey key, KeyShare share, List<BigInteger> ciphertexts, SecureRandom random) {
    BigInteger n2 = key.publicKey().nSquared();
    BigInteger secret = key.delta().multiply(share.secret());
    BigInteger exponent = secret.shiftLeft(1);
    List<BigInteger> values = new ArrayList<>(ciphertexts.size());
    for (BigInteger c : ciphertexts) {
      values.add(c.modPow(exponent, n2));
    }
    BigInteger v = key.verificationBase();
    BigInteger vi = v.modPow(secret, n2);
    BigInteger[] folded = fold(key, share.index(), ciphertexts, values);
    BigInteger base = folded[0].modPow(BigInteger.valueOf(4), n2);
    BigInteger target = folded[1].multiply(folded[1]).mod(n2);
    // r hides Δ·s_i·e statistically: 128 bits more than that product can have.
    BigInteger r = new BigInteger(secret.bitLength() + 256 + 128, random);
    BigInteger a = base.modPow(r, n2);
    BigInteger b = v.modPow(r, n2);
    BigInteger e = challenge(key, share.index(), base, target, v, vi, a, b);
    BigInteger z = r.add(e.multiply(secret));
    return new PartialDecryption(share.index(), vi, values, e, z);
  }

  /**
   * Checks a member's partial decryptions of {@code ciphertexts} against its proof. The caller
   * checks that {@code partial.verificationKey()} is the member's (from the dealer).
   *
   * @throws IllegalArgumentException naming what is wrong: the member's index, the number of
   *     values, a value that is not a unit, or a proof that does not verify
   */
  public static void verify(
      ThresholdPublicKey key, List<BigInteger> ciphertexts, PartialDecryption partial) {
    if (partial.index() < 1 || partial.index() > key.parties()) {
      throw new IllegalArgumentException(
          "member " + partial.index() + " is not one of the " + key.parties());
    }
    if (partial.values().size() != ciphertexts.size()) {
      throw new IllegalArgumentException(
          partial.values().size()
              + " partial decryptions for "
              + ciphertexts.size()
              + " ciphertexts");
    }
    PublicKey pub = key.publicKey();
    BigInteger n2 = pub.nSquared();
    for (BigInteger value : partial.values()) {
      if (!pub.isCiphertext(value)) {
        throw new IllegalArgumentException("a partial decryption is not a unit modulo n²");
      }
    }
    BigInteger vi = partial.verificationKey();
    if (!pub.isCiphertext(vi)
        || partial.challenge().signum() < 0
        || partial.challenge().bitLength() > 256
        || partial.response().signum() < 0
        || partial.response().bitLength() > n2.bitLength() + 2048) {
      throw new IllegalArgumentException("the proof of partial decryption is malformed");
    }
    BigInteger v = key.verificationBase();
    BigInteger[] folded = fold(key, partial.index(), ciphertexts, partial.values());
    BigInteger base = folded[0].modPow(BigInteger.valueOf(4), n2);
    BigInteger target = folded[1].multiply(folded[1]).mod(n2);
    BigInteger e = partial.challenge();
    BigInteger z = partial.response();
    BigInteger a = base.modPow(z, n2).multiply(target.modPow(e, n2).modInverse(n2)).mod(n2);
    BigInteger b = v.modPow(z, n2).multiply(vi.modPow(e, n2).modInverse(n2)).mod(n2);
    if (!challenge(key, partial.index(), base, target, v, vi, a, b).equals(e)) {
      throw new IllegalArgumentException(
          "member " + partial.index() + "'s partial decryptions do not match its proof");
    }
  }

  /**
   * The plaintexts from the first {@code threshold} partial decryptions of the same ciphertexts
   * (verified by {@link #verify} before).
   *
   * @throws IllegalArgumentException for fewer than the threshold, two from one member, or partials
   *     of different lengths
   */
  public static List<BigInteger> combine(ThresholdPublicKey key, List<PartialDecryption> partials) {
    if (partials.size() < key.threshold()) {
      throw new IllegalArgumentException(
          "decryption needs " + key.threshold() + " partial decryptions, got " + partials.size());
    }
    List<PartialDecryption> used = partials.subList(0, key.threshold());
    Set<Integer> seen = new HashSet<>();
    int length = used.get(0).values().size();
    for (PartialDecryption partial : used) {
      if (partial.index() < 1 || partial.index() > key.parties() || !seen.add(partial.index())) {
        throw new IllegalArgumentException("partial decryptions come from distinct members");
      }
      if (partial.values().size() != length) {
        throw new IllegalArgumentException("partial decryptions of different lengths");
      }
    }
    BigInteger n = key.publicKey().n();
    BigInteger n2 = key.publicKey().nSquared();
    BigInteger delta = key.delta();
    BigInteger[] mus = new BigInteger[used.size()];
    for (int i = 0; i < used.size(); i++) {
      // μ_i = Δ · Π_{j≠i} j / (j − i), an integer because Δ = l! clears the denominators.
      BigInteger numerator = delta;
      BigInteger denominator = BigInteger.ONE;
      for (PartialDecryption other : used) {
        if (other.index() != used.get(i).index()) {
          numerator = numerator.multiply(BigInteger.valueOf(other.index()));
          denominator =
              denominator.multiply(BigInteger.valueOf(other.index() - used.get(i).index()));
        }
      }
      mus[i] = numerator.divide(denominator).shiftLeft(1);
    }
    BigInteger scale = BigInteger.valueOf(4).multiply(delta).multiply(delta).modInverse(n);
    List<BigInteger> out = new ArrayList<>(length);
    for (int j = 0; j < length; j++) {
      BigInteger product = BigInteger.ONE;
      for (int i = 0; i < used.size(); i++) {
        BigInteger term = used.get(i).values().get(j).modPow(mus[i].abs(), n2);
        if (mus[i].signum() < 0) {
          try {
            term = term.modInverse(n2);
          } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                "partial decryption " + used.get(i).index() + " is not valid");
          }
        }
        product = product.multiply(term).mod(n2);
      }
      if (!product.mod(n).equals(BigInteger.ONE)) {
        // (1 + n)^x is 1 modulo n for every x: anything else means a partial decryption was wrong.
        throw new IllegalArgumentException("the partial decryptions do not combine: one is wrong");
      }
      out.add(key.publicKey().l(product).multiply(scale).mod(n));
    }
    return out;
  }

  /**
   * The ciphertexts and partial decryptions folded into one each, Π c_j^ρ_j and Π d_j^ρ_j, with
   * 128-bit ρ_j drawn from a hash of all of them.
   */
  private static BigInteger[] fold(
      ThresholdPublicKey key, int index, List<BigInteger> ciphertexts, List<BigInteger> values) {
    java.security.MessageDigest digest = sha256();
    digest.update("truststram paillier fold".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    digest.update(key.publicKey().n().toByteArray());
    digest.update(intBytes(index));
    for (int j = 0; j < ciphertexts.size(); j++) {
      update(digest, ciphertexts.get(j));
      update(digest, values.get(j));
    }
    byte[] root = digest.digest();
    BigInteger n2 = key.publicKey().nSquared();
    BigInteger c = BigInteger.ONE;
    BigInteger d = BigInteger.ONE;
    for (int j = 0; j < ciphertexts.size(); j++) {
      byte[] rho = java.util.Arrays.copyOf(sha256("rho", root, intBytes(j)), 16);
      BigInteger exponent = new BigInteger(1, rho);
      c = c.multiply(ciphertexts.get(j).modPow(exponent, n2)).mod(n2);
      d = d.multiply(values.get(j).modPow(exponent, n2)).mod(n2);
    }
    return new BigInteger[] {c, d};
  }

  private static BigInteger challenge(ThresholdPublicKey key, int index, BigInteger... values) {
    java.security.MessageDigest digest = sha256();
    digest.update(
        "truststram paillier partial decryption".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    digest.update(key.publicKey().n().toByteArray());
    digest.update(intBytes(index));
    for (BigInteger value : values) {
      update(digest, value);
    }
    return new BigInteger(1, digest.digest());
  }

  private static void update(java.security.MessageDigest digest, BigInteger value) {
    byte[] bytes = value.toByteArray();
    digest.update(intBytes(bytes.length));
    digest.update(bytes);
  }

  private static byte[] sha256(String label, byte[]... parts) {
    java.security.MessageDigest digest = sha256();
    digest.update(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (byte[] part : parts) {
      digest.update(intBytes(part.length));
      digest.update(part);
    }
    return digest.digest();
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  private static byte[] intBytes(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
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
