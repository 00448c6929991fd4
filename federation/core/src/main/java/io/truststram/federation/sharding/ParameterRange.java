package io.truststram.federation.sharding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters {@code [from, to)} of a model: the part of every vector one aggregation shard
 * folds.
 */
public record ParameterRange(int from, int to) {

  public ParameterRange {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("not a parameter range: [" + from + ", " + to + ")");
    }
  }

  /** How many parameters it holds. */
  public int length() {
    return to - from;
  }

  /**
   * {@code length} parameters split into at most {@code parts} contiguous, non-empty ranges of
   * nearly equal length, in order; fewer ranges when there are fewer parameters than parts.
   */
  public static List<ParameterRange> split(int length, int parts) {
    if (length < 0 || parts < 1) {
      throw new IllegalArgumentException(
          "cannot split " + length + " parameters into " + parts + " parts");
    }
    int used = Math.max(1, Math.min(parts, length));
    List<ParameterRange> ranges = new ArrayList<>(used);
    long start = 0;
    for (int i = 1; i <= used; i++) {
      long end = (long) length * i / used;
      ranges.add(new ParameterRange((int) start, (int) end));
      start = end;
    }
    return List.copyOf(ranges);
  }

  /** A copy of this range of {@code whole}. */
  public float[] slice(float[] whole) {
    return Arrays.copyOfRange(whole, from, to);
  }

  /** A copy of this range of {@code whole}. */
  public double[] slice(double[] whole) {
    return Arrays.copyOfRange(whole, from, to);
  }

  /** Writes {@code part}, this range's values, into its place in {@code whole}. */
  public void place(float[] part, float[] whole) {
    checkPart(part.length);
    System.arraycopy(part, 0, whole, from, part.length);
  }

  /** Writes {@code part}, this range's values, into its place in {@code whole}. */
  public void place(double[] part, double[] whole) {
    checkPart(part.length);
    System.arraycopy(part, 0, whole, from, part.length);
  }

  private void checkPart(int length) {
    if (length != length()) {
      throw new IllegalArgumentException(
          "range [" + from + ", " + to + ") holds " + length() + " values, not " + length);
    }
  }
}
