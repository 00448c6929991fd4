package io.truststram.federation.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.RejectedUpdateException;
import io.truststram.federation.strategy.RoundAggregation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ShardedStrategyTest {

  /** The built-in strategies that shard by parameter range. */
  static final List<String> SEPARABLE =
      List.of(
          "fedavg",
          "fedprox",
          "fednova",
          "fedavgm",
          "fedadagrad",
          "fedadam",
          "fedyogi",
          "median",
          "trimmed-mean");

  private static final int PARAMETERS = 1_003;
  private static final Strategies STRATEGIES = Strategies.standard();

  @Test
  void everyBuiltInStrategyButFedBuffIsSeparable() {
    List<String> separable = new ArrayList<>();
    for (String name :
        List.of(
            "fedavg",
            "fedprox",
            "fednova",
            "fedavgm",
            "fedadagrad",
            "fedadam",
            "fedyogi",
            "fedbuff",
            "median",
            "trimmed-mean",
            "geometric-median")) {
      if (STRATEGIES.create(name, Map.of()).separable()) {
        separable.add(name);
      }
    }
    assertThat(separable).containsExactlyElementsOf(SEPARABLE);
  }

  @ParameterizedTest
  @FieldSource("SEPARABLE")
  void shardsComputeExactlyTheWholeModelsRoundsAndServerState(String name) {
    Map<String, String> parameters = Map.of();
    Strategy whole = STRATEGIES.create(name, parameters);
    Strategy sharded =
        new ShardedStrategy(
            STRATEGIES.create(name, parameters), parameters, "federation-1", new InMemoryShards(3));
    Random random = new Random(7);
    float[] global = vector(random, PARAMETERS);
    float[] globalSharded = global.clone();
    for (int round = 1; round <= 3; round++) {
      RoundAggregation a = whole.beginRound(round, global);
      RoundAggregation b = sharded.beginRound(round, globalSharded);
      for (int client = 0; client < 5; client++) {
        ClientUpdate update =
            new ClientUpdate(
                "c" + client,
                vector(random, PARAMETERS),
                10 + random.nextInt(90),
                1 + random.nextInt(20),
                round - 1,
                Map.of("loss", random.nextDouble()));
        a.accept(update);
        b.accept(update);
      }
      assertThat(b.accepted()).isEqualTo(5);
      global = a.finish();
      globalSharded = b.finish();
      assertThat(Arrays.mismatch(global, globalSharded)).as("round %d", round).isEqualTo(-1);
      Map<String, double[]> stateWhole = whole.serverState();
      Map<String, double[]> stateSharded = sharded.serverState();
      assertThat(stateSharded.keySet()).isEqualTo(stateWhole.keySet());
      stateWhole.forEach(
          (key, values) ->
              assertThat(Arrays.mismatch(values, stateSharded.get(key))).as(key).isEqualTo(-1));
    }
  }

  @Test
  void aShardFailingMidRoundFailsTheFinishAndAFreshAggregationFoldsTheRoundAgain() {
    InMemoryShards shards = new InMemoryShards(2);
    Strategy whole = STRATEGIES.create("fedavgm", Map.of());
    Strategy sharded =
        new ShardedStrategy(STRATEGIES.create("fedavgm", Map.of()), Map.of(), "f", shards);
    Random random = new Random(3);
    float[] global = vector(random, PARAMETERS);
    List<ClientUpdate> updates = new ArrayList<>();
    for (int client = 0; client < 4; client++) {
      updates.add(ClientUpdate.of("c" + client, vector(random, PARAMETERS), 5 + client, 3));
    }
    float[] expected = whole.aggregate(1, global, updates);

    RoundAggregation broken = sharded.beginRound(1, global);
    broken.accept(updates.get(0));
    shards.failNextFold = shard -> shard == 1;
    broken.accept(updates.get(1));
    broken.accept(updates.get(2));
    broken.accept(updates.get(3));
    assertThat(broken.accepted()).isEqualTo(4);
    assertThatThrownBy(broken::finish)
        .isInstanceOf(ShardFailureException.class)
        .hasMessageContaining("shard 1 is down");
    assertThat(sharded.serverState()).isEmpty();
    assertThat(shards.shards).allSatisfy(s -> assertThat(s.size()).isZero());

    float[] again = sharded.aggregate(1, global, updates);
    assertThat(Arrays.mismatch(again, expected)).isEqualTo(-1);
    assertThat(sharded.serverState()).containsOnlyKeys("velocity");
  }

  @Test
  void aShardThatLostItsSessionIsFoundOut() {
    InMemoryShards shards = new InMemoryShards(2);
    Strategy sharded =
        new ShardedStrategy(STRATEGIES.create("fedavg", Map.of()), Map.of(), "f", shards);
    float[] global = new float[10];
    RoundAggregation round = sharded.beginRound(1, global);
    // The shard restarted: it knows no session any more.
    shards.shards.set(
        0,
        new ShardSessions(
            STRATEGIES, 8, java.time.Duration.ofHours(1), java.time.Clock.systemUTC()));
    round.accept(ClientUpdate.of("c", new float[10], 1, 1));
    assertThatThrownBy(round::finish)
        .isInstanceOf(ShardFailureException.class)
        .hasMessageContaining("no aggregation session");
  }

  @Test
  void aBadUpdateIsRefusedBeforeAnyShardSeesIt() {
    InMemoryShards shards = new InMemoryShards(2);
    Strategy sharded =
        new ShardedStrategy(STRATEGIES.create("fedavg", Map.of()), Map.of(), "f", shards);
    RoundAggregation round = sharded.beginRound(1, new float[4]);
    float[] bad = {1, Float.NaN, 0, 0};
    assertThatThrownBy(() -> round.accept(ClientUpdate.of("c", bad, 1, 1)))
        .isInstanceOf(RejectedUpdateException.class);
    assertThat(round.accepted()).isZero();
    round.accept(ClientUpdate.of("c", new float[] {1, 2, 3, 4}, 1, 1));
    assertThat(round.finish()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void aStrategyThatIsNotSeparableIsRefused() {
    assertThatThrownBy(
            () ->
                new ShardedStrategy(
                    STRATEGIES.create("fedbuff", Map.of()), Map.of(), "f", new InMemoryShards(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be aggregated by parameter range");
  }

  @Test
  void aModelSmallerThanTheShardCountUsesFewerShards() {
    Strategy sharded =
        new ShardedStrategy(
            STRATEGIES.create("fedavg", Map.of()), Map.of(), "f", new InMemoryShards(4));
    float[] next =
        sharded.aggregate(
            1,
            new float[2],
            List.of(
                ClientUpdate.of("a", new float[] {1, 3}, 1, 1),
                ClientUpdate.of("b", new float[] {3, 5}, 3, 1)));
    assertThat(next).containsExactly(2.5f, 4.5f);
  }

  static float[] vector(Random random, int length) {
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
