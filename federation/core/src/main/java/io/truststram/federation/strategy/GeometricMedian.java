package io.truststram.federation.strategy;

import java.util.List;

/**
 * The geometric median of the updates, as robust federated aggregation (RFA, Pillutla et al. 2022)
 * computes it: the smoothed Weiszfeld algorithm, z ← Σ wᵢxᵢ / Σ wᵢ with wᵢ = 1 / max(ν, ‖z − xᵢ‖),
 * from the mean, until the objective Σ ‖z − xᵢ‖ improves by less than a relative 1e-6 or the
 * iterations run out. Updates count equally. Its breakdown point is one half.
 */
public final class GeometricMedian extends RobustStrategy {

  private final int maxIterations;
  private final double smoothing;

  /**
   * @param maxIterations the most Weiszfeld steps
   * @param smoothing ν, the smallest distance used as a weight's denominator (positive)
   */
  public GeometricMedian(
      Sampling sampling, LocalTraining training, int maxIterations, double smoothing) {
    super(sampling, training);
    if (maxIterations < 1 || !(smoothing > 0)) {
      throw new IllegalArgumentException(
          "geometric-median needs max-iterations >= 1 and smoothing > 0");
    }
    this.maxIterations = maxIterations;
    this.smoothing = smoothing;
  }

  @Override
  public String name() {
    return "geometric-median";
  }

  @Override
  protected float[] combine(List<Kept> updates, float[] global) {
    int n = updates.size();
    int d = global.length;
    double[] z = new double[d];
    for (Kept update : updates) {
      float[] x = update.parameters();
      for (int j = 0; j < d; j++) {
        z[j] += x[j] / (double) n;
      }
    }
    double objective = objective(updates, z);
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      double[] next = new double[d];
      double total = 0;
      for (Kept update : updates) {
        float[] x = update.parameters();
        double weight = 1 / Math.max(smoothing, Math.sqrt(squaredDistance(z, x)));
        total += weight;
        for (int j = 0; j < d; j++) {
          next[j] += weight * x[j];
        }
      }
      for (int j = 0; j < d; j++) {
        next[j] /= total;
      }
      double improved = objective(updates, next);
      z = next;
      if (objective - improved <= 1e-6 * objective) {
        break;
      }
      objective = improved;
    }
    float[] out = new float[d];
    for (int j = 0; j < d; j++) {
      out[j] = (float) z[j];
    }
    return out;
  }

  private static double objective(List<Kept> updates, double[] z) {
    double sum = 0;
    for (Kept update : updates) {
      sum += Math.sqrt(squaredDistance(z, update.parameters()));
    }
    return sum;
  }

  private static double squaredDistance(double[] z, float[] x) {
    double sum = 0;
    for (int j = 0; j < z.length; j++) {
      double diff = z[j] - x[j];
      sum += diff * diff;
    }
    return sum;
  }
}
