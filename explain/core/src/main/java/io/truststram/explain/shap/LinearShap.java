package io.truststram.explain.shap;

/**
 * SHAP values of a linear model f_k(x) = b_k + Σ_i w_ki x_i with independent features (shap's
 * {@code LinearExplainer}, interventional): φ_ki = w_ki (x_i − E[x_i]), the expected value b_k +
 * Σ_i w_ki E[x_i]. Exact, and additive by construction.
 */
public final class LinearShap {

  private final double[][] weights;
  private final double[] intercepts;
  private final double[] mean;

  /**
   * The explainer of the model with {@code weights[output][feature]} and {@code
   * intercepts[output]}, against features whose means (over the background) are {@code mean}.
   *
   * @throws IllegalArgumentException when the shapes disagree or a value is not finite
   */
  public LinearShap(double[][] weights, double[] intercepts, double[] mean) {
    if (weights.length == 0 || weights.length != intercepts.length) {
      throw new IllegalArgumentException("one intercept and one weight row per output");
    }
    for (double[] w : weights) {
      if (w.length != mean.length) {
        throw new IllegalArgumentException(
            "a weight row has " + w.length + " values for " + mean.length + " features");
      }
      requireFinite(w, "weights");
    }
    requireFinite(intercepts, "intercepts");
    requireFinite(mean, "the background means");
    this.weights = new double[weights.length][];
    for (int k = 0; k < weights.length; k++) {
      this.weights[k] = weights[k].clone();
    }
    this.intercepts = intercepts.clone();
    this.mean = mean.clone();
  }

  /** The weighted mean of each feature over {@code background} (weights null: equal). */
  public static double[] mean(double[][] background, double[] weights) {
    if (background.length == 0) {
      throw new IllegalArgumentException("the background has no rows");
    }
    double[] out = new double[background[0].length];
    double total = 0;
    for (int r = 0; r < background.length; r++) {
      double w = weights == null ? 1 : weights[r];
      total += w;
      for (int i = 0; i < out.length; i++) {
        out[i] += w * background[r][i];
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= total;
    }
    return out;
  }

  /** The values of {@code row}: {@code [output][feature]}, the expected value last. */
  public double[][] explain(double[] row) {
    if (row.length != mean.length) {
      throw new IllegalArgumentException(
          "the row has " + row.length + " values; the model takes " + mean.length);
    }
    int m = mean.length;
    double[][] out = new double[weights.length][m + 1];
    for (int k = 0; k < weights.length; k++) {
      double expected = intercepts[k];
      for (int i = 0; i < m; i++) {
        out[k][i] = weights[k][i] * (row[i] - mean[i]);
        expected += weights[k][i] * mean[i];
      }
      out[k][m] = expected;
    }
    return out;
  }

  private static void requireFinite(double[] values, String what) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(what + " hold a value that is not finite: " + v);
      }
    }
  }
}
