package io.truststram.ml.tensor;

/**
 * The arithmetic aggregation runs in its inner loop, over dense {@code float} parameter vectors.
 *
 * <p>Element-wise kernels are plain counted loops over arrays, the shape HotSpot's C2 compiler
 * turns into SIMD code (superword vectorisation) without the incubating Vector API. Reductions
 * ({@link #dot}, the norms) keep several independent partial sums in {@code double}: the compiler
 * may not reorder a floating-point sum by itself, and four chains of additions both expose
 * instruction-level parallelism and keep the rounding error far below a single {@code float} sum's.
 * Aggregates that fold many updates accumulate in {@code double} ({@link #accumulate(double,
 * float[], double[])}) so that the order updates arrive in changes the result by at most a last-bit
 * rounding of the final conversion to {@code float}.
 *
 * <p>Every kernel checks that its arrays have the same length and throws {@link
 * IllegalArgumentException} otherwise; none allocates.
 */
public final class Kernels {

  private Kernels() {}

  /** {@code y += a * x}, element-wise. */
  public static void axpy(float a, float[] x, float[] y) {
    sameLength(x, y);
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  /** {@code acc += a * x}, element-wise, in double precision. */
  public static void accumulate(double a, float[] x, double[] acc) {
    if (x.length != acc.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " and " + acc.length);
    }
    accumulate(a, x, acc, 0, x.length);
  }

  /** {@code acc[i] += a * x[i]} for {@code from <= i < to}: one shard of {@link #accumulate}. */
  public static void accumulate(double a, float[] x, double[] acc, int from, int to) {
    for (int i = from; i < to; i++) {
      acc[i] += a * x[i];
    }
  }

  /** Elements per block in {@link #accumulateAll}: 16 KB of the double aggregate, in L1. */
  static final int BLOCK = 2048;

  /**
   * {@code acc += Σ weights[k] * xs[k]}, in double precision, for updates that are all at hand: the
   * aggregate is walked block by block, each block staying in the first-level cache while every
   * update's slice streams past it, so memory traffic is close to the updates' bytes alone. Sums
   * each element in the same order as folding the updates one by one with {@link #accumulate}, so
   * the results are identical.
   */
  public static void accumulateAll(double[] weights, float[][] xs, double[] acc) {
    if (xs.length != weights.length) {
      throw new IllegalArgumentException(xs.length + " vectors but " + weights.length + " weights");
    }
    for (float[] x : xs) {
      if (x.length != acc.length) {
        throw new IllegalArgumentException("lengths differ: " + x.length + " and " + acc.length);
      }
    }
    for (int start = 0; start < acc.length; start += BLOCK) {
      int end = Math.min(acc.length, start + BLOCK);
      for (int k = 0; k < xs.length; k++) {
        double a = weights[k];
        float[] x = xs[k];
        for (int i = start; i < end; i++) {
          acc[i] += a * x[i];
        }
      }
    }
  }

  /** {@code out = scale * acc}, rounding each element to {@code float}. */
  public static void scaleInto(double scale, double[] acc, float[] out) {
    if (acc.length != out.length) {
      throw new IllegalArgumentException("lengths differ: " + acc.length + " and " + out.length);
    }
    scaleInto(scale, acc, out, 0, acc.length);
  }

  /** {@link #scaleInto} for {@code from <= i < to}. */
  public static void scaleInto(double scale, double[] acc, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = (float) (scale * acc[i]);
    }
  }

  /**
   * {@code out = Σ weights[k] * xs[k]}: the weighted sum of several vectors, accumulated in double
   * precision.
   */
  public static void weightedSum(float[][] xs, double[] weights, float[] out) {
    double[] acc = new double[out.length];
    accumulateAll(weights, xs, acc);
    scaleInto(1.0, acc, out);
  }

  /** {@code x *= a}, element-wise. */
  public static void scale(float a, float[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }

  /** {@code out = x + y}. */
  public static void add(float[] x, float[] y, float[] out) {
    sameLength(x, y);
    sameLength(x, out);
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] + y[i];
    }
  }

  /** {@code out = x - y}. */
  public static void subtract(float[] x, float[] y, float[] out) {
    sameLength(x, y);
    sameLength(x, out);
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - y[i];
    }
  }

  /** {@code out = x * y}, element-wise (Hadamard product). */
  public static void multiply(float[] x, float[] y, float[] out) {
    sameLength(x, y);
    sameLength(x, out);
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * y[i];
    }
  }

  /** The dot product {@code Σ x[i] * y[i]}, summed in double precision. */
  public static double dot(float[] x, float[] y) {
    sameLength(x, y);
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < x.length; i += 4) {
      s0 += (double) x[i] * y[i];
      s1 += (double) x[i + 1] * y[i + 1];
      s2 += (double) x[i + 2] * y[i + 2];
      s3 += (double) x[i + 3] * y[i + 3];
    }
    for (; i < x.length; i++) {
      s0 += (double) x[i] * y[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The Euclidean norm {@code ‖x‖₂}. */
  public static double norm2(float[] x) {
    return Math.sqrt(dot(x, x));
  }

  /** The L1 norm {@code Σ |x[i]|}. */
  public static double norm1(float[] x) {
    double s0 = 0;
    double s1 = 0;
    int i = 0;
    for (; i + 1 < x.length; i += 2) {
      s0 += Math.abs(x[i]);
      s1 += Math.abs(x[i + 1]);
    }
    for (; i < x.length; i++) {
      s0 += Math.abs(x[i]);
    }
    return s0 + s1;
  }

  /** The largest absolute value, {@code ‖x‖∞}; 0 for an empty vector. */
  public static double normInf(float[] x) {
    float max = 0;
    for (float v : x) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  /** The squared Euclidean distance {@code ‖x - y‖₂²}, in double precision. */
  public static double squaredDistance(float[] x, float[] y) {
    sameLength(x, y);
    double s0 = 0;
    double s1 = 0;
    int i = 0;
    for (; i + 1 < x.length; i += 2) {
      double d0 = (double) x[i] - y[i];
      double d1 = (double) x[i + 1] - y[i + 1];
      s0 += d0 * d0;
      s1 += d1 * d1;
    }
    for (; i < x.length; i++) {
      double d = (double) x[i] - y[i];
      s0 += d * d;
    }
    return s0 + s1;
  }

  /** Whether every element is finite (neither NaN nor infinite). */
  public static boolean allFinite(float[] x) {
    return allFinite(x, 0, x.length);
  }

  /** {@link #allFinite} over {@code from <= i < to}. */
  public static boolean allFinite(float[] x, int from, int to) {
    // x - x is 0 for finite x and NaN for NaN and the infinities; one NaN makes the sum NaN.
    float probe = 0;
    for (int i = from; i < to; i++) {
      probe += x[i] - x[i];
    }
    return probe == 0;
  }

  private static void sameLength(float[] x, float[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("lengths differ: " + x.length + " and " + y.length);
    }
  }
}
