package io.truststram.federation.privacy;

/**
 * The smallest noise multiplier σ whose ε, by the RDP accountant, meets a target (ε, δ) for a
 * sampling rate and a number of steps. ε falls as σ grows, so a bisection on σ finds it.
 */
public final class NoiseCalibration {

  private NoiseCalibration() {}

  /**
   * The calibrated noise multiplier, to a relative precision of 1e-6.
   *
   * @throws IllegalArgumentException for a target ε not positive, δ outside (0, 1), q outside (0,
   *     1], steps not positive, or a target no σ up to 10,000 meets
   */
  public static double noiseMultiplier(
      double targetEpsilon, double delta, double q, long steps, Conversion conversion) {
    if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
      throw new IllegalArgumentException(
          "the target epsilon must be positive and finite, not " + targetEpsilon);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, not " + steps);
    }
    RdpAccountant.checkMechanism(q, 1, steps);
    double high = 1;
    while (epsilon(high, delta, q, steps, conversion) > targetEpsilon) {
      high *= 2;
      if (high > 10_000) {
        throw new IllegalArgumentException(
            "no noise multiplier up to 10,000 reaches epsilon " + targetEpsilon);
      }
    }
    double low = high / 2;
    while (epsilon(low, delta, q, steps, conversion) <= targetEpsilon && low > 1e-3) {
      high = low;
      low /= 2;
    }
    while (high - low > 1e-6 * high) {
      double middle = (low + high) / 2;
      if (epsilon(middle, delta, q, steps, conversion) <= targetEpsilon) {
        high = middle;
      } else {
        low = middle;
      }
    }
    return high;
  }

  /**
   * The smallest σ whose ε by the PRV accountant (its guarantee, the upper end) meets the target,
   * to a relative precision of 1e-3. PRV's ε is below RDP's, so the RDP calibration bounds σ from
   * above and the bisection runs below it; each step runs the PRV accountant once.
   */
  public static double noiseMultiplierPrv(
      double targetEpsilon, double delta, double q, long steps) {
    double high = noiseMultiplier(targetEpsilon, delta, q, steps, Conversion.BALLE2020);
    double low = high / 4;
    while (PrvAccountant.epsilon(q, low, steps, delta).epsilon() <= targetEpsilon) {
      high = low;
      low /= 2;
      if (low < 1e-3) {
        return high;
      }
    }
    while (high - low > 1e-3 * high) {
      double middle = (low + high) / 2;
      if (PrvAccountant.epsilon(q, middle, steps, delta).epsilon() <= targetEpsilon) {
        high = middle;
      } else {
        low = middle;
      }
    }
    return high;
  }

  /**
   * The noise multiplier of the analytic Gaussian mechanism (Balle and Wang 2018): the smallest σ
   * such that adding N(0, σ²Δ²) to a value of sensitivity Δ is (ε, δ)-differentially private, to a
   * relative precision of 1e-9. Unlike the classic σ = √(2 ln(1.25/δ))/ε it is exact, and holds for
   * ε ≥ 1 too. Its privacy loss satisfies δ(ε) = Φ(1/(2σ) − εσ) − e^ε·Φ(−1/(2σ) − εσ).
   *
   * @throws IllegalArgumentException for ε not positive or δ outside (0, 1)
   */
  public static double analyticGaussian(double epsilon, double delta) {
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite, not " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), not " + delta);
    }
    double low = 1e-6;
    double high = 1;
    while (gaussianDelta(epsilon, high) > delta) {
      low = high;
      high *= 2;
      if (high > 1e9) {
        throw new IllegalArgumentException("no noise multiplier reaches delta " + delta);
      }
    }
    while (high - low > 1e-9 * high) {
      double middle = (low + high) / 2;
      if (gaussianDelta(epsilon, middle) <= delta) {
        high = middle;
      } else {
        low = middle;
      }
    }
    return high;
  }

  /** δ of the Gaussian mechanism with noise multiplier σ at ε (Balle and Wang 2018, Theorem 8). */
  static double gaussianDelta(double epsilon, double sigma) {
    org.apache.commons.math3.distribution.NormalDistribution normal =
        new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);
    double a = 1 / (2 * sigma);
    double b = epsilon * sigma;
    double tail = normal.cumulativeProbability(-a - b);
    return normal.cumulativeProbability(a - b) - (tail == 0 ? 0 : Math.exp(epsilon) * tail);
  }

  private static double epsilon(
      double sigma, double delta, double q, long steps, Conversion conversion) {
    return RdpAccountant.epsilon(q, sigma, steps, delta, conversion).epsilon();
  }
}
