package io.truststram.explain.global;

import io.truststram.explain.Model;
import io.truststram.explain.Percentiles;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Global explanations of a model over a data set.
 *
 * <ul>
 *   <li><b>Mean |SHAP|</b>: each feature's mean absolute Shapley value over the rows, shap's bar
 *       plot.
 *   <li><b>Permutation importance</b> as scikit-learn's {@code permutation_importance}: the score
 *       on the data, less the score with one feature's (or group's) column shuffled, over {@code
 *       repeats} shuffles (default 5): mean and standard deviation per feature.
 *   <li><b>Partial dependence and ICE</b> as scikit-learn's {@code partial_dependence} with the
 *       brute method: a grid over the feature's 5th to 95th percentiles (at most 100 points, or the
 *       feature's distinct values when there are fewer), and for each grid value the model's output
 *       on every row with the feature set to it (ICE), and their mean (PD).
 * </ul>
 */
public final class GlobalImportance {

  private GlobalImportance() {}

  /**
   * The interaction summary: {@code [i][j]} the mean over rows of |Φ_ij| of the rows' SHAP
   * interaction matrices ({@code [row][M + 1][M + 1]}, the last row and column the expected value,
   * left out), as shap's interaction summary plot ranks pairs by; the diagonal holds the main
   * effects.
   *
   * @throws IllegalArgumentException for no rows or matrices of different sizes
   */
  public static double[][] meanAbsoluteInteractions(double[][][] matrices) {
    if (matrices.length == 0) {
      throw new IllegalArgumentException("no rows");
    }
    int m = matrices[0].length - 1;
    double[][] out = new double[m][m];
    for (double[][] matrix : matrices) {
      if (matrix.length != m + 1) {
        throw new IllegalArgumentException("interaction matrices of different sizes");
      }
      for (int i = 0; i < m; i++) {
        for (int k = 0; k < m; k++) {
          out[i][k] += Math.abs(matrix[i][k]) / matrices.length;
        }
      }
    }
    return out;
  }

  /** Mean |value| per feature of {@code values} ({@code [row][feature]}). */
  public static double[] meanAbsolute(double[][] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no rows");
    }
    double[] out = new double[values[0].length];
    for (double[] row : values) {
      for (int i = 0; i < out.length; i++) {
        out[i] += Math.abs(row[i]);
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= values.length;
    }
    return out;
  }

  /** How predictions are scored against targets: higher is better, as scikit-learn's scorers. */
  public enum Scoring {
    /** The share of rows whose predicted class (largest output, or output ≥ 0.5) is the target. */
    ACCURACY,
    /** The negated mean log-loss of the probabilities (scikit-learn's neg_log_loss). */
    NEG_LOG_LOSS,
    /** The coefficient of determination of output 0. */
    R2;

    /** The score of {@code outputs} against {@code targets}. */
    public double score(double[][] outputs, double[] targets) {
      int n = targets.length;
      switch (this) {
        case ACCURACY -> {
          int right = 0;
          for (int r = 0; r < n; r++) {
            right += predictedClass(outputs[r]) == (int) targets[r] ? 1 : 0;
          }
          return (double) right / n;
        }
        case NEG_LOG_LOSS -> {
          double loss = 0;
          for (int r = 0; r < n; r++) {
            double p = probabilityOf(outputs[r], (int) targets[r]);
            p = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
            loss -= Math.log(p);
          }
          return -loss / n;
        }
        default -> {
          double mean = Arrays.stream(targets).average().orElse(0);
          double residual = 0;
          double total = 0;
          for (int r = 0; r < n; r++) {
            residual += (targets[r] - outputs[r][0]) * (targets[r] - outputs[r][0]);
            total += (targets[r] - mean) * (targets[r] - mean);
          }
          return total == 0 ? 0 : 1 - residual / total;
        }
      }
    }

    private static int predictedClass(double[] output) {
      if (output.length == 1) {
        return output[0] >= 0.5 ? 1 : 0;
      }
      int best = 0;
      for (int k = 1; k < output.length; k++) {
        if (output[k] > output[best]) {
          best = k;
        }
      }
      return best;
    }

    private static double probabilityOf(double[] output, int target) {
      if (output.length == 1) {
        return target == 1 ? output[0] : 1 - output[0];
      }
      return output[target];
    }
  }

  /**
   * Permutation importance of each group of columns ({@code groups}; null: each feature alone).
   *
   * @return {@code [group][0]} the mean drop of the score, {@code [group][1]} its standard
   *     deviation over the repeats (population, as numpy's default)
   * @throws IllegalArgumentException for no rows, lengths that differ, or repeats below 1
   */
  public static double[][] permutation(
      Model model,
      double[][] rows,
      double[] targets,
      Scoring scoring,
      int[][] groups,
      int repeats,
      long seed) {
    if (rows.length == 0 || targets.length != rows.length) {
      throw new IllegalArgumentException("rows and targets are non-empty and of one length");
    }
    if (repeats < 1 || repeats > 1000) {
      throw new IllegalArgumentException("repeats are 1 to 1000, not " + repeats);
    }
    int m = model.features();
    int[][] columns = groups;
    if (columns == null) {
      columns = new int[m][];
      for (int i = 0; i < m; i++) {
        columns[i] = new int[] {i};
      }
    }
    double baseline = scoring.score(model.predict(rows), targets);
    SplittableRandom random = new SplittableRandom(seed);
    double[][] out = new double[columns.length][2];
    int n = rows.length;
    for (int g = 0; g < columns.length; g++) {
      double[] drops = new double[repeats];
      for (int rep = 0; rep < repeats; rep++) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        double[][] shuffled = new double[n][];
        for (int r = 0; r < n; r++) {
          shuffled[r] = rows[r].clone();
          for (int f : columns[g]) {
            shuffled[r][f] = rows[order[r]][f];
          }
        }
        drops[rep] = baseline - scoring.score(model.predict(shuffled), targets);
      }
      double mean = Arrays.stream(drops).average().orElse(0);
      double variance = Arrays.stream(drops).map(d -> (d - mean) * (d - mean)).average().orElse(0);
      out[g][0] = mean;
      out[g][1] = Math.sqrt(variance);
    }
    return out;
  }

  /**
   * A feature's partial dependence and ICE curves.
   *
   * @param grid the feature's values
   * @param average per grid value, the mean output (PD)
   * @param individual per row and grid value, the output (ICE)
   */
  public record Dependence(double[] grid, double[] average, double[][] individual) {}

  /**
   * The partial dependence of output {@code output} on feature {@code feature}.
   *
   * @throws IllegalArgumentException for no rows, a feature or output out of range, or a feature
   *     with no finite values
   */
  public static Dependence partialDependence(
      Model model, double[][] rows, int feature, int output, int resolution) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("no rows");
    }
    if (feature < 0 || feature >= model.features() || output < 0 || output >= model.outputs()) {
      throw new IllegalArgumentException("feature or output out of range");
    }
    double[] grid = grid(rows, feature, resolution);
    double[][] individual = new double[rows.length][grid.length];
    double[] average = new double[grid.length];
    for (int g = 0; g < grid.length; g++) {
      double[][] changed = new double[rows.length][];
      for (int r = 0; r < rows.length; r++) {
        changed[r] = rows[r].clone();
        changed[r][feature] = grid[g];
      }
      double[][] out = model.predict(changed);
      for (int r = 0; r < rows.length; r++) {
        individual[r][g] = out[r][output];
        average[g] += out[r][output] / rows.length;
      }
    }
    return new Dependence(grid, average, individual);
  }

  /**
   * scikit-learn's grid: the distinct values when there are at most {@code resolution}, else {@code
   * resolution} evenly spaced points from the 5th to the 95th percentile.
   */
  static double[] grid(double[][] rows, int feature, int resolution) {
    double[] values =
        Arrays.stream(rows)
            .mapToDouble(r -> r[feature])
            .filter(Double::isFinite)
            .sorted()
            .toArray();
    if (values.length == 0) {
      throw new IllegalArgumentException("feature " + feature + " has no finite values");
    }
    double[] distinct = Arrays.stream(values).distinct().toArray();
    if (distinct.length <= resolution) {
      return distinct;
    }
    double low = Percentiles.of(values, 5);
    double high = Percentiles.of(values, 95);
    if (low == high) {
      throw new IllegalArgumentException(
          "feature " + feature + "'s 5th and 95th percentiles are equal; widen the range");
    }
    double[] out = new double[resolution];
    for (int i = 0; i < resolution; i++) {
      out[i] = low + (high - low) * i / (resolution - 1);
    }
    return out;
  }
}
