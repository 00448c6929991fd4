package io.truststram.federation.strategy;

/**
 * The coordinate-wise median of the updates (Yin et al. 2018): each parameter is the median of that
 * parameter over the clients, the mean of the two middle values for an even count. Tolerates fewer
 * than half the updates being arbitrary.
 */
public final class CoordinateMedian extends CoordinateWise {

  public CoordinateMedian(Sampling sampling, LocalTraining training) {
    super(sampling, training);
  }

  @Override
  public String name() {
    return "median";
  }

  @Override
  protected float reduce(float[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (float) (((double) sorted[n / 2 - 1] + sorted[n / 2]) / 2);
  }
}
