package io.truststram.crypto.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.crypto.CryptoProblems;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.UnknownAlgorithmException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a named key is: a symmetric key (AES-256-GCM for encryption, or HMAC) or an asymmetric one
 * of an {@link Algorithm}. Every version of every key also carries a 256-bit HMAC key, as Vault's
 * keys do, so {@code hmac} works on any key.
 */
record KeyType(String name, @Nullable Algorithm algorithm) {

  static final String AES_256_GCM = "AES-256-GCM";
  static final String HMAC = "HMAC";

  /**
   * The type named {@code name}: AES-256-GCM, HMAC, or an algorithm's FIPS name or alias.
   *
   * @throws ProblemException {@link CryptoProblems#UNKNOWN_ALGORITHM} otherwise
   */
  static KeyType of(String name) {
    String upper = name.strip().toUpperCase(Locale.ROOT);
    if (upper.equals(AES_256_GCM) || upper.equals("AES256-GCM96") || upper.equals("AES-256")) {
      return new KeyType(AES_256_GCM, null);
    }
    if (upper.equals(HMAC)) {
      return new KeyType(HMAC, null);
    }
    try {
      Algorithm algorithm = Algorithm.of(name);
      return new KeyType(algorithm.fipsName(), algorithm);
    } catch (UnknownAlgorithmException e) {
      throw new ProblemException(
          CryptoProblems.UNKNOWN_ALGORITHM, e.getMessage() + ", " + AES_256_GCM + ", " + HMAC);
    }
  }

  boolean encrypts() {
    return name.equals(AES_256_GCM);
  }

  boolean encapsulates() {
    return algorithm != null && algorithm.kind() == Algorithm.Kind.KEM;
  }

  boolean signs() {
    return algorithm != null && algorithm.kind() == Algorithm.Kind.SIGNATURE;
  }

  /** Whether every part of it resists a quantum computer (256-bit symmetric keys do). */
  boolean postQuantum() {
    return algorithm == null || algorithm.postQuantum();
  }

  /** Whether it combines a post-quantum and a classical algorithm. */
  boolean hybrid() {
    return algorithm == Algorithm.X_WING
        || algorithm == Algorithm.ML_DSA_65_ED25519
        || algorithm == Algorithm.ML_DSA_87_ECDSA_P384;
  }
}
