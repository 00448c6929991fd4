package io.truststram.federation.strategy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Krum and Multi-Krum (Blanchard et al. 2017). Each update is scored by the sum of its squared
 * distances to its n − f − 2 nearest other updates; Krum takes the update of lowest score, and
 * Multi-Krum averages the m lowest. It assumes at most f of the n updates are Byzantine and needs n
 * > 2f + 2, checked when the strategy is made (against the fewest clients a round trains) and when
 * a round finishes.
 */
public final class Krum extends RobustStrategy {

  private final int f;
  private final int m;

  /**
   * @param f the number of Byzantine updates tolerated
   * @param m how many of the best-scored updates to average (1: Krum; more: Multi-Krum)
   */
  public Krum(Sampling sampling, LocalTraining training, int f, int m) {
    super(sampling, training);
    if (f < 0 || m < 1) {
      throw new IllegalArgumentException("krum needs f >= 0 and m >= 1, not f=" + f + ", m=" + m);
    }
    if (sampling.minClients() <= 2 * f + 2) {
      throw new IllegalArgumentException(
          "krum with f="
              + f
              + " needs more than "
              + (2 * f + 2)
              + " updates a round: set min-clients to at least "
              + (2 * f + 3));
    }
    if (m > sampling.minClients() - f) {
      throw new IllegalArgumentException(
          "multi-krum averages at most n - f updates: m=" + m + " is more than min-clients - f");
    }
    this.f = f;
    this.m = m;
  }

  @Override
  public String name() {
    return "krum";
  }

  @Override
  public int minimumUpdates() {
    return 2 * f + 3;
  }

  @Override
  protected float[] combine(List<Kept> updates, float[] global) {
    int n = updates.size();
    if (n <= 2 * f + 2) {
      throw new IllegalStateException(
          "krum with f=" + f + " needs more than " + (2 * f + 2) + " updates, the round has " + n);
    }
    double[] scores = scores(updates, f);
    int[] best =
        IntStream.range(0, n)
            .boxed()
            .sorted(Comparator.comparingDouble(i -> scores[i]))
            .limit(Math.min(m, n - f))
            .mapToInt(Integer::intValue)
            .toArray();
    float[] next = new float[global.length];
    for (int j = 0; j < next.length; j++) {
      double sum = 0;
      for (int i : best) {
        sum += updates.get(i).parameters()[j];
      }
      next[j] = (float) (sum / best.length);
    }
    return next;
  }

  /** Each update's Krum score: the sum of squared distances to its n − f − 2 nearest others. */
  static double[] scores(List<Kept> updates, int f) {
    int n = updates.size();
    double[][] distances = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        double d = squaredDistance(updates.get(a).parameters(), updates.get(b).parameters());
        distances[a][b] = d;
        distances[b][a] = d;
      }
    }
    int neighbours = n - f - 2;
    double[] scores = new double[n];
    for (int a = 0; a < n; a++) {
      double[] others = new double[n - 1];
      int k = 0;
      for (int b = 0; b < n; b++) {
        if (b != a) {
          others[k++] = distances[a][b];
        }
      }
      Arrays.sort(others);
      double score = 0;
      for (int i = 0; i < neighbours; i++) {
        score += others[i];
      }
      scores[a] = score;
    }
    return scores;
  }

  /** The squared L2 distance between two parameter vectors. */
  public static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return sum;
  }
}
