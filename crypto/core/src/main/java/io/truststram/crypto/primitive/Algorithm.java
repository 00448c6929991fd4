package io.truststram.crypto.primitive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The asymmetric algorithms, by their FIPS (or RFC) names, with the lengths of their raw encodings:
 * public key, secret key and output (ciphertext of a KEM, signature of a signature scheme; for
 * schemes whose signatures vary in length, the longest).
 *
 * <p>Secret keys are the standards' full encodings (FIPS 203's 2,400-byte decapsulation key for
 * ML-KEM-768, FIPS 204's 4,032-byte key for ML-DSA-65), except where the standard's key is a seed
 * (X-Wing, Ed25519).
 */
public enum Algorithm {
  ML_KEM_512("ML-KEM-512", Kind.KEM, 800, 1632, 768, true, "Kyber512", "Kyber-512"),
  ML_KEM_768("ML-KEM-768", Kind.KEM, 1184, 2400, 1088, true, "Kyber768", "Kyber-768"),
  ML_KEM_1024("ML-KEM-1024", Kind.KEM, 1568, 3168, 1568, true, "Kyber1024", "Kyber-1024"),
  X_WING("X-Wing", Kind.KEM, 1216, 32, 1120, true, "XWing", "X25519-ML-KEM-768"),
  ML_DSA_44("ML-DSA-44", Kind.SIGNATURE, 1312, 2560, 2420, true, "Dilithium2"),
  ML_DSA_65("ML-DSA-65", Kind.SIGNATURE, 1952, 4032, 3309, true, "Dilithium3"),
  ML_DSA_87("ML-DSA-87", Kind.SIGNATURE, 2592, 4896, 4627, true, "Dilithium5"),
  SLH_DSA_SHA2_128S(
      "SLH-DSA-SHA2-128s", Kind.SIGNATURE, 32, 64, 7856, true, "SPHINCS+-SHA2-128s", "SPHINCS+"),
  SLH_DSA_SHA2_128F("SLH-DSA-SHA2-128f", Kind.SIGNATURE, 32, 64, 17088, true, "SPHINCS+-SHA2-128f"),
  SLH_DSA_SHAKE_256F(
      "SLH-DSA-SHAKE-256f", Kind.SIGNATURE, 64, 128, 49856, true, "SPHINCS+-SHAKE-256f"),
  FALCON_512("Falcon-512", Kind.SIGNATURE, 897, 1281, 752, false),
  FALCON_1024("Falcon-1024", Kind.SIGNATURE, 1793, 2305, 1462, false),
  ML_DSA_65_ED25519(
      "ML-DSA-65+Ed25519", Kind.SIGNATURE, 1952 + 32, 32 + 32, 3309 + 64, true, "MLDSA65-Ed25519"),
  ML_DSA_87_ECDSA_P384(
      "ML-DSA-87+ECDSA-P384",
      Kind.SIGNATURE,
      2592 + 97,
      32 + 48,
      4627 + 104,
      false,
      "MLDSA87-ECDSA-P384"),
  ED25519("Ed25519", Kind.SIGNATURE, 32, 32, 64, true),
  ECDSA_P256("ECDSA-P256", Kind.SIGNATURE, 65, 32, 64, true, "ES256", "P-256"),
  ECDSA_P384("ECDSA-P384", Kind.SIGNATURE, 97, 48, 96, true, "ES384", "P-384");

  /** What an algorithm does. */
  public enum Kind {
    KEM,
    SIGNATURE
  }

  private static final Map<String, Algorithm> BY_NAME = new TreeMap<>();

  static {
    for (Algorithm algorithm : values()) {
      BY_NAME.put(key(algorithm.fipsName), algorithm);
      for (String alias : algorithm.aliases) {
        BY_NAME.put(key(alias), algorithm);
      }
    }
  }

  private final String fipsName;
  private final Kind kind;
  private final int publicKeyLength;
  private final int secretKeyLength;
  private final int outputLength;
  private final boolean fixedOutput;
  private final List<String> aliases;

  Algorithm(
      String fipsName,
      Kind kind,
      int publicKeyLength,
      int secretKeyLength,
      int outputLength,
      boolean fixedOutput,
      String... aliases) {
    this.fipsName = fipsName;
    this.kind = kind;
    this.publicKeyLength = publicKeyLength;
    this.secretKeyLength = secretKeyLength;
    this.outputLength = outputLength;
    this.fixedOutput = fixedOutput;
    this.aliases = List.of(aliases);
  }

  /**
   * The algorithm named {@code name}: its FIPS name or a historical alias (Kyber768, Dilithium3,
   * SPHINCS+-SHA2-128s ...), in any case.
   *
   * @throws UnknownAlgorithmException for any other name, listing the known ones
   */
  public static Algorithm of(String name) {
    Algorithm algorithm = BY_NAME.get(key(name));
    if (algorithm == null) {
      List<String> names = new ArrayList<>();
      for (Algorithm known : values()) {
        names.add(known.fipsName);
      }
      throw new UnknownAlgorithmException(
          "unknown algorithm '" + name + "'; known: " + String.join(", ", names));
    }
    return algorithm;
  }

  private static String key(String name) {
    return name.strip().toUpperCase(Locale.ROOT).replace('_', '-');
  }

  /** The FIPS (or RFC) name, e.g. {@code ML-KEM-768}. */
  public String fipsName() {
    return fipsName;
  }

  /** The historical and alternative names it is also known by. */
  public List<String> aliases() {
    return aliases;
  }

  public Kind kind() {
    return kind;
  }

  /** The length of a raw public key. */
  public int publicKeyLength() {
    return publicKeyLength;
  }

  /** The length of a raw secret key. */
  public int secretKeyLength() {
    return secretKeyLength;
  }

  /** The length of a ciphertext (KEM) or signature; the longest one when {@link #fixedOutput}. */
  public int outputLength() {
    return outputLength;
  }

  /** Whether every ciphertext or signature has exactly {@link #outputLength} bytes. */
  public boolean fixedOutput() {
    return fixedOutput;
  }

  /** Whether no known quantum algorithm breaks it (every part of a hybrid counts as one). */
  public boolean postQuantum() {
    return switch (this) {
      case ED25519, ECDSA_P256, ECDSA_P384 -> false;
      default -> true;
    };
  }

  @Override
  public String toString() {
    return fipsName;
  }
}
