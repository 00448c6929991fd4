package io.truststram.crypto.primitive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.bc.BCObjectIdentifiers;
import org.bouncycastle.asn1.iana.IANAObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jspecify.annotations.Nullable;

/**
 * Public keys as X.509 SubjectPublicKeyInfo (DER) and PEM ({@code -----BEGIN PUBLIC KEY-----}), the
 * form other tools (OpenSSL 3.5, the JDK, Bouncy Castle) read and write.
 *
 * <p>The key inside is the raw encoding this library uses everywhere. The algorithm identifiers:
 *
 * <ul>
 *   <li>ML-KEM and ML-DSA: NIST's (RFC 9881 and the LAMPS ML-KEM profile); SLH-DSA: NIST's;
 *   <li>Ed25519: RFC 8410's; ECDSA: {@code id-ecPublicKey} with the named curve (RFC 5480);
 *   <li>the composites: the LAMPS composite-signature draft's, as Bouncy Castle 1.87 assigns them;
 *   <li>X-Wing: the draft's private-enterprise OID; Falcon: Bouncy Castle's experimental OIDs,
 *       since round-3 Falcon has no standard one.
 * </ul>
 *
 * <p>Tests check the output byte for byte against the JDK's and Bouncy Castle's own encodings.
 */
public final class PublicKeyEncoding {

  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  private static final Map<Algorithm, AlgorithmIdentifier> IDENTIFIERS =
      new EnumMap<>(Algorithm.class);
  private static final Map<AlgorithmIdentifier, Algorithm> BY_IDENTIFIER = new HashMap<>();

  static {
    register(Algorithm.ML_KEM_512, NISTObjectIdentifiers.id_alg_ml_kem_512);
    register(Algorithm.ML_KEM_768, NISTObjectIdentifiers.id_alg_ml_kem_768);
    register(Algorithm.ML_KEM_1024, NISTObjectIdentifiers.id_alg_ml_kem_1024);
    register(Algorithm.X_WING, BCObjectIdentifiers.xwing);
    register(Algorithm.ML_DSA_44, NISTObjectIdentifiers.id_ml_dsa_44);
    register(Algorithm.ML_DSA_65, NISTObjectIdentifiers.id_ml_dsa_65);
    register(Algorithm.ML_DSA_87, NISTObjectIdentifiers.id_ml_dsa_87);
    register(Algorithm.SLH_DSA_SHA2_128S, NISTObjectIdentifiers.id_slh_dsa_sha2_128s);
    register(Algorithm.SLH_DSA_SHA2_128F, NISTObjectIdentifiers.id_slh_dsa_sha2_128f);
    register(Algorithm.SLH_DSA_SHAKE_256F, NISTObjectIdentifiers.id_slh_dsa_shake_256f);
    register(Algorithm.FALCON_512, BCObjectIdentifiers.falcon_512);
    register(Algorithm.FALCON_1024, BCObjectIdentifiers.falcon_1024);
    register(Algorithm.ML_DSA_65_ED25519, IANAObjectIdentifiers.id_MLDSA65_Ed25519_SHA512);
    register(Algorithm.ML_DSA_87_ECDSA_P384, IANAObjectIdentifiers.id_MLDSA87_ECDSA_P384_SHA512);
    // RFC 8410; Bouncy Castle keeps its constant internal.
    register(Algorithm.ED25519, new ASN1ObjectIdentifier("1.3.101.112"));
    register(
        Algorithm.ECDSA_P256,
        new AlgorithmIdentifier(
            X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.prime256v1));
    register(
        Algorithm.ECDSA_P384,
        new AlgorithmIdentifier(
            X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp384r1));
  }

  private static void register(Algorithm algorithm, ASN1ObjectIdentifier oid) {
    register(algorithm, new AlgorithmIdentifier(oid));
  }

  private static void register(Algorithm algorithm, AlgorithmIdentifier identifier) {
    IDENTIFIERS.put(algorithm, identifier);
    BY_IDENTIFIER.put(identifier, algorithm);
  }

  private PublicKeyEncoding() {}

  /** The algorithm identifier of {@code algorithm}'s keys. */
  static AlgorithmIdentifier identifier(Algorithm algorithm) {
    return Objects.requireNonNull(IDENTIFIERS.get(algorithm));
  }

  /** The algorithm an identifier names, or null. */
  static @Nullable Algorithm algorithm(AlgorithmIdentifier identifier) {
    return BY_IDENTIFIER.get(identifier);
  }

  /** A public key read from SPKI or PEM: its algorithm and raw encoding. */
  public record Decoded(Algorithm algorithm, byte[] publicKey) {
    public Decoded {
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }
  }

  /** The SubjectPublicKeyInfo (DER) of a raw public key. */
  public static byte[] toSpki(Algorithm algorithm, byte[] publicKey) {
    InvalidKeyException.requireLength(
        algorithm, "public key", publicKey, algorithm.publicKeyLength());
    try {
      return new SubjectPublicKeyInfo(Objects.requireNonNull(IDENTIFIERS.get(algorithm)), publicKey)
          .getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding failed", e);
    }
  }

  /** The PEM text ({@code BEGIN PUBLIC KEY}) of a raw public key, lines of 64 characters. */
  public static String toPem(Algorithm algorithm, byte[] publicKey) {
    return pem("PUBLIC KEY", toSpki(algorithm, publicKey));
  }

  /** DER as PEM (RFC 7468) with {@code label}, lines of 64 characters. */
  static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /**
   * Reads a SubjectPublicKeyInfo.
   *
   * @throws InvalidKeyException when it is not DER, names an algorithm this library does not have,
   *     or holds a key of the wrong length
   */
  public static Decoded fromSpki(byte[] der) {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new InvalidKeyException("not a DER SubjectPublicKeyInfo");
    }
    if (info == null) {
      throw new InvalidKeyException("not a DER SubjectPublicKeyInfo");
    }
    Algorithm algorithm = BY_IDENTIFIER.get(info.getAlgorithm());
    if (algorithm == null) {
      throw new InvalidKeyException(
          "the public key's algorithm " + info.getAlgorithm().getAlgorithm() + " is not supported");
    }
    if (info.getPublicKeyData().getPadBits() != 0) {
      throw new InvalidKeyException("the public key's bit string is not whole bytes");
    }
    byte[] raw = info.getPublicKeyData().getBytes();
    InvalidKeyException.requireLength(algorithm, "public key", raw, algorithm.publicKeyLength());
    return new Decoded(algorithm, raw);
  }

  /** Whether {@code text} looks like a PEM public key. */
  public static boolean isPem(String text) {
    return text.strip().startsWith(BEGIN);
  }

  /**
   * Reads a PEM public key ({@code BEGIN PUBLIC KEY}).
   *
   * @throws InvalidKeyException as {@link #fromSpki}, or when the PEM is malformed
   */
  public static Decoded fromPem(String pem) {
    String text = pem.strip();
    if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
      throw new InvalidKeyException("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    String body = text.substring(BEGIN.length(), text.length() - END.length());
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyException("the PEM body is not base64");
    }
    return fromSpki(der);
  }
}
