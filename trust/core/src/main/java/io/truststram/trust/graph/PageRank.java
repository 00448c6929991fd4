package io.truststram.trust.graph;

import org.jspecify.annotations.Nullable;

/**
 * PageRank with personalisation, with networkx's semantics ({@code networkx.pagerank}): damping
 * {@code alpha} (0.85), a personalisation vector (uniform when none) that the random surfer jumps
 * to and that dangling nodes give their rank to, out-weights normalised per node, and convergence
 * when the L1 change falls below N × tol. The same computation as EigenTrust with a = 1 − alpha and
 * the personalisation as pre-trusted distribution, written out separately so that each checks the
 * other.
 */
public final class PageRank {

  private PageRank() {}

  /**
   * The ranks.
   *
   * @param personalization per node, a weight (not all zero), or null for uniform
   * @throws IllegalArgumentException for a bad personalisation or no convergence in {@code
   *     maxIterations}
   */
  public static double[] compute(
      Graph graph,
      double alpha,
      double @Nullable [] personalization,
      double tol,
      int maxIterations) {
    int n = graph.nodes();
    if (n == 0) {
      return new double[0];
    }
    double[] p = new double[n];
    if (personalization == null) {
      java.util.Arrays.fill(p, 1.0 / n);
    } else {
      if (personalization.length != n) {
        throw new IllegalArgumentException("one personalisation weight per node");
      }
      double sum = 0;
      for (double v : personalization) {
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new IllegalArgumentException("personalisation weights are finite, not negative");
        }
        sum += v;
      }
      if (sum == 0) {
        throw new IllegalArgumentException("the personalisation has no weight");
      }
      for (int i = 0; i < n; i++) {
        p[i] = personalization[i] / sum;
      }
    }
    double[] outWeight = new double[n];
    for (int i = 0; i < n; i++) {
      for (int e = graph.start(i); e < graph.end(i); e++) {
        if (graph.weight(e) < 0) {
          throw new IllegalArgumentException("PageRank takes no negative weights");
        }
        outWeight[i] += graph.weight(e);
      }
    }
    double[] x = p.clone();
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      double[] last = x;
      x = new double[n];
      double dangling = 0;
      for (int i = 0; i < n; i++) {
        if (outWeight[i] == 0) {
          dangling += last[i];
        }
      }
      for (int i = 0; i < n; i++) {
        if (outWeight[i] == 0) {
          continue;
        }
        for (int e = graph.start(i); e < graph.end(i); e++) {
          x[graph.target(e)] += alpha * last[i] * graph.weight(e) / outWeight[i];
        }
      }
      double error = 0;
      for (int i = 0; i < n; i++) {
        x[i] += alpha * dangling * p[i] + (1 - alpha) * p[i];
        error += Math.abs(x[i] - last[i]);
      }
      if (error < n * tol) {
        return x;
      }
    }
    throw new IllegalArgumentException(
        "PageRank did not converge in " + maxIterations + " iterations");
  }
}
