package io.truststram.federation.strategy;

/**
 * A {@link RoundAggregation} that counts what it folds and finishes once: with no update, the
 * global model unchanged; otherwise what {@link #result} makes of the updates.
 */
abstract class FoldingAggregation implements RoundAggregation {

  private final float[] global;
  private int accepted;
  private boolean finished;

  FoldingAggregation(float[] global) {
    this.global = global;
  }

  /** Folds one update; throws {@link RejectedUpdateException} leaving the aggregate unchanged. */
  abstract void fold(ClientUpdate update);

  /** The next model from at least one folded update. */
  abstract float[] result(int accepted);

  @Override
  public final void accept(ClientUpdate update) {
    fold(update);
    accepted++;
  }

  @Override
  public final int accepted() {
    return accepted;
  }

  @Override
  public final float[] finish() {
    if (finished) {
      throw new IllegalStateException("round already finished");
    }
    finished = true;
    return accepted == 0 ? global.clone() : result(accepted);
  }
}
