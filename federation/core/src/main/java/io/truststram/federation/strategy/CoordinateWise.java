package io.truststram.federation.strategy;

import java.util.Arrays;
import java.util.List;

/**
 * A robust aggregator that takes each parameter from that parameter's values alone, sorted: so it
 * shards by parameter range like FedAvg.
 */
public abstract class CoordinateWise extends RobustStrategy {

  protected CoordinateWise(Sampling sampling, LocalTraining training) {
    super(sampling, training);
  }

  /** One parameter of the next model from its n values over the clients, in ascending order. */
  protected abstract float reduce(float[] sorted);

  /**
   * Each coordinate of the result lies between the smallest and largest value of that coordinate,
   * so one update moves it by at most twice the largest; summed over coordinates, 2C·√(n + 1).
   */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.of(2 * bound * Math.sqrt(updates + 1.0));
  }

  @Override
  public boolean separable() {
    return true;
  }

  @Override
  protected float[] combine(List<Kept> updates, float[] global) {
    int n = updates.size();
    float[] next = new float[global.length];
    float[] column = new float[n];
    for (int j = 0; j < next.length; j++) {
      for (int i = 0; i < n; i++) {
        column[i] = updates.get(i).parameters()[j];
      }
      Arrays.sort(column);
      next[j] = reduce(column);
    }
    return next;
  }
}
