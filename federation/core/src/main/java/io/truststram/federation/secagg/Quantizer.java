package io.truststram.federation.secagg;

import java.util.SplittableRandom;

/**
 * Maps model values to integers that secure aggregation sums in the ring Z_(2^bits), and the sum
 * back. Each value is clipped to [−range, range] and rounded to a multiple of {@link #step}, {@code
 * levels} points in all (an odd number, so zero is one of them), by unbiased stochastic rounding:
 * the expected rounded value is the clipped value, so errors average out across clients instead of
 * adding up. The integers are signed; the ring holds them in two's complement, and a sum decodes
 * correctly as long as its magnitude stays below half the ring, which {@link
 * SecAggParameters#validate} checks from the number of clients and the largest weight.
 *
 * <p>Clipping is never silent: {@link Quantized#clipped} counts the values that were clipped, for
 * the client to report. The worst-case error of a dequantised weighted mean is one step per
 * coordinate ({@link #worstCaseError}); its expectation is zero.
 *
 * @param range the clipping range, positive
 * @param levels the quantisation levels, odd, 3 to 2^31 − 1
 */
public record Quantizer(double range, long levels) {

  public Quantizer {
    if (!(range > 0) || Double.isInfinite(range)) {
      throw new IllegalArgumentException("the clipping range must be positive, not " + range);
    }
    if (levels < 3 || levels > Integer.MAX_VALUE || levels % 2 == 0) {
      throw new IllegalArgumentException(
          "levels must be odd and 3 to 2^31 - 1 (zero is a level), not " + levels);
    }
  }

  /**
   * A quantised vector.
   *
   * @param values the points, as signed integers between −{@link #half} and {@link #half}
   * @param clipped how many values lay outside the range and were clipped
   */
  public record Quantized(long[] values, int clipped) {}

  /** The largest magnitude of a quantised value: (levels − 1) / 2. */
  public long half() {
    return (levels - 1) / 2;
  }

  /** The distance between two levels. */
  public double step() {
    return range / half();
  }

  /** The worst-case error per coordinate of a dequantised (weighted) mean: one step. */
  public double worstCaseError() {
    return step();
  }

  /** {@code values} clipped and stochastically rounded to levels, with {@code random}. */
  public Quantized quantize(float[] values, SplittableRandom random) {
    long[] out = new long[values.length];
    int clipped = 0;
    double scale = 1 / step();
    long half = half();
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("value " + i + " is not finite: " + v);
      }
      if (v > range || v < -range) {
        clipped++;
        v = Math.max(-range, Math.min(range, v));
      }
      double scaled = v * scale;
      double floor = Math.floor(scaled);
      long q = (long) floor + (random.nextDouble() < scaled - floor ? 1 : 0);
      out[i] = Math.max(-half, Math.min(half, q));
    }
    return new Quantized(out, clipped);
  }

  /** The value of a (summed, weighted) integer {@code q} divided by {@code weight}. */
  public double dequantize(long q, double weight) {
    return q * step() / weight;
  }
}
