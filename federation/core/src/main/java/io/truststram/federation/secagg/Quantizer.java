package io.truststram.federation.secagg;

/**
 * Maps model values into the ring Z_(2^32) where secure aggregation sums them, and the sum back.
 * Each value is clipped to [−range, range], then rounded to one of {@code levels} evenly spaced
 * points; the sum of n quantised vectors fits the ring without wrapping as long as n·(levels − 1) <
 * 2^32, which {@link #maxClients} gives and {@link #dequantizeSum} checks.
 *
 * <p>Clipping is never silent: {@link Quantized#clipped} counts the values that were clipped, for
 * the client to report. The worst-case error of a dequantised sum of n vectors is n·step/2 per
 * coordinate ({@link #worstCaseError}), step = 2·range/(levels − 1).
 *
 * @param range the clipping range, positive
 * @param levels the quantisation levels, 2 to 2^31
 */
public record Quantizer(double range, long levels) {

  public Quantizer {
    if (!(range > 0) || Double.isInfinite(range)) {
      throw new IllegalArgumentException("the clipping range must be positive, not " + range);
    }
    if (levels < 2 || levels > (1L << 31)) {
      throw new IllegalArgumentException("levels must be 2 to 2^31, not " + levels);
    }
  }

  /**
   * A quantised vector.
   *
   * @param values the points, as unsigned 32-bit integers
   * @param clipped how many values lay outside the range and were clipped
   */
  public record Quantized(int[] values, int clipped) {}

  /** The distance between two levels. */
  public double step() {
    return 2 * range / (levels - 1);
  }

  /** The most clients whose quantised vectors sum in the ring without wrapping. */
  public long maxClients() {
    return ((1L << 32) - 1) / (levels - 1);
  }

  /** The worst-case error per coordinate of a dequantised sum of {@code clients} vectors. */
  public double worstCaseError(int clients) {
    return clients * step() / 2;
  }

  /** {@code values} clipped and rounded to levels. */
  public Quantized quantize(float[] values) {
    int[] out = new int[values.length];
    int clipped = 0;
    double scale = (levels - 1) / (2 * range);
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("value " + i + " is not finite: " + v);
      }
      if (v > range || v < -range) {
        clipped++;
        v = Math.max(-range, Math.min(range, v));
      }
      out[i] = (int) Math.round((v + range) * scale);
    }
    return new Quantized(out, clipped);
  }

  /**
   * The sum of {@code clients} vectors from the ring sum of their quantised forms.
   *
   * @throws IllegalArgumentException when that many clients could have wrapped the ring
   */
  public double[] dequantizeSum(int[] sum, int clients) {
    if (clients < 1 || clients > maxClients()) {
      throw new IllegalArgumentException(
          clients
              + " clients could overflow the ring with "
              + levels
              + " levels; at most "
              + maxClients());
    }
    double step = step();
    double[] out = new double[sum.length];
    for (int i = 0; i < sum.length; i++) {
      out[i] = Integer.toUnsignedLong(sum[i]) * step - clients * range;
    }
    return out;
  }
}
