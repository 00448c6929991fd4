package io.truststram.explain.shap;

import io.truststram.explain.Link;
import io.truststram.explain.Model;

/** What the Shapley explainers share: input checks, binomials, linked means. */
final class Coalitions {

  private Coalitions() {}

  /** C(n, k) as a double (exact while it fits 2^53). */
  static double binomial(int n, int k) {
    double out = 1;
    for (int i = 1; i <= k; i++) {
      out = out * (n - k + i) / i;
    }
    return out;
  }

  /** link(mean over rows of out[r][k]), per output. */
  static double[] linkOfMean(double[][] out, Link link, int outputs) {
    double[] mean = new double[outputs];
    for (double[] o : out) {
      for (int k = 0; k < outputs; k++) {
        mean[k] += o[k];
      }
    }
    for (int k = 0; k < outputs; k++) {
      mean[k] = link.apply(mean[k] / out.length);
    }
    return mean;
  }

  static void requireRows(Model model, double[] row, double[][] background) {
    if (background.length == 0) {
      throw new IllegalArgumentException("the background has no rows");
    }
    requireRow(model, row, "the row");
    for (double[] b : background) {
      requireRow(model, b, "a background row");
    }
  }

  private static void requireRow(Model model, double[] row, String what) {
    if (row.length != model.features()) {
      throw new IllegalArgumentException(
          what + " has " + row.length + " values; the model takes " + model.features());
    }
  }
}
