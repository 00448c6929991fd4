package io.truststram.federation.strategy;

import io.truststram.ml.tensor.Kernels;
import io.truststram.ml.tensor.Shards;

/**
 * The streaming core most strategies share: the example-weighted average of client models,
 * accumulated in double precision, with every update checked before it touches the aggregate.
 */
final class WeightedAverage {

  private final double[] sum;
  private long examples;
  private int accepted;

  WeightedAverage(int length) {
    this.sum = new double[length];
  }

  void add(ClientUpdate update) {
    check(update, sum.length);
    double weight = update.examples();
    float[] x = update.parameters();
    Shards.forEach(sum.length, (from, to) -> Kernels.accumulate(weight, x, sum, from, to));
    examples += update.examples();
    accepted++;
  }

  int accepted() {
    return accepted;
  }

  /** The average, or null when nothing was added. */
  float[] average() {
    if (accepted == 0) {
      return null;
    }
    float[] out = new float[sum.length];
    double scale = 1.0 / examples;
    Shards.forEach(sum.length, (from, to) -> Kernels.scaleInto(scale, sum, out, from, to));
    return out;
  }

  /** Refuses updates of the wrong length, with non-finite values or without examples. */
  static void check(ClientUpdate update, int length) {
    if (update.parameters().length != length) {
      throw new RejectedUpdateException(
          RejectedUpdateException.Reason.WRONG_SHAPE,
          "update of "
              + update.clientId()
              + " has "
              + update.parameters().length
              + " parameters; the model has "
              + length);
    }
    if (update.examples() < 1) {
      throw new RejectedUpdateException(
          RejectedUpdateException.Reason.NO_EXAMPLES,
          "update of " + update.clientId() + " reports no training examples");
    }
    float[] x = update.parameters();
    if (!Shards.all(x.length, (from, to) -> Kernels.allFinite(x, from, to))) {
      throw new RejectedUpdateException(
          RejectedUpdateException.Reason.NOT_FINITE,
          "update of " + update.clientId() + " holds NaN or infinite values");
    }
  }
}
