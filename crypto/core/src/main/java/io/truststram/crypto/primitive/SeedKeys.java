package io.truststram.crypto.primitive;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;

/**
 * ML-KEM and ML-DSA keys in their seed form: the 64 bytes (d ‖ z) of FIPS 203's ML-KEM.KeyGen and
 * the 32 bytes (ξ) of FIPS 204's ML-DSA.KeyGen, from which the whole key pair follows.
 *
 * <p>The seed is the form the IETF profiles recommend for storing and moving these private keys
 * (RFC 9881 for ML-DSA, the LAMPS ML-KEM profile): PKCS#8 {@code PrivateKeyInfo} whose private key
 * is the {@code seed [0] OCTET STRING} choice. Tests check the key pairs against the JDK's key
 * generation fed the same seed, and the encoding against Bouncy Castle's.
 */
public final class SeedKeys {

  private SeedKeys() {}

  /** Whether keys of {@code algorithm} have a seed form. */
  public static boolean hasSeed(Algorithm algorithm) {
    return switch (algorithm) {
      case ML_KEM_512, ML_KEM_768, ML_KEM_1024, ML_DSA_44, ML_DSA_65, ML_DSA_87 -> true;
      default -> false;
    };
  }

  /** The seed's length: 64 for ML-KEM, 32 for ML-DSA. */
  public static int seedLength(Algorithm algorithm) {
    require(algorithm);
    return algorithm.kind() == Algorithm.Kind.KEM ? 64 : 32;
  }

  /** The key pair a seed determines, in the raw encodings (the secret key expanded). */
  public static KeyPair fromSeed(Algorithm algorithm, byte[] seed) {
    requireSeed(algorithm, seed);
    return switch (algorithm) {
      case ML_KEM_512, ML_KEM_768, ML_KEM_1024 -> {
        MLKEMPrivateKeyParameters secret = new MLKEMPrivateKeyParameters(kem(algorithm), seed);
        yield new KeyPair(
            algorithm,
            secret.getPublicKeyParameters().getEncoded(),
            secret.getParametersWithFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY).getEncoded());
      }
      default -> {
        MLDSAPrivateKeyParameters secret = new MLDSAPrivateKeyParameters(dsa(algorithm), seed);
        yield new KeyPair(
            algorithm,
            secret.getPublicKeyParameters().getEncoded(),
            secret.getParametersWithFormat(MLDSAPrivateKeyParameters.EXPANDED_KEY).getEncoded());
      }
    };
  }

  /**
   * The KEM key pair that {@code seed} determines: ML-KEM from its 64-byte (d, z) seed as {@link
   * #fromSeed} does, X-Wing from its 32-byte secret key, which is the seed by that scheme's
   * definition. Two parties that hold one seed derive one key pair, whichever provider they run.
   *
   * @throws InvalidKeyException for another algorithm or a seed of the wrong length
   */
  public static KeyPair kemFromSeed(Algorithm algorithm, byte[] seed) {
    if (algorithm == Algorithm.X_WING) {
      InvalidKeyException.requireLength(algorithm, "seed", seed, 32);
      var secret = new org.bouncycastle.pqc.crypto.xwing.XWingPrivateKeyParameters(seed);
      return new KeyPair(
          algorithm, secret.getPublicKeyParameters().getEncoded(), secret.getSeed().clone());
    }
    if (algorithm.kind() != Algorithm.Kind.KEM) {
      throw new InvalidKeyException(algorithm.fipsName() + " is not a KEM");
    }
    return fromSeed(algorithm, seed);
  }

  /** The seed length of {@link #kemFromSeed}: 32 for X-Wing, 64 for ML-KEM. */
  public static int kemSeedLength(Algorithm algorithm) {
    return algorithm == Algorithm.X_WING ? 32 : seedLength(algorithm);
  }

  /** PKCS#8 {@code PrivateKeyInfo} (DER) holding the seed. */
  public static byte[] toPkcs8(Algorithm algorithm, byte[] seed) {
    requireSeed(algorithm, seed);
    try {
      return new PrivateKeyInfo(
              PublicKeyEncoding.identifier(algorithm),
              new DERTaggedObject(false, 0, new DEROctetString(seed)))
          .getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding failed", e);
    }
  }

  /** The same as PEM ({@code BEGIN PRIVATE KEY}). */
  public static String toPem(Algorithm algorithm, byte[] seed) {
    return PublicKeyEncoding.pem("PRIVATE KEY", toPkcs8(algorithm, seed));
  }

  /** A seed read from PKCS#8, with its algorithm. */
  public record Seed(Algorithm algorithm, byte[] seed) {
    public Seed {
      seed = seed.clone();
    }

    @Override
    public byte[] seed() {
      return seed.clone();
    }
  }

  /**
   * Reads a PKCS#8 {@code PrivateKeyInfo} in the seed form.
   *
   * @throws InvalidKeyException when it is not DER, not ML-KEM or ML-DSA, or not the seed choice
   */
  public static Seed fromPkcs8(byte[] der) {
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new InvalidKeyException("not a DER PKCS#8 PrivateKeyInfo");
    }
    if (info == null) {
      throw new InvalidKeyException("not a DER PKCS#8 PrivateKeyInfo");
    }
    Algorithm algorithm = PublicKeyEncoding.algorithm(info.getPrivateKeyAlgorithm());
    if (algorithm == null || !hasSeed(algorithm)) {
      throw new InvalidKeyException("only ML-KEM and ML-DSA private keys have a seed form");
    }
    try {
      ASN1Encodable key = info.parsePrivateKey();
      if (!(key instanceof ASN1TaggedObject tagged) || tagged.getTagNo() != 0) {
        throw new InvalidKeyException("the private key is not in the seed form");
      }
      byte[] seed = ASN1OctetString.getInstance(tagged, false).getOctets();
      requireSeed(algorithm, seed);
      return new Seed(algorithm, seed);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      if (e instanceof InvalidKeyException invalid) {
        throw invalid;
      }
      throw new InvalidKeyException("the private key is not in the seed form");
    }
  }

  private static void require(Algorithm algorithm) {
    if (!hasSeed(algorithm)) {
      throw new InvalidKeyException(algorithm.fipsName() + " keys have no seed form");
    }
  }

  private static void requireSeed(Algorithm algorithm, byte[] seed) {
    require(algorithm);
    InvalidKeyException.requireLength(algorithm, "seed", seed, seedLength(algorithm));
  }

  private static MLKEMParameters kem(Algorithm algorithm) {
    return switch (algorithm) {
      case ML_KEM_512 -> MLKEMParameters.ml_kem_512;
      case ML_KEM_768 -> MLKEMParameters.ml_kem_768;
      default -> MLKEMParameters.ml_kem_1024;
    };
  }

  private static MLDSAParameters dsa(Algorithm algorithm) {
    return switch (algorithm) {
      case ML_DSA_44 -> MLDSAParameters.ml_dsa_44;
      case ML_DSA_65 -> MLDSAParameters.ml_dsa_65;
      default -> MLDSAParameters.ml_dsa_87;
    };
  }
}
