package io.truststram.federation.strategy;

import java.util.List;

/**
 * FLTrust (Cao, Fang, Liu and Gong 2021): the server holds a small clean root data set and trains
 * on it each round like a client, giving a trusted change g₀. Each client's change gᵢ earns the
 * trust score ReLU(cos(gᵢ, g₀)), is rescaled to g₀'s norm (so that no client gains weight by a
 * large change), and the next model is the global one plus the trust-weighted average of the
 * rescaled changes; when every score is 0 the model stays. Clients pointing away from the root's
 * direction count for nothing, however many there are.
 *
 * <p>It needs the root data on the server: the simulation and the attack benchmark give it a
 * sample; the coordinator has none to give, so {@code fltrust} is not a coordinator strategy.
 */
public final class FlTrust extends RobustStrategy {

  /** The server's own training on its root data set. */
  @FunctionalInterface
  public interface RootTraining {
    /** The model trained from {@code global} on the root data, as a client would train. */
    float[] train(float[] global, LocalTraining training, long seed);
  }

  private final RootTraining root;

  public FlTrust(Sampling sampling, LocalTraining training, RootTraining root) {
    super(sampling, training);
    this.root = root;
  }

  @Override
  public String name() {
    return "fltrust";
  }

  /** Changes are rescaled to the root's norm, which no clipping of the clients bounds. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.empty();
  }

  @Override
  protected float[] combine(List<Kept> updates, float[] global) {
    int d = global.length;
    float[] trusted = root.train(global.clone(), training(), java.util.Arrays.hashCode(global));
    double[] g0 = new double[d];
    double rootNorm = 0;
    for (int j = 0; j < d; j++) {
      g0[j] = (double) trusted[j] - global[j];
      rootNorm += g0[j] * g0[j];
    }
    rootNorm = Math.sqrt(rootNorm);
    double[] sum = new double[d];
    double trust = 0;
    for (Kept update : updates) {
      float[] w = update.parameters();
      double dot = 0;
      double squared = 0;
      for (int j = 0; j < d; j++) {
        double change = (double) w[j] - global[j];
        dot += change * g0[j];
        squared += change * change;
      }
      double norm = Math.sqrt(squared);
      if (norm == 0 || rootNorm == 0) {
        continue;
      }
      double score = Math.max(0, dot / (norm * rootNorm));
      if (score == 0) {
        continue;
      }
      double scale = score * rootNorm / norm;
      for (int j = 0; j < d; j++) {
        sum[j] += scale * ((double) w[j] - global[j]);
      }
      trust += score;
    }
    float[] next = new float[d];
    for (int j = 0; j < d; j++) {
      next[j] = (float) (trust == 0 ? global[j] : global[j] + sum[j] / trust);
    }
    return next;
  }
}
