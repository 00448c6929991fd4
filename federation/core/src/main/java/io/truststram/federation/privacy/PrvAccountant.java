package io.truststram.federation.privacy;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * The privacy random variable (PRV) accountant of Gopi, Lee and Wutschitz (2021) for the Poisson
 * sampled Gaussian mechanism: the tightest ε known for it, where RDP over-estimates.
 *
 * <p>A mechanism's privacy loss Y = log(P(o)/Q(o)), for o drawn from P, determines its whole
 * privacy curve: δ(ε) = E[(1 − e^(ε − Y))₊]. Composing T steps adds their losses, so the
 * composition's curve comes from the T-fold convolution of Y's distribution. This accountant
 *
 * <ol>
 *   <li>discretises Y's distribution on a grid of mesh h over [−L, L] (mass from the exact CDF,
 *       then shifted so that its mean is Y's exact mean);
 *   <li>convolves it T times with itself by a fast Fourier transform;
 *   <li>reads δ(ε) off the result, and finds the smallest ε with δ(ε) ≤ δ by bisection.
 * </ol>
 *
 * With one record in or out of the data, the mechanism's output is P = (1 − q)·N(0, σ²) + q·N(1,
 * σ²) against Q = N(0, σ²), or the other way round: both directions are computed and the larger δ
 * taken. The domain L is where the RDP accountant bounds the tails by the error budget δ_err; the
 * mesh h gives an ε error of at most h·√(2T·ln(2/δ_err)) (Hoeffding over the rounding of T steps).
 * The result is reported as an estimate with that error: {@link Result#epsilon} is the upper end, a
 * guarantee.
 */
public final class PrvAccountant {

  /** The accountant's name in results. */
  public static final String NAME = "prv";

  private static final int MAX_POINTS = 1 << 23;

  private PrvAccountant() {}

  /**
   * ε by the PRV accountant.
   *
   * @param epsilon the guarantee: the estimate plus its error bound
   * @param estimate the ε read off the discretised composition
   * @param lower the estimate minus its error bound
   * @param delta the δ asked for
   * @param points the grid's size
   */
  public record Result(double epsilon, double estimate, double lower, double delta, int points) {}

  /** ε after {@code steps} with ε error at most 0.01 (where the grid allows it). */
  public static Result epsilon(double q, double sigma, long steps, double delta) {
    return epsilon(q, sigma, steps, delta, 0.01);
  }

  /**
   * ε after {@code steps} steps of the sampled Gaussian mechanism with sampling rate {@code q} and
   * noise multiplier {@code sigma}, at {@code delta}.
   *
   * @param epsilonError the error wanted; a finer grid costs more (at most 2²³ points, beyond which
   *     the error grows)
   * @throws IllegalArgumentException for q outside (0, 1], σ not positive, steps below 1, δ outside
   *     (0, 1)
   */
  public static Result epsilon(
      double q, double sigma, long steps, double delta, double epsilonError) {
    RdpAccountant.checkMechanism(q, sigma, steps);
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("the noise multiplier must be positive, not " + sigma);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, not " + steps);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), not " + delta);
    }
    if (!(epsilonError > 0)) {
      throw new IllegalArgumentException("the epsilon error must be positive");
    }
    double deltaError = delta / 1000;
    // The domain: the composed loss passes L with probability below δ_err/4 on the right (the
    // classic RDP conversion is that tail bound) and on the left (P(S ≤ −t) ≤ e^(−t)).
    double right =
        RdpAccountant.epsilon(q, sigma, steps, deltaError / 4, Conversion.CLASSIC).epsilon();
    double domain = Math.max(right, Math.log(4 / deltaError)) * 1.1 + 1;
    double spread = Math.sqrt(2.0 * steps * Math.log(2 / deltaError));
    double mesh = epsilonError / spread;
    int points = Integer.highestOneBit((int) Math.min(MAX_POINTS, Math.ceil(2 * domain / mesh)));
    points = Math.min(MAX_POINTS, points < 2 * domain / mesh ? points * 2 : points);
    mesh = 2 * domain / points;
    double error = mesh * spread;

    Curve remove = new Curve(composed(new Loss(q, sigma, true), points, mesh, steps), mesh);
    Curve add = new Curve(composed(new Loss(q, sigma, false), points, mesh, steps), mesh);
    double target = delta - deltaError;
    double low = 0;
    double high = domain;
    if (delta(remove, add, high) > target) {
      throw new IllegalStateException("the PRV domain is too small for delta " + delta);
    }
    for (int i = 0; i < 100 && high - low > 1e-6; i++) {
      double middle = (low + high) / 2;
      if (delta(remove, add, middle) <= target) {
        high = middle;
      } else {
        low = middle;
      }
    }
    double estimate = high;
    return new Result(estimate + error, estimate, Math.max(0, estimate - error), delta, points);
  }

  /** The larger δ(ε) of the two directions. */
  private static double delta(Curve remove, Curve add, double epsilon) {
    return Math.max(remove.delta(epsilon), add.delta(epsilon));
  }

  /**
   * A composed loss distribution ready for δ(ε) = Σ_{s > ε} p(s)·(1 − e^(ε − s)) = A(ε) − e^ε·B(ε),
   * with A and B the suffix sums of p(s) and p(s)·e^(−s) over the losses in ascending order: each
   * δ(ε) is then a binary search.
   */
  private static final class Curve {
    private final double[] losses;
    private final double[] mass;
    private final double[] weighted;

    /**
     * @param composed the masses in FFT order (index k is the loss k·h, negative k wrapped to the
     *     end) and, last, the mean shift
     */
    Curve(double[] composed, double mesh) {
      int n = composed.length - 1;
      double shift = composed[n];
      losses = new double[n];
      mass = new double[n + 1];
      weighted = new double[n + 1];
      for (int i = 0; i < n; i++) {
        int index = i - n / 2;
        losses[i] = index * mesh + shift;
      }
      for (int i = n - 1; i >= 0; i--) {
        double p = composed[Math.floorMod(i - n / 2, n)];
        mass[i] = mass[i + 1] + p;
        weighted[i] = weighted[i + 1] + p * Math.exp(-losses[i]);
      }
    }

    double delta(double epsilon) {
      int first = java.util.Arrays.binarySearch(losses, epsilon);
      first = first >= 0 ? first + 1 : -first - 1;
      return Math.max(0, mass[first] - Math.exp(epsilon) * weighted[first]);
    }
  }

  /**
   * The distribution of the sum of {@code steps} independent copies of the loss, on the grid: the
   * masses in FFT order, then the total mean shift.
   */
  private static double[] composed(Loss loss, int points, double mesh, long steps) {
    double[][] data = new double[2][points];
    // Cells in value order, from index −n/2: each cell's mass is the CDF's rise across it, and
    // Y's exact mean over the domain comes by parts, ∫y dF = [yF] − ∫F, with Simpson's rule on
    // each cell (the CDF at its edges and middle).
    int lowest = -points / 2;
    double edge = loss.cdf((lowest - 0.5) * mesh);
    double discreteMean = 0;
    double exactMean = 0;
    for (int index = lowest; index < points / 2; index++) {
      double value = index * mesh;
      double a = value - mesh / 2;
      double b = value + mesh / 2;
      double fa = edge;
      double fb = loss.cdf(b);
      double fm = loss.cdf(value);
      double p = Math.max(0, fb - fa);
      data[0][Math.floorMod(index, points)] = p;
      discreteMean += p * value;
      exactMean += b * fb - a * fa - mesh / 6 * (fa + 4 * fm + fb);
      edge = fb;
    }
    double shift = exactMean - discreteMean;
    FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.FORWARD);
    for (int k = 0; k < points; k++) {
      double re = data[0][k];
      double im = data[1][k];
      double modulus = Math.hypot(re, im);
      if (modulus == 0) {
        continue;
      }
      double power = Math.exp(steps * Math.log(modulus));
      double angle = steps * Math.atan2(im, re);
      data[0][k] = power * Math.cos(angle);
      data[1][k] = power * Math.sin(angle);
    }
    FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.INVERSE);
    double[] out = new double[points + 1];
    for (int k = 0; k < points; k++) {
      out[k] = Math.max(0, data[0][k]);
    }
    out[points] = steps * shift;
    return out;
  }

  /**
   * The privacy loss of one step: with {@code remove}, log(P/Q) under P, P the mixture; otherwise
   * log(Q/P) under Q.
   */
  private record Loss(double q, double sigma, boolean remove) {

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    /** The output x at which log(P(x)/Q(x)) = t, where it exists (t > log(1 − q)). */
    private double output(double t) {
      return sigma * sigma * Math.log((Math.exp(t) - 1 + q) / q) + 0.5;
    }

    double cdf(double t) {
      double floor = Math.log1p(-q);
      if (remove) {
        if (q == 1) {
          // log(N(1)/N(0)) at x ~ N(1, σ²) is N(1/(2σ²), 1/σ²).
          return NORMAL.cumulativeProbability((t - 0.5 / (sigma * sigma)) * sigma);
        }
        if (t <= floor) {
          return 0;
        }
        double x = output(t);
        return (1 - q) * NORMAL.cumulativeProbability(x / sigma)
            + q * NORMAL.cumulativeProbability((x - 1) / sigma);
      }
      if (q == 1) {
        // log(N(0)/N(1)) at x ~ N(0, σ²): the same distribution.
        return NORMAL.cumulativeProbability((t - 0.5 / (sigma * sigma)) * sigma);
      }
      // −log(P/Q)(x) ≤ t ⇔ log(P/Q)(x) ≥ −t ⇔ x ≥ output(−t), for x ~ N(0, σ²).
      if (-t <= floor) {
        return 1;
      }
      return 1 - NORMAL.cumulativeProbability(output(-t) / sigma);
    }
  }
}
