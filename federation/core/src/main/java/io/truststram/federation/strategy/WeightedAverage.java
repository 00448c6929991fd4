package io.truststram.federation.strategy;

import io.truststram.ml.tensor.Kernels;

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
    Kernels.accumulate(update.examples(), update.parameters(), sum);
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
    Kernels.scaleInto(1.0 / examples, sum, out);
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
    if (!Kernels.allFinite(update.parameters())) {
      throw new RejectedUpdateException(
          RejectedUpdateException.Reason.NOT_FINITE,
          "update of " + update.clientId() + " holds NaN or infinite values");
    }
  }
}
