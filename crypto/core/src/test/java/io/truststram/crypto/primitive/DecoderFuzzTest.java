package io.truststram.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Random bytes where keys, ciphertexts and signatures belong: answers are false, a secret that is
 * not the real one, or an {@link IllegalArgumentException} subtype; never another exception.
 */
class DecoderFuzzTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final KeyPair MLDSA =
      Primitives.signers(Algorithm.ML_DSA_65).getLast().generateKeyPair(RANDOM);
  private static final KeyPair MLKEM = Primitives.kem(Algorithm.ML_KEM_768).generateKeyPair(RANDOM);

  @Property(tries = 100)
  void randomSignaturesDoNotVerify(@ForAll @Size(min = 3309, max = 3309) byte[] signature) {
    for (SignatureScheme scheme : Primitives.signers(Algorithm.ML_DSA_65)) {
      assertThat(scheme.verify(MLDSA.publicKey(), new byte[] {1}, signature, SignOptions.NONE))
          .isFalse();
    }
  }

  @Property(tries = 50)
  void randomPublicKeysAreRefusedOrUsedNeverCrash(
      @ForAll @Size(min = 1184, max = 1184) byte[] publicKey) {
    for (Kem kem : Primitives.kems(Algorithm.ML_KEM_768)) {
      assertThatCode(
              () -> {
                try {
                  kem.encapsulate(publicKey, RANDOM);
                } catch (InvalidKeyException expected) {
                  // FIPS 203's modulus check refuses most random keys.
                }
              })
          .doesNotThrowAnyException();
    }
  }

  @Property(tries = 100)
  void randomCiphertextsDecapsulateToSomethingElse(
      @ForAll @Size(min = 1088, max = 1088) byte[] ciphertext) {
    byte[] a =
        Primitives.kems(Algorithm.ML_KEM_768).get(0).decapsulate(MLKEM.secretKey(), ciphertext);
    byte[] b =
        Primitives.kems(Algorithm.ML_KEM_768).get(1).decapsulate(MLKEM.secretKey(), ciphertext);
    // Implicit rejection is deterministic: both implementations derive the same pseudo-secret.
    assertThat(a).isEqualTo(b).hasSize(32);
  }

  @Property(tries = 100)
  void randomSignaturesOfAnyLengthAreFalseForEveryScheme(
      @ForAll @Size(max = 200) byte[] signature) {
    for (Algorithm algorithm :
        new Algorithm[] {Algorithm.ED25519, Algorithm.ECDSA_P256, Algorithm.FALCON_512}) {
      SignatureScheme scheme = Primitives.signers(algorithm).getFirst();
      KeyPair keys = KEYS.computeIfAbsent(algorithm, a -> scheme.generateKeyPair(RANDOM));
      assertThat(scheme.verify(keys.publicKey(), new byte[] {2}, signature, SignOptions.NONE))
          .isFalse();
    }
  }

  private static final java.util.Map<Algorithm, KeyPair> KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Property(tries = 300)
  void randomBytesAsASubjectPublicKeyInfoAreRefusedCleanly(@ForAll @Size(max = 3000) byte[] der) {
    try {
      PublicKeyEncoding.Decoded decoded = PublicKeyEncoding.fromSpki(der);
      // Only a well-formed key of a known algorithm gets through.
      org.assertj.core.api.Assertions.assertThat(decoded.publicKey())
          .hasSize(decoded.algorithm().publicKeyLength());
    } catch (InvalidKeyException expected) {
      // The one error a caller sees.
    }
  }
}
