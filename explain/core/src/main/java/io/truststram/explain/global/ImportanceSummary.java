package io.truststram.explain.global;

import io.truststram.explain.Explanation;
import java.util.List;

/**
 * What global importances need of a participant's explanations, without its rows: per output and
 * feature the sums of |φ|, φ and φ² over the rows explained, and their number. Summaries of
 * disjoint rows add up ({@link #merge}) to the summary of their union, so a federation's global
 * mean |SHAP| importance equals the one computed on the pooled rows, whenever each row's values do
 * not depend on the other rows (TreeSHAP; any method with a background the participants share). As
 * a vector ({@link #toVector}) it goes through secure aggregation.
 *
 * @param features the features (or groups) explained
 * @param method the explanation method, which every summary merged must share
 * @param sumAbs {@code [output][feature]}: Σ |φ|
 * @param sum {@code [output][feature]}: Σ φ
 * @param sumSquares {@code [output][feature]}: Σ φ²
 * @param rows the rows explained
 */
public record ImportanceSummary(
    List<String> features,
    String method,
    double[][] sumAbs,
    double[][] sum,
    double[][] sumSquares,
    long rows) {

  public ImportanceSummary {
    features = List.copyOf(features);
    if (rows < 0) {
      throw new IllegalArgumentException("the rows explained are not negative");
    }
  }

  /** The summary of an explanation's rows. */
  public static ImportanceSummary of(Explanation explanation) {
    int outputs = explanation.values().length;
    int m = explanation.features().size();
    double[][] abs = new double[outputs][m];
    double[][] sum = new double[outputs][m];
    double[][] squares = new double[outputs][m];
    for (int k = 0; k < outputs; k++) {
      for (double[] row : explanation.values()[k]) {
        for (int j = 0; j < m; j++) {
          abs[k][j] += Math.abs(row[j]);
          sum[k][j] += row[j];
          squares[k][j] += row[j] * row[j];
        }
      }
    }
    return new ImportanceSummary(
        explanation.features(),
        explanation.method(),
        abs,
        sum,
        squares,
        explanation.outputs().length);
  }

  /**
   * The summary of both sets of rows.
   *
   * @throws IllegalArgumentException for summaries of other features, outputs or methods
   */
  public ImportanceSummary merge(ImportanceSummary other) {
    if (!features.equals(other.features)
        || !method.equals(other.method)
        || sumAbs.length != other.sumAbs.length) {
      throw new IllegalArgumentException(
          "summaries of other features, outputs or methods do not merge");
    }
    return new ImportanceSummary(
        features,
        method,
        add(sumAbs, other.sumAbs),
        add(sum, other.sum),
        add(sumSquares, other.sumSquares),
        rows + other.rows);
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] out = new double[a.length][];
    for (int k = 0; k < a.length; k++) {
      out[k] = a[k].clone();
      for (int j = 0; j < out[k].length; j++) {
        out[k][j] += b[k][j];
      }
    }
    return out;
  }

  /** {@code [output][feature]}: the mean |φ|, shap's global bar-plot importance. */
  public double[][] meanAbsolute() {
    return scaled(sumAbs);
  }

  /** {@code [output][feature]}: the mean φ (the features' average push, with its sign). */
  public double[][] mean() {
    return scaled(sum);
  }

  /** {@code [output][feature]}: the standard deviation of φ over the rows (population). */
  public double[][] standardDeviation() {
    double[][] mean = mean();
    double[][] out = scaled(sumSquares);
    for (int k = 0; k < out.length; k++) {
      for (int j = 0; j < out[k].length; j++) {
        out[k][j] = Math.sqrt(Math.max(0, out[k][j] - mean[k][j] * mean[k][j]));
      }
    }
    return out;
  }

  private double[][] scaled(double[][] values) {
    if (rows == 0) {
      throw new IllegalArgumentException("no rows were explained");
    }
    double[][] out = new double[values.length][];
    for (int k = 0; k < values.length; k++) {
      out[k] = values[k].clone();
      for (int j = 0; j < out[k].length; j++) {
        out[k][j] /= rows;
      }
    }
    return out;
  }

  /** The summary as numbers: the rows, then Σ|φ|, Σφ and Σφ² output after output. */
  public double[] toVector() {
    int outputs = sumAbs.length;
    int m = features.size();
    double[] out = new double[1 + 3 * outputs * m];
    out[0] = rows;
    int at = 1;
    for (double[][] part : new double[][][] {sumAbs, sum, sumSquares}) {
      for (int k = 0; k < outputs; k++) {
        System.arraycopy(part[k], 0, out, at, m);
        at += m;
      }
    }
    return out;
  }

  /**
   * The summary a vector of {@link #toVector} (or a sum of them) holds.
   *
   * @throws IllegalArgumentException for a vector of another length
   */
  public static ImportanceSummary fromVector(
      List<String> features, String method, int outputs, double[] vector) {
    int m = features.size();
    if (outputs < 1 || vector.length != 1 + 3 * outputs * m) {
      throw new IllegalArgumentException(
          "a summary of "
              + outputs
              + " outputs and "
              + m
              + " features has "
              + (1 + 3 * outputs * m)
              + " numbers");
    }
    double[][][] parts = new double[3][outputs][m];
    int at = 1;
    for (double[][] part : parts) {
      for (int k = 0; k < outputs; k++) {
        System.arraycopy(vector, at, part[k], 0, m);
        at += m;
      }
    }
    return new ImportanceSummary(
        features, method, parts[0], parts[1], parts[2], Math.round(vector[0]));
  }
}
