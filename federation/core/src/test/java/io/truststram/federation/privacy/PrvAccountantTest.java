package io.truststram.federation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrvAccountantTest {

  /**
   * Without sampling, T Gaussian steps of multiplier σ are one Gaussian mechanism of multiplier
   * σ/√T, whose exact ε (Balle and Wang 2018) the PRV accountant must bracket.
   */
  @ParameterizedTest
  @CsvSource({"1.0, 10, 1e-5", "2.0, 100, 1e-6", "0.8, 4, 1e-3"})
  void withoutSamplingItBracketsTheExactGaussianComposition(double sigma, int steps, double delta) {
    PrvAccountant.Result prv = PrvAccountant.epsilon(1, sigma, steps, delta);
    double exact = exactGaussianEpsilon(sigma / Math.sqrt(steps), delta);
    assertThat(prv.lower()).isLessThanOrEqualTo(exact);
    assertThat(prv.epsilon()).isGreaterThanOrEqualTo(exact);
    assertThat(prv.epsilon() - prv.lower()).isLessThanOrEqualTo(0.021);
  }

  /** Sampled: tighter than RDP with either conversion, and the same order of magnitude. */
  @ParameterizedTest
  @CsvSource({"0.01, 1.0, 1000", "0.1, 2.0, 200", "0.004266666667, 1.1, 2000"})
  void withSamplingItIsTighterThanRdp(double q, double sigma, int steps) {
    double delta = 1e-5;
    PrvAccountant.Result prv = PrvAccountant.epsilon(q, sigma, steps, delta);
    double rdp = RdpAccountant.epsilon(q, sigma, steps, delta, Conversion.BALLE2020).epsilon();
    assertThat(prv.epsilon()).isLessThan(rdp);
    assertThat(prv.epsilon()).isGreaterThan(rdp / 2);
    assertThat(prv.lower()).isLessThanOrEqualTo(prv.estimate());
  }

  @Test
  void epsilonGrowsWithStepsAndFallsWithNoise() {
    double few = PrvAccountant.epsilon(0.05, 1.0, 100, 1e-5).estimate();
    double many = PrvAccountant.epsilon(0.05, 1.0, 400, 1e-5).estimate();
    double noisier = PrvAccountant.epsilon(0.05, 1.5, 400, 1e-5).estimate();
    assertThat(many).isGreaterThan(few);
    assertThat(noisier).isLessThan(many);
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> PrvAccountant.epsilon(0, 1, 10, 1e-5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrvAccountant.epsilon(0.1, 0, 10, 1e-5))
        .hasMessageContaining("noise multiplier must be positive");
    assertThatThrownBy(() -> PrvAccountant.epsilon(0.1, 1, 10, 1))
        .hasMessageContaining("delta must be in (0, 1)");
  }

  /** The smallest ε with δ(ε) ≤ δ for the Gaussian mechanism of multiplier s (sensitivity 1). */
  private static double exactGaussianEpsilon(double s, double delta) {
    NormalDistribution normal = new NormalDistribution(null, 0, 1);
    double low = 0;
    double high = 100;
    for (int i = 0; i < 200; i++) {
      double e = (low + high) / 2;
      double d =
          normal.cumulativeProbability(1 / (2 * s) - e * s)
              - Math.exp(e) * normal.cumulativeProbability(-1 / (2 * s) - e * s);
      if (d <= delta) {
        high = e;
      } else {
        low = e;
      }
    }
    return high;
  }
}
