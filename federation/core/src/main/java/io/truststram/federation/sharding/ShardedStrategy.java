package io.truststram.federation.sharding;

import io.truststram.federation.strategy.ClientProfile;
import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.RoundAggregation;
import io.truststram.federation.strategy.Strategy;
import io.truststram.federation.strategy.TrainPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * A separable strategy whose aggregation runs on separate aggregation shards, each folding one
 * parameter range: the coordinator's side of sharded aggregation.
 *
 * <p>The strategy itself (here, the planner) still chooses the clients and checks updates; each
 * round opens one session per shard with the shard's range of the global model and of the server
 * state, sends every update's range to its shard as it arrives, and at the end puts the shards'
 * ranges of the next model and state back together. Shards hold the accumulators and do the
 * folding, so the coordinator's aggregation memory and CPU divide by the number of shards.
 *
 * <p>A shard that fails (down, restarted, out of sequence) does not fail the fold that found it:
 * the round's aggregation is marked broken, stops sending, and {@link RoundAggregation#finish()}
 * throws {@link ShardFailureException}. The caller then folds the round again from its stored
 * updates in a new aggregation, as the coordinator does when a round could not close. The server
 * state changes only when a round finishes.
 */
public final class ShardedStrategy implements Strategy {

  private final Strategy planner;
  private final Map<String, String> parameters;
  private final String group;
  private final ShardTransport transport;
  private Map<String, double[]> state = Map.of();

  /**
   * @param planner the strategy, configured as the shards will build it from {@code parameters}
   * @param group what shard sessions belong to (the federation): a shard keeps one session per
   *     group and range, so a new round's sessions replace those of an abandoned one
   * @throws IllegalArgumentException when the strategy is not separable
   */
  public ShardedStrategy(
      Strategy planner, Map<String, String> parameters, String group, ShardTransport transport) {
    if (!planner.separable()) {
      throw new IllegalArgumentException(
          "strategy " + planner.name() + " cannot be aggregated by parameter range");
    }
    this.planner = planner;
    this.parameters = Map.copyOf(parameters);
    this.group = group;
    this.transport = transport;
  }

  @Override
  public String name() {
    return planner.name();
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    return planner.configureTrain(round, available, random);
  }

  @Override
  public void check(ClientUpdate update, int parameterCount) {
    planner.check(update, parameterCount);
  }

  @Override
  public boolean acceptsPartialWork() {
    return planner.acceptsPartialWork();
  }

  @Override
  public boolean separable() {
    return true;
  }

  @Override
  public synchronized Map<String, double[]> serverState() {
    Map<String, double[]> copy = new TreeMap<>();
    state.forEach((name, values) -> copy.put(name, values.clone()));
    return copy;
  }

  @Override
  public synchronized void restoreServerState(Map<String, double[]> restored) {
    // The planner checks the names and leaves its own state empty: the shards hold it per round.
    planner.restoreServerState(restored);
    planner.restoreServerState(Map.of());
    Map<String, double[]> copy = new TreeMap<>();
    restored.forEach((name, values) -> copy.put(name, values.clone()));
    state = copy;
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    Map<String, double[]> current;
    synchronized (this) {
      current = state;
    }
    for (var entry : current.entrySet()) {
      if (entry.getValue().length != global.length) {
        throw new IllegalStateException(
            "server state '" + entry.getKey() + "' does not match a model of " + global.length);
      }
    }
    return new Remote(round, global, current);
  }

  private synchronized void advance(Map<String, double[]> next) {
    state = next;
  }

  /** One round's sessions, one per shard. */
  private final class Remote implements RoundAggregation {
    private final List<ParameterRange> ranges;
    private final List<UUID> sessions = new ArrayList<>();
    private final int total;
    private int accepted;
    private @Nullable Throwable failure;
    private boolean finished;

    Remote(int round, float[] global, Map<String, double[]> current) {
      this.total = global.length;
      this.ranges = ParameterRange.split(global.length, transport.shards());
      List<CompletableFuture<Void>> begun = new ArrayList<>();
      for (int shard = 0; shard < ranges.size(); shard++) {
        // One session per range: a process may serve several.
        sessions.add(UUID.randomUUID());
        ParameterRange range = ranges.get(shard);
        Map<String, double[]> slices = new HashMap<>();
        current.forEach((name, values) -> slices.put(name, range.slice(values)));
        begun.add(
            transport.begin(
                shard,
                new ShardMessages.Begin(
                    sessions.get(shard),
                    group + "/" + shard,
                    round,
                    planner.name(),
                    parameters,
                    range,
                    global.length,
                    range.slice(global),
                    slices)));
      }
      await(begun);
    }

    @Override
    public void accept(ClientUpdate update) {
      if (finished) {
        throw new IllegalStateException("the round's aggregation is finished");
      }
      planner.check(update, total);
      accepted++;
      if (failure != null) {
        return;
      }
      List<CompletableFuture<Void>> folded = new ArrayList<>();
      for (int shard = 0; shard < ranges.size(); shard++) {
        ParameterRange range = ranges.get(shard);
        folded.add(
            transport.fold(
                shard,
                new ShardMessages.Fold(
                    sessions.get(shard),
                    accepted,
                    new ClientUpdate(
                        update.clientId(),
                        range.slice(update.parameters()),
                        update.examples(),
                        update.localSteps(),
                        update.baseVersion(),
                        update.metrics()))));
      }
      await(folded);
    }

    @Override
    public int accepted() {
      return accepted;
    }

    @Override
    public float[] finish() {
      if (finished) {
        throw new IllegalStateException("finish() called twice");
      }
      finished = true;
      if (failure != null) {
        cancelAll();
        throw new ShardFailureException("an aggregation shard failed during the round", failure);
      }
      List<CompletableFuture<ShardMessages.Result>> results = new ArrayList<>();
      for (int shard = 0; shard < ranges.size(); shard++) {
        results.add(transport.finish(shard, sessions.get(shard), ranges.get(shard).length()));
      }
      List<ShardMessages.Result> parts = await(results);
      if (failure != null) {
        cancelAll();
        throw new ShardFailureException("an aggregation shard failed to finish", failure);
      }
      float[] next = new float[total];
      Map<String, double[]> nextState = new TreeMap<>();
      for (int shard = 0; shard < parts.size(); shard++) {
        ShardMessages.Result part = parts.get(shard);
        ParameterRange range = ranges.get(shard);
        if (part.accepted() != accepted) {
          throw new ShardFailureException(
              "shard " + shard + " folded " + part.accepted() + " of " + accepted + " updates",
              null);
        }
        range.place(part.parameters(), next);
        for (var entry : part.state().entrySet()) {
          range.place(
              entry.getValue(), nextState.computeIfAbsent(entry.getKey(), k -> new double[total]));
        }
      }
      advance(nextState);
      return next;
    }

    /** Waits for every future; a failure is remembered, and its value left out. */
    private <T> List<T> await(List<CompletableFuture<T>> futures) {
      List<T> values = new ArrayList<>();
      for (CompletableFuture<T> future : futures) {
        try {
          values.add(future.join());
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
          if (failure == null) {
            failure = e.getCause() == null ? e : e.getCause();
          }
        }
      }
      return values;
    }

    private void cancelAll() {
      for (int shard = 0; shard < ranges.size(); shard++) {
        transport.cancel(shard, sessions.get(shard));
      }
    }
  }
}
