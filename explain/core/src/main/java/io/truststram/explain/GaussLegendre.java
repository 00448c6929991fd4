package io.truststram.explain;

/**
 * Gauss–Legendre quadrature on [0, 1]: the nodes and weights that path-dependent TreeSHAP's Beta
 * integrals and integrated gradients' path integral are computed with.
 */
public final class GaussLegendre {

  private GaussLegendre() {}

  /**
   * The rule of {@code n} points on [0, 1]: {nodes, weights}, exact for polynomials of degree below
   * 2n; the weights sum to 1.
   *
   * @throws IllegalArgumentException for fewer than one point
   */
  public static double[][] unitInterval(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a quadrature rule has at least one point");
    }
    double[] x = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      // Newton's method on the Legendre polynomial P_n, from Tricomi's first guess.
      double root = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double derivative = 1;
      for (int iteration = 0; iteration < 100; iteration++) {
        double p0 = 1;
        double p1 = root;
        for (int k = 2; k <= n; k++) {
          double p2 = ((2 * k - 1) * root * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        derivative = n * (root * p1 - p0) / (root * root - 1);
        double step = p1 / derivative;
        root -= step;
        if (Math.abs(step) < 1e-15) {
          break;
        }
      }
      x[i] = (1 - root) / 2;
      w[i] = 1 / ((1 - root * root) * derivative * derivative);
    }
    return new double[][] {x, w};
  }
}
