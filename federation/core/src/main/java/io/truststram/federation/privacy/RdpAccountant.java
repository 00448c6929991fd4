package io.truststram.federation.privacy;

import java.util.Arrays;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * Rényi differential privacy of the sampled Gaussian mechanism: each step samples every record (or
 * client) with probability q and adds Gaussian noise of standard deviation σ times the clipping
 * norm to the sum. Computed as in Mironov, Talwar and Zhang, "Rényi Differential Privacy of the
 * Sampled Gaussian Mechanism" (2019), §3.3: a finite sum for integer orders, and for fractional
 * orders the two series over the halves of the real line, summed in log space until their terms
 * fall below e^-30. Steps compose by adding RDP; the result is converted to (ε, δ) at the best
 * order.
 */
public final class RdpAccountant {

  /** The name results carry. */
  public static final String NAME = "rdp";

  /** 1.1 to 10.9 in steps of 0.1, then 12 to 63: the orders Opacus and TensorFlow Privacy use. */
  public static final double[] DEFAULT_ORDERS = defaultOrders();

  private RdpAccountant() {}

  private static double[] defaultOrders() {
    double[] orders = new double[99 + 52];
    for (int x = 1; x < 100; x++) {
      orders[x - 1] = 1 + x / 10.0;
    }
    for (int k = 12; k < 64; k++) {
      orders[99 + k - 12] = k;
    }
    return orders;
  }

  /**
   * The privacy spent after {@code steps} steps, at the best of {@code orders}.
   *
   * @throws IllegalArgumentException for q outside (0, 1], σ not positive, negative steps, δ
   *     outside (0, 1), or an order not above 1
   */
  public static PrivacySpent epsilon(
      double q, double sigma, long steps, double delta, Conversion conversion, double[] orders) {
    checkMechanism(q, sigma, steps);
    if (orders.length == 0) {
      throw new IllegalArgumentException("at least one order is needed");
    }
    double[] total = new double[orders.length];
    for (int i = 0; i < orders.length; i++) {
      double alpha = orders[i];
      if (!(alpha > 1) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("orders must be finite and above 1, not " + alpha);
      }
      total[i] = steps == 0 ? 0 : steps * rdp(q, sigma, alpha);
    }
    return epsilon(total, orders, delta, conversion);
  }

  /**
   * The privacy spent by a composition whose total RDP at {@code orders[i]} is {@code rdp[i]}: the
   * best order's ε.
   */
  public static PrivacySpent epsilon(
      double[] rdp, double[] orders, double delta, Conversion conversion) {
    if (rdp.length != orders.length) {
      throw new IllegalArgumentException("one RDP value per order");
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), not " + delta);
    }
    if (Arrays.stream(rdp).allMatch(value -> value == 0)) {
      // No mechanism ran: nothing is spent (the conversions' log(1/δ) term is a bound, not a cost).
      return new PrivacySpent(0, delta, orders[0], NAME, conversion);
    }
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = orders[0];
    for (int i = 0; i < orders.length; i++) {
      double epsilon = conversion.epsilon(rdp[i], orders[i], delta);
      if (epsilon < best) {
        best = epsilon;
        bestOrder = orders[i];
      }
    }
    return new PrivacySpent(Math.max(0, best), delta, bestOrder, NAME, conversion);
  }

  /** {@link #epsilon} at the default orders. */
  public static PrivacySpent epsilon(
      double q, double sigma, long steps, double delta, Conversion conversion) {
    return epsilon(q, sigma, steps, delta, conversion, DEFAULT_ORDERS);
  }

  /** RDP at order α of one step of the sampled Gaussian mechanism. */
  public static double rdp(double q, double sigma, double alpha) {
    checkMechanism(q, sigma, 0);
    if (q == 1) {
      return alpha / (2 * sigma * sigma);
    }
    double logA =
        alpha == Math.rint(alpha) && alpha < Integer.MAX_VALUE
            ? logAInteger(q, sigma, (int) alpha)
            : logAFractional(q, sigma, alpha);
    return logA / (alpha - 1);
  }

  // A_α = E_{z~μ0}[(μ(z)/μ0(z))^α] with μ = (1−q)μ0 + qμ1, expanded binomially.
  private static double logAInteger(double q, double sigma, int alpha) {
    double logA = Double.NEGATIVE_INFINITY;
    for (int i = 0; i <= alpha; i++) {
      double term =
          logBinomial(alpha, i)
              + i * Math.log(q)
              + (alpha - i) * Math.log1p(-q)
              + (i * (double) i - i) / (2 * sigma * sigma);
      logA = logAdd(logA, term);
    }
    return logA;
  }

  private static double logAFractional(double q, double sigma, double alpha) {
    double lower = Double.NEGATIVE_INFINITY;
    double upper = Double.NEGATIVE_INFINITY;
    double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
    double coefficient = 1; // binom(alpha, i), generalised to a real alpha
    for (int i = 0; ; i++) {
      double j = alpha - i;
      double logCoefficient = Math.log(Math.abs(coefficient));
      double logT0 = logCoefficient + i * Math.log(q) + j * Math.log1p(-q);
      double logT1 = logCoefficient + j * Math.log(q) + i * Math.log1p(-q);
      double logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.sqrt(2) * sigma));
      double logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.sqrt(2) * sigma));
      double logS0 = logT0 + (i * (double) i - i) / (2 * sigma * sigma) + logE0;
      double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
      if (coefficient > 0) {
        lower = logAdd(lower, logS0);
        upper = logAdd(upper, logS1);
      } else {
        lower = logSub(lower, logS0);
        upper = logSub(upper, logS1);
      }
      if (Math.max(logS0, logS1) < -30) {
        break;
      }
      coefficient *= (alpha - i) / (i + 1);
      if (i > 100_000) {
        throw new IllegalStateException("the RDP series did not converge at order " + alpha);
      }
    }
    return logAdd(lower, upper);
  }

  /** log(erfc(x)), accurate where erfc underflows (large x) by its asymptotic series. */
  static double logErfc(double x) {
    if (x < 10) {
      return Math.log(Erf.erfc(x));
    }
    // erfc(x) = exp(−x²)/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + ...)
    double inverse = 1 / (x * x);
    double series = 1 - inverse / 2 + 3 * inverse * inverse / 4 - 15 * Math.pow(inverse, 3) / 8;
    return -x * x - Math.log(x) - 0.5 * Math.log(Math.PI) + Math.log(series);
  }

  private static double logBinomial(int n, int k) {
    return Gamma.logGamma(n + 1.0) - Gamma.logGamma(k + 1.0) - Gamma.logGamma(n - k + 1.0);
  }

  private static double logAdd(double a, double b) {
    double high = Math.max(a, b);
    double low = Math.min(a, b);
    if (low == Double.NEGATIVE_INFINITY) {
      return high;
    }
    return high + Math.log1p(Math.exp(low - high));
  }

  private static double logSub(double a, double b) {
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    if (b >= a) {
      // The alternating series never goes below zero in exact arithmetic; rounding can.
      return Double.NEGATIVE_INFINITY;
    }
    return a + Math.log1p(-Math.exp(b - a));
  }

  static void checkMechanism(double q, double sigma, long steps) {
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("the sampling rate must be in (0, 1], not " + q);
    }
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException(
          "the noise multiplier must be positive and finite, not " + sigma);
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must not be negative, not " + steps);
    }
  }
}
