package io.truststram.explain.shap;

import java.util.ArrayList;
import java.util.List;

/** The small dense linear algebra the explainers need, on row-major double arrays. */
final class Linear {

  private Linear() {}

  /**
   * The minimum-norm solution of the symmetric system A x = b (the least-squares solution when A is
   * singular, as numpy's {@code lstsq} gives), by Jacobi's eigenvalue method: eigenvalues below
   * {@code 1e-12} of the largest count as zero.
   */
  static double[] solveSymmetric(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p][q] * m[p][q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (Math.abs(m[p][q]) < 1e-300) {
            continue;
          }
          double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
          }
          for (int k = 0; k < n; k++) {
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    double largest = 0;
    for (int i = 0; i < n; i++) {
      largest = Math.max(largest, Math.abs(m[i][i]));
    }
    double[] x = new double[n];
    for (int e = 0; e < n; e++) {
      double lambda = m[e][e];
      if (Math.abs(lambda) <= 1e-12 * largest || lambda == 0) {
        continue;
      }
      double projection = 0;
      for (int i = 0; i < n; i++) {
        projection += v[i][e] * b[i];
      }
      projection /= lambda;
      for (int i = 0; i < n; i++) {
        x[i] += projection * v[i][e];
      }
    }
    return x;
  }

  /**
   * The features least-angle regression (Efron et al. 2004, the LAR variant, no intercept) makes
   * active in its first {@code steps} steps, in the order they enter: the selection of shap's
   * {@code l1_reg="num_features(k)"}.
   *
   * @param x the design, {@code x[row][feature]}
   */
  static List<Integer> leastAngleActive(double[][] x, double[] y, int steps) {
    int n = y.length;
    int p = x.length == 0 ? 0 : x[0].length;
    double[] correlation = new double[p];
    for (int j = 0; j < p; j++) {
      for (int r = 0; r < n; r++) {
        correlation[j] += x[r][j] * y[r];
      }
    }
    List<Integer> active = new ArrayList<>();
    boolean[] in = new boolean[p];
    int first = -1;
    for (int j = 0; j < p; j++) {
      if (first < 0 || Math.abs(correlation[j]) > Math.abs(correlation[first])) {
        first = j;
      }
    }
    if (first < 0 || Math.abs(correlation[first]) < 1e-12) {
      return active;
    }
    active.add(first);
    in[first] = true;
    while (active.size() < Math.min(steps, p)) {
      int k = active.size();
      double big = Math.abs(correlation[active.get(0)]);
      double[] sign = new double[k];
      for (int i = 0; i < k; i++) {
        sign[i] = Math.signum(correlation[active.get(i)]);
      }
      double[][] gram = new double[k][k];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          double dot = 0;
          for (int r = 0; r < n; r++) {
            dot += x[r][active.get(i)] * x[r][active.get(j)];
          }
          gram[i][j] = sign[i] * sign[j] * dot;
        }
      }
      double[] ones = new double[k];
      java.util.Arrays.fill(ones, 1);
      double[] g = solveSymmetric(gram, ones);
      double total = 0;
      for (double gi : g) {
        total += gi;
      }
      if (!(total > 0)) {
        break;
      }
      double scale = 1 / Math.sqrt(total);
      double[] direction = new double[n];
      for (int i = 0; i < k; i++) {
        double w = scale * g[i] * sign[i];
        for (int r = 0; r < n; r++) {
          direction[r] += w * x[r][active.get(i)];
        }
      }
      double step = Double.POSITIVE_INFINITY;
      int enter = -1;
      double[] along = new double[p];
      for (int j = 0; j < p; j++) {
        for (int r = 0; r < n; r++) {
          along[j] += x[r][j] * direction[r];
        }
        if (in[j]) {
          continue;
        }
        for (double candidate :
            new double[] {
              (big - correlation[j]) / (scale - along[j]),
              (big + correlation[j]) / (scale + along[j])
            }) {
          if (candidate > 1e-15 && candidate < step) {
            step = candidate;
            enter = j;
          }
        }
      }
      if (enter < 0) {
        break;
      }
      for (int j = 0; j < p; j++) {
        correlation[j] -= step * along[j];
      }
      active.add(enter);
      in[enter] = true;
    }
    return active;
  }
}
