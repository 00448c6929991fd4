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

  private static double epsilon(
      double sigma, double delta, double q, long steps, Conversion conversion) {
    return RdpAccountant.epsilon(q, sigma, steps, delta, conversion).epsilon();
  }
}
