package io.truststram.federation.strategy;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * A {@link Wrapper} that passes everything to the strategy inside; a wrapper extends it and
 * overrides what it changes.
 */
public abstract class ForwardingStrategy implements Wrapper {

  private final Strategy inner;

  protected ForwardingStrategy(Strategy inner) {
    this.inner = inner;
  }

  @Override
  public final Strategy inner() {
    return inner;
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    return inner.configureTrain(round, available, random);
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    return inner.beginRound(round, global);
  }

  @Override
  public void check(ClientUpdate update, int parameters) {
    inner.check(update, parameters);
  }

  @Override
  public boolean acceptsPartialWork() {
    return inner.acceptsPartialWork();
  }

  @Override
  public boolean separable() {
    return inner.separable();
  }

  @Override
  public int minimumUpdates() {
    return inner.minimumUpdates();
  }

  @Override
  public OptionalDouble sensitivity(int updates, double bound) {
    return inner.sensitivity(updates, bound);
  }

  @Override
  public Map<String, double[]> serverState() {
    return inner.serverState();
  }

  @Override
  public void restoreServerState(Map<String, double[]> state) {
    inner.restoreServerState(state);
  }
}
