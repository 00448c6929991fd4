package io.truststram.explain.shap;

import io.truststram.explain.Link;
import io.truststram.explain.Model;

/**
 * Exact Shapley values of any model by enumerating every coalition, with the interventional value
 * function as shap's KernelExplainer has it: v(S) is link applied to the mean over the background
 * of f(x_S, b_rest). 2^M coalitions of M features, each evaluated on every background row, so it is
 * for small M (at most {@link #MAX_FEATURES}) and is the reference the approximate explainers are
 * checked against.
 */
public final class ExactShap {

  /** The most features it enumerates: 2^20 coalitions. */
  public static final int MAX_FEATURES = 20;

  private ExactShap() {}

  /**
   * The values of {@code row}: {@code [output][feature]}, with the expected value (link of the
   * background's mean output) in the last column.
   *
   * @throws IllegalArgumentException for more than {@link #MAX_FEATURES} features, an empty
   *     background, or rows of the wrong length
   */
  public static double[][] explain(Model model, Link link, double[] row, double[][] background) {
    int m = model.features();
    if (m > MAX_FEATURES) {
      throw new IllegalArgumentException(
          "exact Shapley values enumerate 2^M coalitions; M = " + m + " is above " + MAX_FEATURES);
    }
    Coalitions.requireRows(model, row, background);
    int outputs = model.outputs();
    int coalitions = 1 << m;
    double[][] value = new double[coalitions][];
    double[][] batch = new double[background.length][];
    double[][] out = new double[background.length][outputs];
    for (int s = 0; s < coalitions; s++) {
      for (int b = 0; b < background.length; b++) {
        double[] mixed = background[b].clone();
        for (int f = 0; f < m; f++) {
          if ((s & (1 << f)) != 0) {
            mixed[f] = row[f];
          }
        }
        batch[b] = mixed;
      }
      model.predict(batch, out);
      value[s] = Coalitions.linkOfMean(out, link, outputs);
    }
    double[] weight = new double[m];
    for (int size = 0; size < m; size++) {
      // |S|! (M − |S| − 1)! / M!
      weight[size] = 1.0 / (m * Coalitions.binomial(m - 1, size));
    }
    double[][] phi = new double[outputs][m + 1];
    for (int s = 0; s < coalitions; s++) {
      int size = Integer.bitCount(s);
      for (int f = 0; f < m; f++) {
        if ((s & (1 << f)) == 0) {
          int with = s | (1 << f);
          for (int k = 0; k < outputs; k++) {
            phi[k][f] += weight[size] * (value[with][k] - value[s][k]);
          }
        }
      }
    }
    for (int k = 0; k < outputs; k++) {
      phi[k][m] = value[0][k];
    }
    return phi;
  }
}
