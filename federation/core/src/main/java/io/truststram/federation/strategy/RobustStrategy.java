package io.truststram.federation.strategy;

import java.util.ArrayList;
import java.util.List;

/**
 * A Byzantine-robust aggregator: it sees every update of the round at once (a median, a distance
 * between updates), so it keeps them until the round finishes, about 4 bytes per parameter per
 * update. Clients are chosen and train as in {@link FedAvg}; updates are weighed equally, since a
 * malicious client could claim any number of examples.
 */
public abstract class RobustStrategy extends FedAvg {

  protected RobustStrategy(Sampling sampling, LocalTraining training) {
    super(sampling, training);
  }

  /**
   * The fewest updates a round needs for this aggregator's guarantee (Krum: 2f + 3, Bulyan: 4f +
   * 3); a server should not run rounds with fewer.
   */
  @Override
  public int minimumUpdates() {
    return 1;
  }

  /**
   * The result of Krum, the geometric median and centered clipping stays inside the ball of the
   * clipped changes, so one update moves it by at most the ball's diameter, 2C.
   */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.of(2 * bound);
  }

  /** One update kept for the round: its parameters and claimed examples. */
  protected record Kept(String clientId, float[] parameters, long examples) {}

  /** The next global model from the round's updates (at least one). */
  protected abstract float[] combine(List<Kept> updates, float[] global);

  /** Robust aggregators compare whole updates; coordinate-wise ones say otherwise. */
  @Override
  public boolean separable() {
    return false;
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    List<Kept> kept = new ArrayList<>();
    return new FoldingAggregation(global) {
      @Override
      void fold(ClientUpdate update) {
        WeightedAverage.check(update, global.length);
        kept.add(new Kept(update.clientId(), update.parameters(), update.examples()));
      }

      @Override
      float[] result(int accepted) {
        return combine(kept, global);
      }
    };
  }
}
