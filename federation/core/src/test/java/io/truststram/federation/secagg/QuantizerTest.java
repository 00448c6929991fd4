package io.truststram.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantizerTest {

  @Test
  void stochasticRoundingIsUnbiasedAndStaysWithinOneStep() {
    Quantizer quantizer = new Quantizer(1.0, 257);
    float value = 0.3001f;
    SplittableRandom random = new SplittableRandom(5);
    double sum = 0;
    int trials = 200_000;
    for (int t = 0; t < trials; t++) {
      long q = quantizer.quantize(new float[] {value}, random).values()[0];
      assertThat(Math.abs(q * quantizer.step() - value)).isLessThan(quantizer.step());
      sum += q * quantizer.step();
    }
    // The mean of the rounded values converges to the value; a biased rounding misses by ~step/2.
    assertThat(sum / trials).isCloseTo(value, within(quantizer.step() / 50));
  }

  @Test
  void clippingIsCountedAndBadInputIsRefused() {
    Quantizer quantizer = new Quantizer(0.5, 255);
    Quantizer.Quantized q =
        quantizer.quantize(new float[] {0.1f, 3f, -7f, 0.5f}, new SplittableRandom(1));
    assertThat(q.clipped()).isEqualTo(2);
    assertThat(q.values()[1]).isEqualTo(127);
    assertThat(q.values()[2]).isEqualTo(-127);
    assertThat(quantizer.half()).isEqualTo(127);
    assertThatThrownBy(() -> quantizer.quantize(new float[] {Float.NaN}, new SplittableRandom(1)))
        .hasMessageContaining("not finite");
    assertThatThrownBy(() -> new Quantizer(0, 17)).hasMessageContaining("range must be positive");
    assertThatThrownBy(() -> new Quantizer(1, 16)).hasMessageContaining("levels must be odd");
  }
}
