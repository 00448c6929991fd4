package io.truststram.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.pqc.jcajce.provider.BouncyCastlePQCProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SubjectPublicKeyInfo and PEM, checked byte for byte against the encodings of the JDK and of
 * Bouncy Castle's providers: their key read by us, and written back, is their exact DER.
 */
class PublicKeyEncodingTest {

  @BeforeAll
  static void providers() {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
    if (Security.getProvider(BouncyCastlePQCProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastlePQCProvider());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "ML-KEM-512, SunJCE, ML-KEM-512",
    "ML-KEM-768, SunJCE, ML-KEM-768",
    "ML-KEM-1024, SunJCE, ML-KEM-1024",
    "ML-DSA-44, SUN, ML-DSA-44",
    "ML-DSA-65, SUN, ML-DSA-65",
    "ML-DSA-87, SUN, ML-DSA-87",
    "Ed25519, SunEC, Ed25519",
    "SLH-DSA-SHA2-128S, BC, SLH-DSA-SHA2-128s",
    "SLH-DSA-SHA2-128F, BC, SLH-DSA-SHA2-128f",
    "SLH-DSA-SHAKE-256F, BC, SLH-DSA-SHAKE-256f",
    "MLDSA65-Ed25519-SHA512, BC, ML-DSA-65+Ed25519",
    "MLDSA87-ECDSA-P384-SHA512, BC, ML-DSA-87+ECDSA-P384",
    "X-Wing, BC, X-Wing",
    "Falcon-512, BCPQC, Falcon-512",
    "Falcon-1024, BCPQC, Falcon-1024"
  })
  void theirKeysReadAndWriteBackToTheirExactDer(String theirName, String provider, String ours)
      throws Exception {
    byte[] theirs =
        KeyPairGenerator.getInstance(theirName, provider)
            .generateKeyPair()
            .getPublic()
            .getEncoded();
    PublicKeyEncoding.Decoded decoded = PublicKeyEncoding.fromSpki(theirs);
    assertThat(decoded.algorithm()).isEqualTo(Algorithm.of(ours));
    assertThat(decoded.publicKey()).hasSize(decoded.algorithm().publicKeyLength());
    assertThat(PublicKeyEncoding.toSpki(decoded.algorithm(), decoded.publicKey()))
        .isEqualTo(theirs);
  }

  @ParameterizedTest
  @CsvSource({"secp256r1, ECDSA-P256", "secp384r1, ECDSA-P384"})
  void ecdsaKeysAreNamedCurvePoints(String curve, String ours) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
    generator.initialize(new ECGenParameterSpec(curve));
    byte[] theirs = generator.generateKeyPair().getPublic().getEncoded();
    PublicKeyEncoding.Decoded decoded = PublicKeyEncoding.fromSpki(theirs);
    assertThat(decoded.algorithm()).isEqualTo(Algorithm.of(ours));
    assertThat(decoded.publicKey()[0]).isEqualTo((byte) 0x04);
    assertThat(PublicKeyEncoding.toSpki(decoded.algorithm(), decoded.publicKey()))
        .isEqualTo(theirs);
  }

  @Test
  void pemRoundTripsForEveryAlgorithmAndOurKeysVerifyThroughIt() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    for (Algorithm algorithm : Algorithm.values()) {
      KeyPair pair =
          algorithm.kind() == Algorithm.Kind.KEM
              ? Primitives.kem(algorithm).generateKeyPair(random)
              : Primitives.signer(algorithm, SignOptions.NONE).generateKeyPair(random);
      String pem = PublicKeyEncoding.toPem(algorithm, pair.publicKey());
      assertThat(pem)
          .startsWith("-----BEGIN PUBLIC KEY-----\n")
          .endsWith("-----END PUBLIC KEY-----\n");
      assertThat(pem.lines().filter(l -> !l.startsWith("-----")).allMatch(l -> l.length() <= 64))
          .isTrue();
      assertThat(PublicKeyEncoding.isPem(pem)).isTrue();
      PublicKeyEncoding.Decoded decoded = PublicKeyEncoding.fromPem(pem);
      assertThat(decoded.algorithm()).isEqualTo(algorithm);
      assertThat(decoded.publicKey()).isEqualTo(pair.publicKey());
    }
  }

  @Test
  void malformedOrForeignKeysAreRefusedWithAClearError() throws Exception {
    byte[] rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded();
    assertThatThrownBy(() -> PublicKeyEncoding.fromSpki(rsa))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("is not supported");
    byte[] mlDsa =
        KeyPairGenerator.getInstance("ML-DSA-65", "SUN").generateKeyPair().getPublic().getEncoded();
    assertThatThrownBy(() -> PublicKeyEncoding.fromSpki(Arrays.copyOf(mlDsa, mlDsa.length - 1)))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> PublicKeyEncoding.fromSpki(new byte[] {1, 2, 3}))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(
            () ->
                PublicKeyEncoding.fromPem(
                    "-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----"))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> PublicKeyEncoding.toSpki(Algorithm.ML_DSA_65, new byte[10]))
        .isInstanceOf(InvalidKeyException.class);
  }
}
