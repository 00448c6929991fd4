package io.truststram.federation.strategy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;

/**
 * Bucketing (Karimireddy, He and Jaggi 2022) in front of a robust aggregator ({@code
 * bucket(krum)}): each round's updates are shuffled into buckets of s, each bucket is averaged, and
 * the robust aggregator sees only the bucket means. Averaging shrinks the spread between honest
 * clients with different data (which robust aggregators otherwise mistake for attacks, and which
 * costs them accuracy on non-IID data) while f attackers still spoil at most f buckets. The robust
 * aggregator's assumptions then count buckets: Krum with f needs 2f + 3 buckets, so s·(2f + 3)
 * updates.
 */
public final class Bucketing extends ForwardingStrategy {

  private final int bucketSize;
  private final Random random;

  /**
   * @param bucketSize s, the updates averaged per bucket (1: no bucketing)
   * @param random the shuffle's source: a {@link SecureRandom} in service, so that no client can
   *     predict which others it shares a bucket with
   */
  public Bucketing(Strategy inner, int bucketSize, Random random) {
    super(inner);
    if (bucketSize < 1) {
      throw new IllegalArgumentException("bucket-size must be at least 1, not " + bucketSize);
    }
    if (!(Wrapper.base(inner) instanceof RobustStrategy)) {
      throw new IllegalArgumentException(
          "bucket goes in front of a robust aggregator (median, krum, ...), not "
              + inner().name()
              + ", which averages anyway");
    }
    if (Wrapper.find(inner, Bucketing.class).isPresent()) {
      throw new IllegalArgumentException("bucket is applied once in a chain");
    }
    this.bucketSize = bucketSize;
    this.random = random;
  }

  @Override
  public String name() {
    return "bucket(" + inner().name() + ")";
  }

  public int bucketSize() {
    return bucketSize;
  }

  @Override
  public boolean separable() {
    return false;
  }

  /** The robust aggregator's guarantee counts buckets. */
  @Override
  public int minimumUpdates() {
    return bucketSize * inner().minimumUpdates();
  }

  /**
   * Bucket means of clipped changes stay in the clipped ball and one update changes one bucket, so
   * the aggregator's own bound over the number of buckets holds.
   */
  @Override
  public OptionalDouble sensitivity(int updates, double bound) {
    return inner().sensitivity((updates + bucketSize - 1) / bucketSize, bound);
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    List<ClientUpdate> kept = new ArrayList<>();
    return new FoldingAggregation(global) {
      @Override
      void fold(ClientUpdate update) {
        inner().check(update, global.length);
        kept.add(update);
      }

      @Override
      float[] result(int accepted) {
        List<ClientUpdate> shuffled = new ArrayList<>(kept);
        Collections.shuffle(shuffled, random);
        RoundAggregation aggregation = inner().beginRound(round, global);
        for (int from = 0; from < shuffled.size(); from += bucketSize) {
          List<ClientUpdate> bucket =
              shuffled.subList(from, Math.min(shuffled.size(), from + bucketSize));
          aggregation.accept(mean(from / bucketSize, bucket, global.length));
        }
        return aggregation.finish();
      }
    };
  }

  private static ClientUpdate mean(int index, List<ClientUpdate> bucket, int parameters) {
    double[] sum = new double[parameters];
    long examples = 0;
    int steps = Integer.MAX_VALUE;
    for (ClientUpdate update : bucket) {
      float[] w = update.parameters();
      for (int j = 0; j < parameters; j++) {
        sum[j] += w[j];
      }
      examples += update.examples();
      steps = Math.min(steps, update.localSteps());
    }
    float[] mean = new float[parameters];
    for (int j = 0; j < parameters; j++) {
      mean[j] = (float) (sum[j] / bucket.size());
    }
    return ClientUpdate.of("bucket-" + index, mean, examples, steps);
  }
}
