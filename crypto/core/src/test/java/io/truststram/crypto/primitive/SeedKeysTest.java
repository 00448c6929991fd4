package io.truststram.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.bouncycastle.crypto.params.MLKEMPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeds: the key pair a seed gives is the one the JDK's key generation makes from the same random
 * bytes (FIPS 203 draws d then z, FIPS 204 draws ξ), and the PKCS#8 seed form is byte for byte
 * Bouncy Castle's.
 */
class SeedKeysTest {

  /** Hands out the given bytes as "random", as a key generator draws them. */
  private static final class Replay extends SecureRandom {
    private final byte[] bytes;
    private int at;

    Replay(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      System.arraycopy(bytes, at, out, 0, out.length);
      at += out.length;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"ML-KEM-512", "ML-KEM-768", "ML-KEM-1024", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87"})
  void aSeedGivesTheJdksKeyPairAndBouncyCastlesPkcs8(String name) throws Exception {
    Algorithm algorithm = Algorithm.of(name);
    byte[] seed = new byte[SeedKeys.seedLength(algorithm)];
    new SecureRandom().nextBytes(seed);

    KeyPair fromSeed = SeedKeys.fromSeed(algorithm, seed);
    KeyPair jdk =
        algorithm.kind() == Algorithm.Kind.KEM
            ? Primitives.kems(algorithm).stream()
                .filter(k -> k.implementation() == Implementation.JDK)
                .findFirst()
                .orElseThrow()
                .generateKeyPair(new Replay(seed))
            : Primitives.signers(algorithm).stream()
                .filter(k -> k.implementation() == Implementation.JDK)
                .findFirst()
                .orElseThrow()
                .generateKeyPair(new Replay(seed));
    assertThat(fromSeed.publicKey()).isEqualTo(jdk.publicKey());
    assertThat(fromSeed.secretKey()).isEqualTo(jdk.secretKey());

    byte[] bouncyCastle =
        PrivateKeyInfoFactory.createPrivateKeyInfo(
                algorithm.kind() == Algorithm.Kind.KEM
                    ? new MLKEMPrivateKeyParameters(kem(name), seed)
                        .getParametersWithFormat(MLKEMPrivateKeyParameters.SEED_ONLY)
                    : new MLDSAPrivateKeyParameters(dsa(name), seed)
                        .getParametersWithFormat(MLDSAPrivateKeyParameters.SEED_ONLY))
            .getEncoded("DER");
    byte[] ours = SeedKeys.toPkcs8(algorithm, seed);
    assertThat(ours).isEqualTo(bouncyCastle);
    SeedKeys.Seed read = SeedKeys.fromPkcs8(ours);
    assertThat(read.algorithm()).isEqualTo(algorithm);
    assertThat(read.seed()).isEqualTo(seed);
    assertThat(SeedKeys.toPem(algorithm, seed)).startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  @Test
  void otherKeysAndOtherFormsAreRefused() throws Exception {
    assertThatThrownBy(() -> SeedKeys.fromSeed(Algorithm.ED25519, new byte[32]))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("no seed form");
    assertThatThrownBy(() -> SeedKeys.fromSeed(Algorithm.ML_DSA_65, new byte[31]))
        .isInstanceOf(InvalidKeyException.class);
    byte[] expanded =
        PrivateKeyInfoFactory.createPrivateKeyInfo(
                new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, new byte[32])
                    .getParametersWithFormat(MLDSAPrivateKeyParameters.EXPANDED_KEY))
            .getEncoded("DER");
    assertThatThrownBy(() -> SeedKeys.fromPkcs8(expanded))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("seed form");
    assertThatThrownBy(() -> SeedKeys.fromPkcs8(new byte[] {0x30, 0x03, 1, 2, 3}))
        .isInstanceOf(InvalidKeyException.class);
  }

  private static MLKEMParameters kem(String name) {
    return switch (name) {
      case "ML-KEM-512" -> MLKEMParameters.ml_kem_512;
      case "ML-KEM-768" -> MLKEMParameters.ml_kem_768;
      default -> MLKEMParameters.ml_kem_1024;
    };
  }

  private static MLDSAParameters dsa(String name) {
    return switch (name) {
      case "ML-DSA-44" -> MLDSAParameters.ml_dsa_44;
      case "ML-DSA-65" -> MLDSAParameters.ml_dsa_65;
      default -> MLDSAParameters.ml_dsa_87;
    };
  }

  @org.junit.jupiter.api.Test
  void aKemSeedGivesOneKeyPairThatOpensWhatIsSealedToIt() {
    for (Algorithm kem : new Algorithm[] {Algorithm.ML_KEM_768, Algorithm.X_WING}) {
      byte[] seed = new byte[SeedKeys.kemSeedLength(kem)];
      new java.security.SecureRandom().nextBytes(seed);
      KeyPair first = SeedKeys.kemFromSeed(kem, seed);
      KeyPair second = SeedKeys.kemFromSeed(kem, seed.clone());
      org.assertj.core.api.Assertions.assertThat(second.publicKey()).isEqualTo(first.publicKey());
      Encapsulation sent =
          Primitives.kem(kem).encapsulate(first.publicKey(), new java.security.SecureRandom());
      org.assertj.core.api.Assertions.assertThat(
              Primitives.kem(kem).decapsulate(second.secretKey(), sent.ciphertext()))
          .isEqualTo(sent.sharedSecret());
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SeedKeys.kemFromSeed(Algorithm.ML_DSA_65, new byte[32]))
        .isInstanceOf(InvalidKeyException.class);
  }
}
