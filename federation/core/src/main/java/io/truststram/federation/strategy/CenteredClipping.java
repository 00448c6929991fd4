package io.truststram.federation.strategy;

import java.util.List;
import java.util.Map;

/**
 * Centered clipping (Karimireddy, He and Jaggi 2021): starting from the previous round's aggregate
 * change v, each iteration moves v by the mean of the clients' differences from it, each clipped to
 * norm τ: v ← v + (1/n) Σ (xᵢ − v)·min(1, τ/‖xᵢ − v‖), where xᵢ is client i's change against the
 * global model. Updates count equally. The previous change is server state.
 */
public final class CenteredClipping extends RobustStrategy {

  private final double radius;
  private final int iterations;
  private double[] center;

  /**
   * @param radius τ, the clipping radius around the centre (positive)
   * @param iterations how many clipping steps a round takes (at least 1)
   */
  public CenteredClipping(
      Sampling sampling, LocalTraining training, double radius, int iterations) {
    super(sampling, training);
    if (!(radius > 0) || Double.isInfinite(radius) || iterations < 1) {
      throw new IllegalArgumentException("centered-clipping needs radius > 0 and iterations >= 1");
    }
    this.radius = radius;
    this.iterations = iterations;
  }

  @Override
  public String name() {
    return "centered-clipping";
  }

  @Override
  public Map<String, double[]> serverState() {
    return center == null ? Map.of() : Map.of("center", center.clone());
  }

  @Override
  public void restoreServerState(Map<String, double[]> state) {
    if (state.isEmpty()) {
      center = null;
      return;
    }
    double[] saved = state.get("center");
    if (state.size() != 1 || saved == null) {
      throw new IllegalArgumentException(
          "centered-clipping keeps only 'center': " + state.keySet());
    }
    center = saved.clone();
  }

  @Override
  protected float[] combine(List<Kept> updates, float[] global) {
    int d = global.length;
    double[] v = center != null && center.length == d ? center.clone() : new double[d];
    int n = updates.size();
    for (int iteration = 0; iteration < iterations; iteration++) {
      double[] step = new double[d];
      for (Kept update : updates) {
        float[] x = update.parameters();
        double squared = 0;
        for (int j = 0; j < d; j++) {
          double diff = ((double) x[j] - global[j]) - v[j];
          squared += diff * diff;
        }
        double norm = Math.sqrt(squared);
        double scale = norm > radius ? radius / norm : 1;
        for (int j = 0; j < d; j++) {
          step[j] += scale * (((double) x[j] - global[j]) - v[j]) / n;
        }
      }
      for (int j = 0; j < d; j++) {
        v[j] += step[j];
      }
    }
    center = v;
    float[] next = new float[d];
    for (int j = 0; j < d; j++) {
      next[j] = (float) (global[j] + v[j]);
    }
    return next;
  }
}
