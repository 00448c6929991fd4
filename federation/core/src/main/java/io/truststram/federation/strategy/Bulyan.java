package io.truststram.federation.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bulyan (El Mhamdi, Guerraoui and Rouault 2018) over Krum: it selects θ = n − 2f updates by
 * applying Krum repeatedly (each time removing the one chosen), then, for each parameter, averages
 * the β = θ − 2f selected values closest to their median. It assumes at most f Byzantine updates
 * and needs n ≥ 4f + 3, checked when it is made (against the fewest clients a round trains) and
 * when a round finishes.
 */
public final class Bulyan extends RobustStrategy {

  private final int f;

  public Bulyan(Sampling sampling, LocalTraining training, int f) {
    super(sampling, training);
    if (f < 0) {
      throw new IllegalArgumentException("bulyan needs f >= 0, not " + f);
    }
    if (sampling.minClients() < 4 * f + 3) {
      throw new IllegalArgumentException(
          "bulyan with f="
              + f
              + " needs at least "
              + (4 * f + 3)
              + " updates a round: set min-clients to at least "
              + (4 * f + 3));
    }
    this.f = f;
  }

  @Override
  public String name() {
    return "bulyan";
  }

  @Override
  public int minimumUpdates() {
    return 4 * f + 3;
  }

  /** Coordinate-wise in its last step: each coordinate stays within its values' range. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.of(2 * bound * Math.sqrt(updates + 1.0));
  }

  @Override
  protected float[] combine(List<Kept> updates, float[] global) {
    int n = updates.size();
    if (n < 4 * f + 3) {
      throw new IllegalStateException(
          "bulyan with f=" + f + " needs at least " + (4 * f + 3) + " updates, the round has " + n);
    }
    int theta = n - 2 * f;
    List<Kept> remaining = new ArrayList<>(updates);
    List<Kept> selected = new ArrayList<>(theta);
    while (selected.size() < theta) {
      // Krum over what remains; with fewer than 2f + 3 left, its neighbourhood shrinks to what
      // there is, as in the paper's recursion.
      int fNow = Math.max(0, Math.min(f, (remaining.size() - 3) / 2));
      double[] scores = Krum.scores(remaining, fNow);
      int best = 0;
      for (int i = 1; i < scores.length; i++) {
        if (scores[i] < scores[best]) {
          best = i;
        }
      }
      selected.add(remaining.remove(best));
    }
    int beta = theta - 2 * f;
    float[] next = new float[global.length];
    float[] column = new float[theta];
    Integer[] order = new Integer[theta];
    for (int j = 0; j < next.length; j++) {
      for (int i = 0; i < theta; i++) {
        column[i] = selected.get(i).parameters()[j];
      }
      float[] sorted = column.clone();
      Arrays.sort(sorted);
      double median =
          theta % 2 == 1
              ? sorted[theta / 2]
              : ((double) sorted[theta / 2 - 1] + sorted[theta / 2]) / 2;
      for (int i = 0; i < theta; i++) {
        order[i] = i;
      }
      Arrays.sort(
          order,
          (a, b) -> Double.compare(Math.abs(column[a] - median), Math.abs(column[b] - median)));
      double sum = 0;
      for (int i = 0; i < beta; i++) {
        sum += column[order[i]];
      }
      next[j] = (float) (sum / beta);
    }
    return next;
  }
}
