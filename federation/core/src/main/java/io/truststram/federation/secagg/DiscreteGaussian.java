package io.truststram.federation.secagg;

import java.security.SecureRandom;

/**
 * Samples the discrete Gaussian N_Z(0, σ²): P(x) ∝ exp(−x²/2σ²) over the integers, by the rejection
 * sampler of Canonne, Kamath and Steinke ("The Discrete Gaussian for Differential Privacy", 2020,
 * algorithm 3) from discrete Laplace proposals. The Bernoulli trials of exp(−γ) use
 * double-precision arithmetic rather than the paper's exact rational arithmetic; the distribution
 * is exact to that precision. Randomness is a {@link SecureRandom}: noise that protects privacy
 * must not be predictable.
 */
public final class DiscreteGaussian {

  private final SecureRandom random;

  public DiscreteGaussian(SecureRandom random) {
    this.random = random;
  }

  /**
   * One sample with variance parameter {@code sigma2}.
   *
   * @throws IllegalArgumentException for a variance that is not positive and finite
   */
  public long sample(double sigma2) {
    if (!(sigma2 > 0) || Double.isInfinite(sigma2)) {
      throw new IllegalArgumentException("σ² must be positive, not " + sigma2);
    }
    long t = (long) Math.floor(Math.sqrt(sigma2)) + 1;
    while (true) {
      long y = discreteLaplace(t);
      double gap = Math.abs(y) - sigma2 / t;
      if (bernoulliExp(gap * gap / (2 * sigma2))) {
        return y;
      }
    }
  }

  /** Adds independent samples of variance {@code sigma2} to {@code values}. */
  public void addTo(long[] values, double sigma2) {
    for (int i = 0; i < values.length; i++) {
      values[i] += sample(sigma2);
    }
  }

  /** The discrete Laplace distribution with scale t: P(x) ∝ exp(−|x|/t). */
  private long discreteLaplace(long t) {
    while (true) {
      long u = random.nextLong(t);
      if (!bernoulliExp(u / (double) t)) {
        continue;
      }
      long v = 0;
      while (bernoulliExp(1)) {
        v++;
      }
      long x = u + t * v;
      boolean negative = random.nextBoolean();
      if (negative && x == 0) {
        continue;
      }
      return negative ? -x : x;
    }
  }

  private boolean bernoulliExp(double gamma) {
    return random.nextDouble() < Math.exp(-gamma);
  }
}
