package io.truststram.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every implementation of every algorithm: lengths, round trips, tampering, bad input. */
class SchemesTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] MESSAGE = "audit checkpoint 42".getBytes();

  static Stream<Kem> kems() {
    List<Kem> all = new ArrayList<>();
    for (Algorithm algorithm : Algorithm.values()) {
      if (algorithm.kind() == Algorithm.Kind.KEM) {
        all.addAll(Primitives.kems(algorithm));
      }
    }
    return all.stream();
  }

  static Stream<SignatureScheme> signers() {
    List<SignatureScheme> all = new ArrayList<>();
    for (Algorithm algorithm : Algorithm.values()) {
      if (algorithm.kind() == Algorithm.Kind.SIGNATURE) {
        all.addAll(Primitives.signers(algorithm));
      }
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("kems")
  void kemsHaveTheirStandardLengthsAndAgreeOnTheSecret(Kem kem) {
    Algorithm algorithm = kem.algorithm();
    KeyPair keys = kem.generateKeyPair(RANDOM);
    assertThat(keys.publicKey()).hasSize(algorithm.publicKeyLength());
    assertThat(keys.secretKey()).hasSize(algorithm.secretKeyLength());
    Encapsulation encapsulation = kem.encapsulate(keys.publicKey(), RANDOM);
    assertThat(encapsulation.ciphertext()).hasSize(algorithm.outputLength());
    assertThat(encapsulation.sharedSecret()).hasSize(32);
    assertThat(kem.decapsulate(keys.secretKey(), encapsulation.ciphertext()))
        .isEqualTo(encapsulation.sharedSecret());

    byte[] tampered = encapsulation.ciphertext().clone();
    tampered[tampered.length / 2] ^= 1;
    assertThat(kem.decapsulate(keys.secretKey(), tampered))
        .isNotEqualTo(encapsulation.sharedSecret());
    KeyPair other = kem.generateKeyPair(RANDOM);
    assertThat(kem.decapsulate(other.secretKey(), encapsulation.ciphertext()))
        .isNotEqualTo(encapsulation.sharedSecret());
  }

  @ParameterizedTest
  @MethodSource("kems")
  void kemsRefuseKeysAndCiphertextsOfTheWrongLength(Kem kem) {
    KeyPair keys = kem.generateKeyPair(RANDOM);
    byte[] ciphertext = kem.encapsulate(keys.publicKey(), RANDOM).ciphertext();
    assertThatThrownBy(() -> kem.encapsulate(new byte[7], RANDOM))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("public key must be " + kem.algorithm().publicKeyLength());
    assertThatThrownBy(() -> kem.decapsulate(new byte[3], ciphertext))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(
            () -> kem.decapsulate(keys.secretKey(), java.util.Arrays.copyOf(ciphertext, 10)))
        .isInstanceOf(InvalidKeyException.class)
        .hasMessageContaining("ciphertext must be");
  }

  @ParameterizedTest
  @MethodSource("signers")
  void signaturesVerifyAndTamperingIsCaught(SignatureScheme scheme) {
    Algorithm algorithm = scheme.algorithm();
    KeyPair keys = scheme.generateKeyPair(RANDOM);
    assertThat(keys.publicKey()).hasSize(algorithm.publicKeyLength());
    assertThat(keys.secretKey()).hasSize(algorithm.secretKeyLength());
    byte[] signature = scheme.sign(keys.secretKey(), MESSAGE, SignOptions.NONE, RANDOM);
    if (algorithm.fixedOutput()) {
      assertThat(signature).hasSize(algorithm.outputLength());
    } else {
      assertThat(signature.length).isBetween(1, algorithm.outputLength());
    }
    assertThat(scheme.verify(keys.publicKey(), MESSAGE, signature, SignOptions.NONE)).isTrue();

    byte[] otherMessage = MESSAGE.clone();
    otherMessage[0] ^= 1;
    assertThat(scheme.verify(keys.publicKey(), otherMessage, signature, SignOptions.NONE))
        .isFalse();
    byte[] tampered = signature.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThat(scheme.verify(keys.publicKey(), MESSAGE, tampered, SignOptions.NONE)).isFalse();
    assertThat(
            scheme.verify(
                keys.publicKey(),
                MESSAGE,
                java.util.Arrays.copyOf(signature, signature.length + 1),
                SignOptions.NONE))
        .isFalse();
    KeyPair other = scheme.generateKeyPair(RANDOM);
    assertThat(scheme.verify(other.publicKey(), MESSAGE, signature, SignOptions.NONE)).isFalse();
    assertThatThrownBy(() -> scheme.verify(new byte[5], MESSAGE, signature, SignOptions.NONE))
        .isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> scheme.sign(new byte[5], MESSAGE, SignOptions.NONE, RANDOM))
        .isInstanceOf(InvalidKeyException.class);
  }

  @ParameterizedTest
  @MethodSource("signers")
  void aContextStringBindsTheSignatureWhereTheSchemeHasOne(SignatureScheme scheme) {
    SignOptions context = SignOptions.context("truststram-audit".getBytes());
    KeyPair keys = scheme.generateKeyPair(RANDOM);
    if (!scheme.supports(context)) {
      assertThatThrownBy(() -> scheme.sign(keys.secretKey(), MESSAGE, context, RANDOM))
          .isInstanceOf(UnsupportedOptionException.class);
      return;
    }
    byte[] signature = scheme.sign(keys.secretKey(), MESSAGE, context, RANDOM);
    assertThat(scheme.verify(keys.publicKey(), MESSAGE, signature, context)).isTrue();
    assertThat(scheme.verify(keys.publicKey(), MESSAGE, signature, SignOptions.NONE)).isFalse();
    assertThat(
            scheme.verify(
                keys.publicKey(), MESSAGE, signature, SignOptions.context("other".getBytes())))
        .isFalse();
  }

  @ParameterizedTest
  @MethodSource("signers")
  void preHashedSignaturesAreTheirOwnKind(SignatureScheme scheme) {
    SignOptions preHash = new SignOptions(new byte[0], true);
    if (!scheme.supports(preHash)) {
      return;
    }
    KeyPair keys = scheme.generateKeyPair(RANDOM);
    byte[] signature = scheme.sign(keys.secretKey(), MESSAGE, preHash, RANDOM);
    assertThat(scheme.verify(keys.publicKey(), MESSAGE, signature, preHash)).isTrue();
    assertThat(scheme.verify(keys.publicKey(), MESSAGE, signature, SignOptions.NONE)).isFalse();
  }

  @Test
  void theRegistryPicksAnImplementationThatHonoursTheOptions() {
    SignOptions context = SignOptions.context(new byte[] {1});
    assertThat(Primitives.signer(Algorithm.ML_DSA_65, context).implementation())
        .isEqualTo(Implementation.BOUNCY_CASTLE);
    assertThatThrownBy(() -> Primitives.signer(Algorithm.ECDSA_P256, context))
        .isInstanceOf(UnsupportedOptionException.class)
        .hasMessage("ECDSA-P256 has no context strings");
    assertThatThrownBy(() -> Primitives.kem(Algorithm.ML_DSA_65))
        .isInstanceOf(WrongAlgorithmKindException.class);
    assertThatThrownBy(() -> Primitives.signers(Algorithm.X_WING))
        .isInstanceOf(WrongAlgorithmKindException.class);
  }

  @Test
  void namesAndHistoricalAliasesResolveAndUnknownOnesAreListed() {
    assertThat(Algorithm.of("Kyber768")).isEqualTo(Algorithm.ML_KEM_768);
    assertThat(Algorithm.of("ml-kem-768")).isEqualTo(Algorithm.ML_KEM_768);
    assertThat(Algorithm.of("Dilithium2")).isEqualTo(Algorithm.ML_DSA_44);
    assertThat(Algorithm.of("Dilithium5")).isEqualTo(Algorithm.ML_DSA_87);
    assertThat(Algorithm.of("SPHINCS+-SHAKE-256f")).isEqualTo(Algorithm.SLH_DSA_SHAKE_256F);
    assertThat(Algorithm.of("x-wing")).isEqualTo(Algorithm.X_WING);
    assertThatThrownBy(() -> Algorithm.of("RSA-2048"))
        .isInstanceOf(UnknownAlgorithmException.class)
        .hasMessageStartingWith("unknown algorithm 'RSA-2048'; known: ML-KEM-512, ML-KEM-768");
  }

  @Test
  void contextStringsAreAtMost255Bytes() {
    assertThatThrownBy(() -> SignOptions.context(new byte[256]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
