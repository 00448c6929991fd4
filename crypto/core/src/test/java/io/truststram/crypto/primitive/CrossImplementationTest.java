package io.truststram.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JDK's and Bouncy Castle's ML-KEM and ML-DSA checked against each other: keys, ciphertexts and
 * signatures made by one are taken by the other, and fed the same random bytes both derive the same
 * keys and ciphertexts. Two independent implementations agreeing byte for byte is our known-answer
 * test.
 */
class CrossImplementationTest {

  private final SecureRandom random = new SecureRandom();

  @ParameterizedTest
  @EnumSource(names = {"ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"})
  void mlKemEncapsulatedByOneIsDecapsulatedByTheOther(Algorithm algorithm) {
    Kem jdk = implementation(Primitives.kems(algorithm), Implementation.JDK);
    Kem bc = implementation(Primitives.kems(algorithm), Implementation.BOUNCY_CASTLE);
    for (Kem maker : List.of(jdk, bc)) {
      Kem other = maker == jdk ? bc : jdk;
      KeyPair keys = maker.generateKeyPair(random);
      Encapsulation byOther = other.encapsulate(keys.publicKey(), random);
      assertThat(maker.decapsulate(keys.secretKey(), byOther.ciphertext()))
          .isEqualTo(byOther.sharedSecret());
      Encapsulation byMaker = maker.encapsulate(keys.publicKey(), random);
      assertThat(other.decapsulate(keys.secretKey(), byMaker.ciphertext()))
          .isEqualTo(byMaker.sharedSecret());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"})
  void mlKemFromTheSameRandomBytesIsTheSameInBoth(Algorithm algorithm) {
    Kem jdk = implementation(Primitives.kems(algorithm), Implementation.JDK);
    Kem bc = implementation(Primitives.kems(algorithm), Implementation.BOUNCY_CASTLE);
    KeyPair a = jdk.generateKeyPair(new FixedRandom(1));
    KeyPair b = bc.generateKeyPair(new FixedRandom(1));
    assertThat(a.publicKey()).isEqualTo(b.publicKey());
    assertThat(a.secretKey()).isEqualTo(b.secretKey());
    Encapsulation x = jdk.encapsulate(a.publicKey(), new FixedRandom(2));
    Encapsulation y = bc.encapsulate(a.publicKey(), new FixedRandom(2));
    assertThat(x.ciphertext()).isEqualTo(y.ciphertext());
    assertThat(x.sharedSecret()).isEqualTo(y.sharedSecret());
  }

  @ParameterizedTest
  @EnumSource(names = {"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"})
  void mlDsaSignedByOneIsVerifiedByTheOther(Algorithm algorithm) {
    SignatureScheme jdk = implementation(Primitives.signers(algorithm), Implementation.JDK);
    SignatureScheme bc =
        implementation(Primitives.signers(algorithm), Implementation.BOUNCY_CASTLE);
    byte[] message = "federation round 7 checkpoint".getBytes();
    for (SignatureScheme maker : List.of(jdk, bc)) {
      SignatureScheme other = maker == jdk ? bc : jdk;
      KeyPair keys = maker.generateKeyPair(random);
      byte[] signature = other.sign(keys.secretKey(), message, SignOptions.NONE, random);
      assertThat(maker.verify(keys.publicKey(), message, signature, SignOptions.NONE)).isTrue();
      byte[] own = maker.sign(keys.secretKey(), message, SignOptions.NONE, random);
      assertThat(other.verify(keys.publicKey(), message, own, SignOptions.NONE)).isTrue();
      own[5] ^= 1;
      assertThat(other.verify(keys.publicKey(), message, own, SignOptions.NONE)).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"})
  void mlDsaFromTheSameRandomBytesIsTheSameInBoth(Algorithm algorithm) {
    SignatureScheme jdk = implementation(Primitives.signers(algorithm), Implementation.JDK);
    SignatureScheme bc =
        implementation(Primitives.signers(algorithm), Implementation.BOUNCY_CASTLE);
    KeyPair a = jdk.generateKeyPair(new FixedRandom(3));
    KeyPair b = bc.generateKeyPair(new FixedRandom(3));
    assertThat(a.publicKey()).isEqualTo(b.publicKey());
    assertThat(a.secretKey()).isEqualTo(b.secretKey());
    byte[] message = new byte[1000];
    byte[] x = jdk.sign(a.secretKey(), message, SignOptions.NONE, new FixedRandom(4));
    byte[] y = bc.sign(a.secretKey(), message, SignOptions.NONE, new FixedRandom(4));
    assertThat(x).isEqualTo(y);
  }

  private static <T> T implementation(List<T> all, Implementation which) {
    for (T candidate : all) {
      Implementation is =
          candidate instanceof Kem kem
              ? kem.implementation()
              : ((SignatureScheme) candidate).implementation();
      if (is == which) {
        return candidate;
      }
    }
    throw new AssertionError("no " + which + " implementation");
  }
}
