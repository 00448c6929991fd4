package io.truststram.crypto.homomorphic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
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
    Paillier.PublicKey pub = key.publicKey();
    BigInteger a = new BigInteger(400, RANDOM);
    BigInteger b = new BigInteger(400, RANDOM);
    BigInteger c = pub.add(pub.encrypt(a, RANDOM), pub.encrypt(b, RANDOM));
    List<Paillier.KeyShare> shares = key.shares();
    for (int[] committee : new int[][] {{0, 1, 2}, {4, 2, 0}, {1, 3, 4}}) {
      List<Paillier.Partial> partials =
          java.util.Arrays.stream(committee)
              .mapToObj(
                  i ->
                      new Paillier.Partial(
                          shares.get(i).index(), Paillier.partialDecrypt(key, shares.get(i), c)))
              .toList();
      assertThat(Paillier.combine(key, partials)).isEqualTo(a.add(b).mod(pub.n()));
    }
    List<Paillier.Partial> two =
        List.of(
            new Paillier.Partial(1, Paillier.partialDecrypt(key, shares.get(0), c)),
            new Paillier.Partial(2, Paillier.partialDecrypt(key, shares.get(1), c)));
    assertThatThrownBy(() -> Paillier.combine(key, two)).hasMessageContaining("needs 3");
    // A lying member does not make a wrong plaintext: the combination is refused.
    List<Paillier.Partial> lying =
        List.of(
            new Paillier.Partial(1, Paillier.partialDecrypt(key, shares.get(0), c)),
            new Paillier.Partial(2, Paillier.partialDecrypt(key, shares.get(1), c)),
            new Paillier.Partial(3, BigInteger.valueOf(12345)));
    assertThatThrownBy(() -> Paillier.combine(key, lying)).hasMessageContaining("one is wrong");
  }
}
