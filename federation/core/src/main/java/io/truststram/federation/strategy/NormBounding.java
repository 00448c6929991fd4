package io.truststram.federation.strategy;

import java.util.List;

/**
 * Norm bounding (Sun et al. 2019): each client's change against the global model is scaled down to
 * L2 norm at most M, then the changes are averaged by examples as in FedAvg. It bounds what one
 * client, a model-replacement attacker included, can move the model by.
 */
public final class NormBounding extends RobustStrategy {

  private final double maxNorm;

  /**
   * @param maxNorm M, the largest change one client may make (positive)
   */
  public NormBounding(Sampling sampling, LocalTraining training, double maxNorm) {
    super(sampling, training);
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("norm-bounding needs max-norm > 0, not " + maxNorm);
    }
    this.maxNorm = maxNorm;
  }

  @Override
  public String name() {
    return "norm-bounding";
  }

  /** An average of changes bounded by min(C, M): one moves it by at most that over n. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.of(Math.min(bound, maxNorm) / Math.max(1, updates));
  }

  @Override
  protected float[] combine(List<Kept> updates, float[] global) {
    double[] sum = new double[global.length];
    double weights = 0;
    for (Kept update : updates) {
      float[] x = update.parameters();
      double norm = Math.sqrt(Krum.squaredDistance(x, global));
      double scale = norm > maxNorm ? maxNorm / norm : 1;
      for (int j = 0; j < sum.length; j++) {
        sum[j] += update.examples() * scale * ((double) x[j] - global[j]);
      }
      weights += update.examples();
    }
    float[] next = new float[global.length];
    for (int j = 0; j < next.length; j++) {
      next[j] = (float) (global[j] + sum[j] / weights);
    }
    return next;
  }
}
