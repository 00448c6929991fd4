package io.truststram.explain.lime;

/**
 * Weighted ridge regression with an intercept, as scikit-learn's {@code Ridge(alpha,
 * fit_intercept=True)} with {@code sample_weight}: minimises Σ w_i (y_i − b − x_i·β)² + α‖β‖² (the
 * intercept not penalised), by centring on the weighted means and solving the normal equations.
 */
record Ridge(double[] coefficients, double intercept) {

  static Ridge fit(double[][] x, double[] y, double[] w, double alpha) {
    int n = y.length;
    int p = n == 0 ? 0 : x[0].length;
    double total = 0;
    double yMean = 0;
    double[] xMean = new double[p];
    for (int r = 0; r < n; r++) {
      total += w[r];
      yMean += w[r] * y[r];
      for (int j = 0; j < p; j++) {
        xMean[j] += w[r] * x[r][j];
      }
    }
    yMean /= total;
    for (int j = 0; j < p; j++) {
      xMean[j] /= total;
    }
    double[][] normal = new double[p][p];
    double[] right = new double[p];
    double[] centred = new double[p];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < p; j++) {
        centred[j] = x[r][j] - xMean[j];
      }
      double yc = y[r] - yMean;
      for (int i = 0; i < p; i++) {
        right[i] += w[r] * centred[i] * yc;
        for (int j = 0; j < p; j++) {
          normal[i][j] += w[r] * centred[i] * centred[j];
        }
      }
    }
    for (int i = 0; i < p; i++) {
      normal[i][i] += alpha;
    }
    double[] beta = solve(normal, right);
    double intercept = yMean;
    for (int j = 0; j < p; j++) {
      intercept -= beta[j] * xMean[j];
    }
    return new Ridge(beta, intercept);
  }

  /** The weighted R² on x and y: 1 − Σw(y − ŷ)² / Σw(y − ȳ_w)². */
  double score(double[][] x, double[] y, double[] w) {
    double total = 0;
    double mean = 0;
    for (int r = 0; r < y.length; r++) {
      total += w[r];
      mean += w[r] * y[r];
    }
    mean /= total;
    double residual = 0;
    double spread = 0;
    for (int r = 0; r < y.length; r++) {
      double predicted = intercept;
      for (int j = 0; j < coefficients.length; j++) {
        predicted += coefficients[j] * x[r][j];
      }
      residual += w[r] * (y[r] - predicted) * (y[r] - predicted);
      spread += w[r] * (y[r] - mean) * (y[r] - mean);
    }
    return spread == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / spread;
  }

  /**
   * lime's forward selection: adds, k times, the feature whose addition gives the best weighted R²
   * of an unpenalised fit (α = 0); the lowest index wins a tie.
   */
  static int[] forwardSelection(double[][] x, double[] y, double[] w, int k) {
    int p = x[0].length;
    int[] chosen = new int[0];
    boolean[] used = new boolean[p];
    for (int step = 0; step < Math.min(k, p); step++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < p; j++) {
        if (used[j]) {
          continue;
        }
        int[] trial = java.util.Arrays.copyOf(chosen, chosen.length + 1);
        trial[chosen.length] = j;
        double[][] columns = LimeTabular.columns(x, trial);
        double score = fit(columns, y, w, 0).score(columns, y, w);
        if (score > bestScore) {
          bestScore = score;
          best = j;
        }
      }
      used[best] = true;
      chosen = java.util.Arrays.copyOf(chosen, chosen.length + 1);
      chosen[chosen.length - 1] = best;
    }
    return chosen;
  }

  /** Gaussian elimination with partial pivoting; a singular direction gets 0. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    int[] pivotColumn = new int[n];
    int row = 0;
    for (int col = 0; col < n && row < n; col++) {
      int pivot = row;
      for (int r = row + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      if (Math.abs(m[pivot][col]) < 1e-12) {
        continue;
      }
      double[] t = m[row];
      m[row] = m[pivot];
      m[pivot] = t;
      for (int r = 0; r < n; r++) {
        if (r != row) {
          double factor = m[r][col] / m[row][col];
          for (int c = col; c <= n; c++) {
            m[r][c] -= factor * m[row][c];
          }
        }
      }
      pivotColumn[row] = col;
      row++;
    }
    double[] x = new double[n];
    for (int r = 0; r < row; r++) {
      x[pivotColumn[r]] = m[r][n] / m[r][pivotColumn[r]];
    }
    return x;
  }
}
