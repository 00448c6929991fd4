package io.truststram.federation.strategy;

/**
 * The coordinate-wise β-trimmed mean (Yin et al. 2018): for each parameter, the ⌊βn⌋ largest and
 * ⌊βn⌋ smallest values are dropped and the rest averaged. Tolerates up to ⌊βn⌋ arbitrary updates.
 */
public final class TrimmedMean extends CoordinateWise {

  private final double beta;

  /**
   * @param beta the share trimmed from each end, in [0, 0.5)
   */
  public TrimmedMean(Sampling sampling, LocalTraining training, double beta) {
    super(sampling, training);
    if (!(beta >= 0 && beta < 0.5)) {
      throw new IllegalArgumentException("trimmed-mean needs 0 <= beta < 0.5, not " + beta);
    }
    this.beta = beta;
  }

  @Override
  public String name() {
    return "trimmed-mean";
  }

  /** As a coordinate-wise aggregator, divided by how many values each coordinate averages. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    int kept = Math.max(1, updates - 2 * (int) Math.floor(beta * updates));
    return java.util.OptionalDouble.of(2 * bound * Math.sqrt(updates + 1.0) / kept);
  }

  @Override
  protected float reduce(float[] sorted) {
    int n = sorted.length;
    int trim = (int) Math.floor(beta * n);
    double sum = 0;
    for (int i = trim; i < n - trim; i++) {
      sum += sorted[i];
    }
    return (float) (sum / (n - 2 * trim));
  }
}
