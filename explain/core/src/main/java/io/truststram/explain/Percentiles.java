package io.truststram.explain;

/** numpy's default (linear) percentiles, which shap, lime and scikit-learn use. */
public final class Percentiles {

  private Percentiles() {}

  /** The {@code q}th percentile (0 to 100) of {@code sorted} (ascending, non-empty). */
  public static double of(double[] sorted, double q) {
    double position = q / 100 * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }
}
