package io.truststram.explain.shap;

import io.truststram.explain.Link;
import io.truststram.explain.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Shapley values by sampling permutations, antithetically, as shap's {@code PermutationExplainer}:
 * each random order of the M features that vary is walked forwards (adding features one by one to
 * an empty coalition) and backwards (removing them in the same order, which adds them in reverse),
 * and each feature is credited with the change its step makes. With {@code maxEvaluations} (shap's
 * {@code max_evals}, default 500) the walk takes ⌊maxEvaluations / (2M + 1)⌋ orders of 2M + 1
 * coalitions each. The values always add up exactly (every walk does), and approach the exact ones
 * as the orders grow; a seed makes them reproducible. The value function is the interventional one,
 * link of the background's mean output.
 */
public final class PermutationShap {

  /** shap's default budget of model evaluations (coalitions) per row. */
  public static final int DEFAULT_EVALUATIONS = 500;

  private PermutationShap() {}

  /**
   * The values of {@code row}: {@code [output][feature]}, the expected value last.
   *
   * @throws IllegalArgumentException for an empty background, rows of the wrong length, or a budget
   *     too small for one order (2M + 1 coalitions)
   */
  public static double[][] explain(
      Model model, Link link, double[] row, double[][] background, int maxEvaluations, long seed) {
    Coalitions.requireRows(model, row, background);
    int m = model.features();
    int outputs = model.outputs();
    List<Integer> varying = new ArrayList<>();
    for (int f = 0; f < m; f++) {
      for (double[] b : background) {
        if (!(Double.compare(b[f], row[f]) == 0)) {
          varying.add(f);
          break;
        }
      }
    }
    int v = varying.size();
    double[][] phi = new double[outputs][m + 1];
    double[] empty = value(model, link, row, background, new boolean[m]);
    for (int k = 0; k < outputs; k++) {
      phi[k][m] = empty[k];
    }
    if (v == 0) {
      return phi;
    }
    int orders = maxEvaluations / (2 * v + 1);
    if (orders < 1) {
      throw new IllegalArgumentException(
          "a budget of "
              + maxEvaluations
              + " evaluations is too small for one order of "
              + v
              + " features (it takes "
              + (2 * v + 1)
              + ")");
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = varying.stream().mapToInt(Integer::intValue).toArray();
    for (int p = 0; p < orders; p++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      // The 2v + 1 coalitions of the walk, evaluated in one batch.
      boolean[][] masks = new boolean[2 * v + 1][m];
      for (int s = 1; s <= v; s++) {
        masks[s] = masks[s - 1].clone();
        masks[s][order[s - 1]] = true;
      }
      for (int s = v + 1; s <= 2 * v; s++) {
        masks[s] = masks[s - 1].clone();
        masks[s][order[s - v - 1]] = false;
      }
      double[][] out = values(model, link, row, background, masks);
      for (int s = 0; s < v; s++) {
        for (int k = 0; k < outputs; k++) {
          phi[k][order[s]] += out[s + 1][k] - out[s][k];
          phi[k][order[s]] += out[v + s][k] - out[v + s + 1][k];
        }
      }
    }
    for (int k = 0; k < outputs; k++) {
      for (int f = 0; f < m; f++) {
        phi[k][f] /= 2.0 * orders;
      }
    }
    return phi;
  }

  private static double[] value(
      Model model, Link link, double[] row, double[][] background, boolean[] mask) {
    return values(model, link, row, background, new boolean[][] {mask})[0];
  }

  /** v(S) for each mask: link of the background's mean output with S's features from the row. */
  private static double[][] values(
      Model model, Link link, double[] row, double[][] background, boolean[][] masks) {
    int n = background.length;
    double[][] rows = new double[masks.length * n][];
    for (int s = 0; s < masks.length; s++) {
      for (int b = 0; b < n; b++) {
        double[] mixed = background[b].clone();
        for (int f = 0; f < mixed.length; f++) {
          if (masks[s][f]) {
            mixed[f] = row[f];
          }
        }
        rows[s * n + b] = mixed;
      }
    }
    double[][] out = model.predict(rows);
    double[][] value = new double[masks.length][];
    for (int s = 0; s < masks.length; s++) {
      value[s] =
          Coalitions.linkOfMean(
              java.util.Arrays.copyOfRange(out, s * n, (s + 1) * n), link, model.outputs());
    }
    return value;
  }
}
