package io.truststram.explain.shap;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A background summarised by k-means, as {@code shap.kmeans(X, k)}: missing values imputed by their
 * column's mean, k-means (k-means++ seeding, the best of 10 starts by inertia, at most 300
 * iterations, stopping when the centres move less than 10⁻⁴ of the data's mean variance, as
 * scikit-learn's defaults), each centre's value rounded to the nearest value its feature takes in
 * the data (so a 0/1 column stays 0/1), and each centre weighted by the rows it holds. Kernel SHAP
 * then evaluates k rows per coalition instead of every background row.
 *
 * @param centres the k summary rows
 * @param weights their weights: the share of the rows in each cluster
 */
public record KMeansSummary(double[][] centres, double[] weights) {

  /**
   * Summarises {@code rows} into {@code k} weighted rows (all of them, weight 1/n each, when there
   * are no more than k).
   *
   * @throws IllegalArgumentException for no rows, k below 1, or rows of different lengths
   */
  public static KMeansSummary of(double[][] rows, int k, long seed) {
    int n = rows.length;
    if (n == 0 || k < 1) {
      throw new IllegalArgumentException("k-means needs rows and k >= 1");
    }
    int m = rows[0].length;
    double[][] data = impute(rows, m);
    if (n <= k) {
      double[] weights = new double[n];
      Arrays.fill(weights, 1.0 / n);
      return new KMeansSummary(data, weights);
    }
    double tolerance = 1e-4 * meanVariance(data, m);
    SplittableRandom random = new SplittableRandom(seed);
    double[][] best = null;
    int[] bestLabels = null;
    double bestInertia = Double.POSITIVE_INFINITY;
    for (int start = 0; start < 10; start++) {
      double[][] centres = seed(data, k, random);
      int[] labels = new int[n];
      double inertia = 0;
      for (int iteration = 0; iteration < 300; iteration++) {
        inertia = assign(data, centres, labels);
        double[][] next = new double[k][m];
        int[] counts = new int[k];
        for (int r = 0; r < n; r++) {
          counts[labels[r]]++;
          for (int j = 0; j < m; j++) {
            next[labels[r]][j] += data[r][j];
          }
        }
        double shift = 0;
        for (int c = 0; c < k; c++) {
          for (int j = 0; j < m; j++) {
            next[c][j] = counts[c] == 0 ? centres[c][j] : next[c][j] / counts[c];
            shift += (next[c][j] - centres[c][j]) * (next[c][j] - centres[c][j]);
          }
        }
        centres = next;
        if (shift <= tolerance) {
          inertia = assign(data, centres, labels);
          break;
        }
      }
      if (inertia < bestInertia) {
        bestInertia = inertia;
        best = centres;
        bestLabels = labels.clone();
      }
    }
    double[] weights = new double[k];
    for (int label : bestLabels) {
      weights[label]++;
    }
    for (int c = 0; c < k; c++) {
      weights[c] /= n;
    }
    for (int j = 0; j < m; j++) {
      double[] values = new double[n];
      for (int r = 0; r < n; r++) {
        values[r] = data[r][j];
      }
      for (double[] centre : best) {
        // The first row's value nearest the centre, as numpy's argmin.
        int nearest = 0;
        for (int r = 1; r < n; r++) {
          if (Math.abs(values[r] - centre[j]) < Math.abs(values[nearest] - centre[j])) {
            nearest = r;
          }
        }
        centre[j] = values[nearest];
      }
    }
    return new KMeansSummary(best, weights);
  }

  private static double[][] impute(double[][] rows, int m) {
    double[] mean = new double[m];
    int[] count = new int[m];
    for (double[] row : rows) {
      if (row.length != m) {
        throw new IllegalArgumentException("the rows have different lengths");
      }
      for (int j = 0; j < m; j++) {
        if (!Double.isNaN(row[j])) {
          mean[j] += row[j];
          count[j]++;
        }
      }
    }
    for (int j = 0; j < m; j++) {
      mean[j] = count[j] == 0 ? 0 : mean[j] / count[j];
    }
    double[][] out = new double[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      out[r] = rows[r].clone();
      for (int j = 0; j < m; j++) {
        if (Double.isNaN(out[r][j])) {
          out[r][j] = mean[j];
        }
      }
    }
    return out;
  }

  private static double meanVariance(double[][] data, int m) {
    double total = 0;
    for (int j = 0; j < m; j++) {
      double mean = 0;
      for (double[] row : data) {
        mean += row[j];
      }
      mean /= data.length;
      double variance = 0;
      for (double[] row : data) {
        variance += (row[j] - mean) * (row[j] - mean);
      }
      total += variance / data.length;
    }
    return total / m;
  }

  /** k-means++: each next centre drawn with probability proportional to its squared distance. */
  private static double[][] seed(double[][] data, int k, SplittableRandom random) {
    int n = data.length;
    double[][] centres = new double[k][];
    centres[0] = data[random.nextInt(n)].clone();
    double[] distance = new double[n];
    Arrays.fill(distance, Double.POSITIVE_INFINITY);
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (int r = 0; r < n; r++) {
        distance[r] = Math.min(distance[r], squared(data[r], centres[c - 1]));
        total += distance[r];
      }
      int pick = random.nextInt(n);
      if (total > 0) {
        double u = random.nextDouble() * total;
        for (int r = 0; r < n; r++) {
          u -= distance[r];
          if (u <= 0) {
            pick = r;
            break;
          }
        }
      }
      centres[c] = data[pick].clone();
    }
    return centres;
  }

  private static double assign(double[][] data, double[][] centres, int[] labels) {
    double inertia = 0;
    for (int r = 0; r < data.length; r++) {
      int best = 0;
      double bestDistance = squared(data[r], centres[0]);
      for (int c = 1; c < centres.length; c++) {
        double d = squared(data[r], centres[c]);
        if (d < bestDistance) {
          bestDistance = d;
          best = c;
        }
      }
      labels[r] = best;
      inertia += bestDistance;
    }
    return inertia;
  }

  private static double squared(double[] a, double[] b) {
    double out = 0;
    for (int j = 0; j < a.length; j++) {
      out += (a[j] - b[j]) * (a[j] - b[j]);
    }
    return out;
  }
}
