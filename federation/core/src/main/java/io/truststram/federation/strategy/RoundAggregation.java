package io.truststram.federation.strategy;

/** One round's running aggregate: updates go in one at a time, the next global model comes out. */
public interface RoundAggregation {

  /**
   * Folds {@code update} into the aggregate.
   *
   * @throws RejectedUpdateException when the update is unusable; the aggregate is then unchanged
   */
  void accept(ClientUpdate update);

  /** How many updates were folded. */
  int accepted();

  /**
   * The next global model. With no update accepted, the global model unchanged.
   *
   * @throws IllegalStateException when called twice
   */
  float[] finish();
}
