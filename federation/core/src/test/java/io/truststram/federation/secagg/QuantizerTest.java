package io.truststram.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.crypto.sharing.MaskGenerator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizerTest {

  /**
   * Clients quantise, mask with pairwise masks that cancel, and the ring sum of the masked vectors
   * dequantises to the plaintext sum within the stated worst-case error.
   */
  @Test
  void maskedQuantisedVectorsSumToThePlainSumWithinTheStatedError() {
    Quantizer quantizer = new Quantizer(1.0, 1 << 16);
    int clients = 5;
    int d = 1000;
    Random random = new Random(3);
    float[][] inputs = new float[clients][d];
    double[] plain = new double[d];
    for (int k = 0; k < clients; k++) {
      for (int j = 0; j < d; j++) {
        inputs[k][j] = (float) (random.nextGaussian() * 0.3);
        plain[j] += Math.max(-1, Math.min(1, inputs[k][j]));
      }
    }
    // Client k adds the mask shared with every higher client and subtracts the lower ones'.
    int[][] masked = new int[clients][];
    for (int k = 0; k < clients; k++) {
      masked[k] = quantizer.quantize(inputs[k]).values();
      for (int other = 0; other < clients; other++) {
        if (other == k) {
          continue;
        }
        byte[] seed = new byte[32];
        seed[0] = (byte) Math.min(k, other);
        seed[1] = (byte) Math.max(k, other);
        int[] mask = MaskGenerator.expand(seed, "pair", d);
        if (k < other) {
          MaskGenerator.add(masked[k], mask);
        } else {
          MaskGenerator.subtract(masked[k], mask);
        }
      }
    }
    int[] sum = new int[d];
    for (int[] vector : masked) {
      MaskGenerator.add(sum, vector);
    }
    double[] recovered = quantizer.dequantizeSum(sum, clients);
    double bound = quantizer.worstCaseError(clients);
    for (int j = 0; j < d; j++) {
      assertThat(recovered[j]).isCloseTo(plain[j], within(bound + 1e-9));
    }
  }

  @Test
  void clippingIsCountedAndOverflowIsRefused() {
    Quantizer quantizer = new Quantizer(0.5, 256);
    Quantizer.Quantized q = quantizer.quantize(new float[] {0.1f, 3f, -7f, 0.5f});
    assertThat(q.clipped()).isEqualTo(2);
    assertThat(q.values()[1]).isEqualTo(255);
    assertThat(q.values()[2]).isZero();
    assertThat(quantizer.maxClients()).isEqualTo(((1L << 32) - 1) / 255);
    assertThatThrownBy(() -> quantizer.dequantizeSum(new int[1], (int) quantizer.maxClients() + 1))
        .hasMessageContaining("could overflow the ring");
    assertThatThrownBy(() -> quantizer.quantize(new float[] {Float.NaN}))
        .hasMessageContaining("not finite");
    assertThatThrownBy(() -> new Quantizer(0, 16)).hasMessageContaining("range must be positive");
    assertThatThrownBy(() -> new Quantizer(1, 1)).hasMessageContaining("levels must be 2 to 2^31");
  }
}
