package io.truststram.federation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RdpAccountantTest {

  private static final double MNIST_Q = 256.0 / 60_000;

  private static long steps(int epochs) {
    return (long) Math.ceil(epochs * 60_000.0 / 256);
  }

  /**
   * TensorFlow Privacy's tutorial README (MNIST, N = 60,000, batch 256, δ = 1e-5, classic
   * conversion): the ε it publishes for three noise multipliers and epoch counts.
   */
  @ParameterizedTest
  @CsvSource({"1.1, 60, 3.01", "1.3, 15, 1.19", "0.7, 45, 7.10"})
  void matchesTheValuesTensorFlowPrivacyPublishes(double sigma, int epochs, double published) {
    PrivacySpent spent =
        RdpAccountant.epsilon(MNIST_Q, sigma, steps(epochs), 1e-5, Conversion.CLASSIC);
    assertThat(spent.epsilon()).isCloseTo(published, within(0.005));
    assertThat(spent.accountant()).isEqualTo("rdp");
    assertThat(spent.conversion()).isEqualTo(Conversion.CLASSIC);
  }

  @Test
  void integerAndFractionalOrdersAgreeWhereTheyMeet() {
    // The fractional series at an order a hair from an integer gives the integer's finite sum.
    for (int alpha : new int[] {2, 3, 8, 32}) {
      double integer = RdpAccountant.rdp(0.01, 1.2, alpha);
      double near = RdpAccountant.rdp(0.01, 1.2, alpha + 1e-9);
      assertThat(near).as("order %d", alpha).isCloseTo(integer, within(1e-6 * integer + 1e-12));
    }
  }

  @Test
  void withoutSamplingItIsTheGaussianMechanism() {
    assertThat(RdpAccountant.rdp(1, 2, 5)).isEqualTo(5 / 8.0);
    assertThat(RdpAccountant.rdp(1, 2, 5.5)).isEqualTo(5.5 / 8.0);
  }

  @Test
  void theTighterConversionGivesLessEpsilon() {
    double classic =
        RdpAccountant.epsilon(MNIST_Q, 1.1, steps(60), 1e-5, Conversion.CLASSIC).epsilon();
    double balle =
        RdpAccountant.epsilon(MNIST_Q, 1.1, steps(60), 1e-5, Conversion.BALLE2020).epsilon();
    assertThat(balle).isLessThan(classic).isGreaterThan(0.8 * classic);
  }

  @Property(tries = 40)
  void epsilonGrowsWithStepsAndFallsWithNoise(
      @ForAll @DoubleRange(min = 0.5, max = 5) double sigma,
      @ForAll @DoubleRange(min = 0.001, max = 0.2) @Scale(4) double q,
      @ForAll @IntRange(min = 1, max = 5_000) int steps) {
    double base = RdpAccountant.epsilon(q, sigma, steps, 1e-5, Conversion.CLASSIC).epsilon();
    assertThat(RdpAccountant.epsilon(q, sigma, steps * 2L, 1e-5, Conversion.CLASSIC).epsilon())
        .isGreaterThanOrEqualTo(base);
    assertThat(RdpAccountant.epsilon(q, sigma * 1.5, steps, 1e-5, Conversion.CLASSIC).epsilon())
        .isLessThanOrEqualTo(base);
    assertThat(base).isFinite().isPositive();
  }

  @Property(tries = 15)
  void calibrationInvertsTheAccountant(
      @ForAll @DoubleRange(min = 0.5, max = 8) double target,
      @ForAll @DoubleRange(min = 0.001, max = 0.05) @Scale(4) double q,
      @ForAll @IntRange(min = 10, max = 3_000) int steps) {
    double sigma = NoiseCalibration.noiseMultiplier(target, 1e-5, q, steps, Conversion.CLASSIC);
    assertThat(RdpAccountant.epsilon(q, sigma, steps, 1e-5, Conversion.CLASSIC).epsilon())
        .isLessThanOrEqualTo(target);
    // And it is the smallest: a little less noise overshoots.
    assertThat(RdpAccountant.epsilon(q, sigma * 0.999, steps, 1e-5, Conversion.CLASSIC).epsilon())
        .isGreaterThan(target);
  }

  @Test
  void badInputIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> RdpAccountant.epsilon(0, 1, 10, 1e-5, Conversion.CLASSIC))
        .hasMessageContaining("sampling rate must be in (0, 1]");
    assertThatThrownBy(() -> RdpAccountant.epsilon(1.5, 1, 10, 1e-5, Conversion.CLASSIC))
        .hasMessageContaining("sampling rate");
    assertThatThrownBy(() -> RdpAccountant.epsilon(0.1, -1, 10, 1e-5, Conversion.CLASSIC))
        .hasMessageContaining("noise multiplier must be positive");
    assertThatThrownBy(() -> RdpAccountant.epsilon(0.1, 1, -1, 1e-5, Conversion.CLASSIC))
        .hasMessageContaining("steps must not be negative");
    assertThatThrownBy(() -> RdpAccountant.epsilon(0.1, 1, 10, 1, Conversion.CLASSIC))
        .hasMessageContaining("delta must be in (0, 1)");
    assertThatThrownBy(() -> NoiseCalibration.noiseMultiplier(0, 1e-5, 0.1, 10, Conversion.CLASSIC))
        .hasMessageContaining("target epsilon must be positive");
    assertThatThrownBy(() -> Conversion.parse("tight"))
        .hasMessageContaining("known: classic, balle2020");
  }

  /**
   * The analytic Gaussian mechanism meets δ exactly, and needs less noise than the classic bound.
   */
  @ParameterizedTest
  @CsvSource({"0.1, 1e-5", "0.5, 1e-6", "0.9, 1e-3", "2, 1e-5", "8, 1e-9"})
  void theAnalyticGaussianMechanismMeetsDeltaExactly(double epsilon, double delta) {
    double sigma = NoiseCalibration.analyticGaussian(epsilon, delta);
    assertThat(NoiseCalibration.gaussianDelta(epsilon, sigma))
        .isCloseTo(delta, within(delta * 1e-5));
    assertThat(NoiseCalibration.gaussianDelta(epsilon, sigma * 0.99)).isGreaterThan(delta);
    if (epsilon < 1) {
      double classic = Math.sqrt(2 * Math.log(1.25 / delta)) / epsilon;
      assertThat(sigma).isLessThan(classic);
    }
    assertThatThrownBy(() -> NoiseCalibration.analyticGaussian(0, delta))
        .hasMessageContaining("epsilon must be positive");
    assertThatThrownBy(() -> NoiseCalibration.analyticGaussian(epsilon, 1))
        .hasMessageContaining("delta must be in (0, 1)");
  }
}
