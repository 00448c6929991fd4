package io.truststram.crypto.homomorphic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaillierTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void productsOfCiphertextsDecryptToSumsOfPlaintexts() {
    Paillier.KeyPair keys = Paillier.generate(1024, RANDOM);
    Paillier.PublicKey pub = keys.publicKey();
    BigInteger sum = BigInteger.ZERO;
    BigInteger encrypted = null;
    for (int i = 0; i < 20; i++) {
      BigInteger m = new BigInteger(900, RANDOM);
      sum = sum.add(m);
      BigInteger c = pub.encrypt(m, RANDOM);
      encrypted = encrypted == null ? c : pub.add(encrypted, c);
    }
    assertThat(keys.privateKey().decrypt(encrypted)).isEqualTo(sum.mod(pub.n()));
    // Encryption is randomised: the same plaintext twice gives two ciphertexts.
    assertThat(pub.encrypt(BigInteger.TEN, RANDOM))
        .isNotEqualTo(pub.encrypt(BigInteger.TEN, RANDOM));
    assertThatThrownBy(() -> pub.encrypt(pub.n(), RANDOM)).hasMessageContaining("[0, n)");
    assertThatThrownBy(() -> Paillier.generate(128, RANDOM)).hasMessageContaining("256 to 8192");
  }

  @Test
  void anyThresholdOfTheCommitteeDecryptsAndFewerCannot() {
    Paillier.ThresholdKey key = Paillier.generateThreshold(512, 5, 3, RANDOM);
    Paillier.ThresholdPublicKey pub = key.publicPart();
    BigInteger a = new BigInteger(400, RANDOM);
    BigInteger b = new BigInteger(400, RANDOM);
    List<BigInteger> sums =
        List.of(
            pub.publicKey()
                .add(pub.publicKey().encrypt(a, RANDOM), pub.publicKey().encrypt(b, RANDOM)),
            pub.publicKey().encrypt(BigInteger.TWO, RANDOM));
    List<Paillier.KeyShare> shares = key.shares();
    List<Paillier.PartialDecryption> all = new ArrayList<>();
    for (Paillier.KeyShare share : shares) {
      Paillier.PartialDecryption partial = Paillier.partialDecrypt(pub, share, sums, RANDOM);
      Paillier.verify(pub, sums, partial);
      assertThat(partial.verificationKey()).isEqualTo(Paillier.verificationKey(pub, share));
      all.add(partial);
    }
    for (int[] committee : new int[][] {{0, 1, 2}, {4, 2, 0}, {1, 3, 4}}) {
      List<Paillier.PartialDecryption> partials =
          java.util.Arrays.stream(committee).mapToObj(all::get).toList();
      assertThat(Paillier.combine(pub, partials))
          .containsExactly(a.add(b).mod(pub.publicKey().n()), BigInteger.TWO);
    }
    assertThatThrownBy(() -> Paillier.combine(pub, all.subList(0, 2)))
        .hasMessageContaining("needs 3");
  }

  /**
   * A member that multiplies a partial decryption by (1 + n)^δ shifts the plaintext by a multiple
   * of δ while the combination stays 1 modulo n: only the proof catches it, and it names the
   * member. A proof replayed for other ciphertexts, or another member's verification key, fails
   * too.
   */
  @Test
  void aShiftedPartialDecryptionFailsItsProof() {
    Paillier.ThresholdKey key = Paillier.generateThreshold(512, 3, 2, RANDOM);
    Paillier.ThresholdPublicKey pub = key.publicPart();
    BigInteger n = pub.publicKey().n();
    BigInteger n2 = pub.publicKey().nSquared();
    List<BigInteger> sums =
        List.of(
            pub.publicKey().encrypt(BigInteger.valueOf(1000), RANDOM),
            pub.publicKey().encrypt(BigInteger.ONE, RANDOM));
    Paillier.PartialDecryption honest =
        Paillier.partialDecrypt(pub, key.shares().get(0), sums, RANDOM);
    Paillier.PartialDecryption other =
        Paillier.partialDecrypt(pub, key.shares().get(1), sums, RANDOM);
    List<BigInteger> shifted = new ArrayList<>(honest.values());
    shifted.set(
        1,
        shifted.get(1).multiply(BigInteger.ONE.add(n).modPow(BigInteger.valueOf(7), n2)).mod(n2));
    Paillier.PartialDecryption lying =
        new Paillier.PartialDecryption(
            1, honest.verificationKey(), shifted, honest.challenge(), honest.response());
    // Without the proof the lie would pass: the combination is a wrong plaintext, not an error.
    assertThat(Paillier.combine(pub, List.of(lying, other)).get(1)).isNotEqualTo(BigInteger.ONE);
    assertThatThrownBy(() -> Paillier.verify(pub, sums, lying))
        .hasMessageContaining("member 1's partial decryptions do not match its proof");
    List<BigInteger> otherSums = List.of(sums.get(1), sums.get(0));
    assertThatThrownBy(() -> Paillier.verify(pub, otherSums, honest))
        .hasMessageContaining("do not match its proof");
    Paillier.PartialDecryption stolenKey =
        new Paillier.PartialDecryption(
            1, other.verificationKey(), honest.values(), honest.challenge(), honest.response());
    assertThatThrownBy(() -> Paillier.verify(pub, sums, stolenKey))
        .hasMessageContaining("do not match its proof");
    assertThatThrownBy(() -> Paillier.verify(pub, sums.subList(0, 1), honest))
        .hasMessageContaining("2 partial decryptions for 1 ciphertexts");
  }
}
