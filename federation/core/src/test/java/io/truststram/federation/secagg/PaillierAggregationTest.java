package io.truststram.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.crypto.homomorphic.Paillier;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaillierAggregationTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void theDecryptedSumIsTheWeightedSumOfTheQuantisedInputs() {
    Paillier.KeyPair keys = Paillier.generate(1024, RANDOM);
    int length = 200;
    PaillierAggregation aggregation =
        new PaillierAggregation(keys.publicKey(), new Quantizer(1.0, 257), 100, 10, length);
    assertThat(aggregation.slotBits())
        .isEqualTo(19); // 256 · 100 · 10 < 2^18, and a bit of headroom
    assertThat(aggregation.slotsPerCiphertext()).isEqualTo(53);
    assertThat(aggregation.ciphertexts()).isEqualTo(4);
    BigInteger[] sum = null;
    double[] expected = new double[length];
    long weight = 0;
    int clients = 7;
    for (int k = 0; k < clients; k++) {
      float[] change = new float[length];
      long w = 10 + 11L * k;
      for (int j = 0; j < length; j++) {
        // On the grid: quantisation is exact, so the mean is too.
        change[j] = (float) ((Math.floorMod(k * 31 + j * 7, 257) - 128) / 128.0);
        expected[j] += w * change[j];
      }
      weight += w;
      sum = aggregation.add(sum, aggregation.encrypt(change, w, RANDOM).ciphertexts());
    }
    BigInteger[] plain = new BigInteger[sum.length];
    for (int c = 0; c < sum.length; c++) {
      plain[c] = keys.privateKey().decrypt(sum[c]);
    }
    PaillierAggregation.Mean mean = aggregation.decode(plain, clients);
    assertThat(mean.weight()).isEqualTo(weight);
    for (int j = 0; j < length; j++) {
      assertThat((double) mean.mean()[j]).isCloseTo(expected[j] / weight, within(1e-6));
    }
    // A wrong decryption does not pass for a sum.
    BigInteger[] wrong = plain.clone();
    wrong[0] = new BigInteger(1000, RANDOM);
    assertThatThrownBy(() -> aggregation.decode(wrong, clients))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> aggregation.add(null, new BigInteger[] {BigInteger.ONE}))
        .hasMessageContaining("4 ciphertexts, not 1");
  }

  @Test
  void aCommitteeDecryptsTheSumWithoutAnyoneHoldingTheKey() {
    Paillier.ThresholdKey key = Paillier.generateThreshold(768, 4, 3, RANDOM);
    PaillierAggregation aggregation =
        new PaillierAggregation(key.publicKey(), new Quantizer(1.0, 1025), 50, 5, 30);
    BigInteger[] sum = null;
    for (int k = 0; k < 5; k++) {
      float[] change = new float[30];
      java.util.Arrays.fill(change, 0.25f);
      sum = aggregation.add(sum, aggregation.encrypt(change, 20, RANDOM).ciphertexts());
    }
    List<BigInteger> ciphertexts = List.of(sum);
    List<Paillier.PartialDecryption> partials = new ArrayList<>();
    for (Paillier.KeyShare share : key.shares().subList(1, 4)) {
      partials.add(Paillier.partialDecrypt(key.publicPart(), share, ciphertexts, RANDOM));
    }
    BigInteger[] plain = Paillier.combine(key.publicPart(), partials).toArray(BigInteger[]::new);
    PaillierAggregation.Mean mean = aggregation.decode(plain, 5);
    assertThat(mean.weight()).isEqualTo(100);
    for (float v : mean.mean()) {
      assertThat(v).isCloseTo(0.25f, within(1e-6f));
    }
  }
}
