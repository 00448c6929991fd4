package io.truststram.federation.strategy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A federated-learning algorithm for synchronous rounds, in the spirit of Flower's strategies: it
 * chooses the clients of each round and how they train, and folds their updates into the next
 * global model.
 *
 * <p>Aggregation streams: {@link #beginRound} returns an aggregation that takes updates one at a
 * time as they arrive, so the server holds O(model) memory however many clients report. Privacy and
 * robustness layers wrap a strategy (a decorator over this interface) rather than re-implementing
 * it. Implementations keep server-side optimiser state (momentum, moments) between rounds; they are
 * used by one round at a time.
 */
public interface Strategy {

  /** The registry name, e.g. {@code fedavg}. */
  String name();

  /**
   * The clients of round {@code round} and their local training, chosen among {@code available}.
   */
  List<TrainPlan> configureTrain(int round, List<ClientProfile> available, SplittableRandom random);

  /**
   * Starts folding round {@code round}'s updates, made from the global model {@code global}, which
   * the aggregation reads and never modifies (servers pass their own copy, a gigabyte for large
   * models, without cloning it).
   */
  RoundAggregation beginRound(int round, float[] global);

  /**
   * Checks {@code update} the way this strategy's aggregation will, against a model of {@code
   * parameters}, so that a server can refuse a bad update before it stores or acknowledges it.
   *
   * @throws RejectedUpdateException when the aggregation would refuse it
   */
  default void check(ClientUpdate update, int parameters) {
    WeightedAverage.check(update, parameters);
  }

  /**
   * Whether an update whose client trained fewer steps than asked (a straggler's partial work)
   * should be aggregated; FedAvg drops stragglers, FedProx and FedNova keep their work.
   */
  default boolean acceptsPartialWork() {
    return false;
  }

  /**
   * Whether this strategy can be aggregated by parameter range on separate shards: every parameter
   * of the next model, and of every server-state array, follows from that parameter's values in the
   * global model, the state and the updates, plus the updates' scalars (examples, steps, base
   * version), so that the strategy built over a range and given the updates' ranges computes
   * exactly that range of the whole result; and every server-state array has one value per
   * parameter. Wrappers that need a whole update at once (its norm for clipping, distances between
   * updates) are not separable. False unless a strategy says otherwise.
   */
  default boolean separable() {
    return false;
  }

  /**
   * The server-side optimiser state (momentum, moments) by name, checkpointed with each round's
   * global model so that a restarted coordinator continues where it stopped; empty for strategies
   * without state. The arrays are copies.
   */
  default Map<String, double[]> serverState() {
    return Map.of();
  }

  /**
   * Restores state that {@link #serverState} returned.
   *
   * @throws IllegalArgumentException for state this strategy does not keep
   */
  default void restoreServerState(Map<String, double[]> state) {
    if (!state.isEmpty()) {
      throw new IllegalArgumentException(name() + " keeps no server state: " + state.keySet());
    }
  }

  /**
   * The fewest updates a round needs for this strategy's guarantee (Krum: 2f + 3, Bulyan: 4f + 3);
   * a server should not run rounds with fewer. 1 for strategies without such a guarantee.
   */
  default int minimumUpdates() {
    return 1;
  }

  /**
   * How far, in L2 norm, the next global model can move when one update is added to or removed from
   * a round of {@code updates} updates whose changes against the global model each have norm at
   * most {@code bound}, all weighed equally; empty when this strategy knows no such bound.
   * Differential privacy ({@link DifferentialPrivacy}) scales its noise to it: C/n for an average
   * (the convention of DP-FedAvg, where n is public), 2C for an aggregator whose result stays
   * inside the ball of the clipped updates (Krum, geometric median), more for coordinate-wise ones.
   */
  default java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.empty();
  }

  /** Folds {@code updates} in the order given: the batch form of {@link #beginRound}. */
  default float[] aggregate(int round, float[] global, List<ClientUpdate> updates) {
    RoundAggregation aggregation = beginRound(round, global);
    updates.forEach(aggregation::accept);
    return aggregation.finish();
  }
}
