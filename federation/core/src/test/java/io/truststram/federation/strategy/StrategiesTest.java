package io.truststram.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.ml.data.Dataset;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.Sgd;
import io.truststram.ml.model.SoftmaxRegression;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class StrategiesTest {

  private static final Sampling ALL = new Sampling(1.0, 1);
  private static final LocalTraining ONE_STEP = new LocalTraining(1, 1_000_000, 0.1, 0, 0);
  private static final Strategies REGISTRY = Strategies.standard();

  /**
   * The registry's strategies that fold updates in rounds: all but the asynchronous FedBuff and the
   * robust aggregators, which keep the round's updates and have their own tests
   * (RobustStrategiesTest).
   */
  private static List<String> roundBased() {
    return REGISTRY.names().stream()
        .filter(name -> !name.equals("fltrust"))
        .filter(
            name -> {
              Strategy strategy = REGISTRY.create(name, Map.of());
              return !(strategy instanceof FedBuffStrategy
                  || strategy instanceof RobustStrategy
                  || strategy instanceof DifferentialPrivacy);
            })
        .toList();
  }

  @Test
  void fedAvgOfOneFullBatchStepPerClientIsOneCentralisedStepOnTheUnion() {
    Dataset all =
        Synthetic.generateIid(1, 1).getFirst().train().subset(IntStream.range(0, 90).toArray());
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    float[] global = model.initialParameters(0);
    for (int i = 0; i < global.length; i++) {
      global[i] = 0.01f * (i % 7 - 3);
    }
    // Three clients of different sizes.
    int[][] parts = {range(0, 10), range(10, 40), range(40, 90)};
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < parts.length; k++) {
      Dataset local = all.subset(parts[k]);
      float[] w = global.clone();
      Sgd.Result result = Sgd.train(model, w, local, null, ONE_STEP.sgd(0, k));
      assertThat(result.steps()).isEqualTo(1);
      updates.add(ClientUpdate.of("c" + k, w, local.rows(), result.steps()));
    }
    float[] federated = new FedAvg(ALL, ONE_STEP).aggregate(1, global, updates);

    float[] central = global.clone();
    Sgd.train(model, central, all, null, ONE_STEP.sgd(0, 9));
    for (int i = 0; i < central.length; i++) {
      assertThat(federated[i]).as("parameter %d", i).isCloseTo(central[i], within(1e-6f));
    }
  }

  @Test
  void fedNovaIsFedAvgWhenEveryClientTookTheSameNumberOfSteps() {
    float[] global = {1, 2, 3};
    List<ClientUpdate> updates =
        List.of(
            ClientUpdate.of("a", new float[] {0.5f, 2.5f, 3}, 10, 4),
            ClientUpdate.of("b", new float[] {1.5f, 1, 2}, 30, 4));
    LocalTraining sgd = new LocalTraining(1, 8, 0.1, 0, 0);
    assertThat(new FedNova(ALL, sgd).aggregate(1, global, updates))
        .containsExactly(new FedAvg(ALL, sgd).aggregate(1, global, updates));
  }

  @Test
  void fedNovaNormalisesByTheSteps() {
    // a took 1 step, b took 3: p = (1/2, 1/2), tau_eff = 2; x - 2 * (1/2 * d_a / 1 + 1/2 * d_b / 3)
    float[] global = {0};
    List<ClientUpdate> updates =
        List.of(
            ClientUpdate.of("a", new float[] {-1}, 5, 1),
            ClientUpdate.of("b", new float[] {-3}, 5, 3));
    float[] next =
        new FedNova(ALL, new LocalTraining(1, 8, 0.1, 0, 0)).aggregate(1, global, updates);
    assertThat(next[0]).isCloseTo(-2f, within(1e-6f));
    // FedAvg, biased towards the client that took more steps: -2 as well here by symmetry of sizes,
    // so compare a lopsided case: b with 3x the data.
    List<ClientUpdate> lopsided =
        List.of(
            ClientUpdate.of("a", new float[] {-1}, 5, 1),
            ClientUpdate.of("b", new float[] {-3}, 15, 3));
    // p = (1/4, 3/4), tau_eff = 1/4 + 9/4 = 2.5; x = -2.5 * (1/4 * 1 + 3/4 * 1) = -2.5
    assertThat(
            new FedNova(ALL, new LocalTraining(1, 8, 0.1, 0, 0)).aggregate(1, global, lopsided)[0])
        .isCloseTo(-2.5f, within(1e-6f));
    assertThat(new FedAvg(ALL, ONE_STEP).aggregate(1, global, lopsided)[0])
        .isCloseTo(-2.5f, within(1e-6f));
  }

  @Test
  void fedNovasNormalisingFactorsFollowThePaper() {
    assertThat(new LocalTraining(1, 1, 0.1, 0, 0).normalisingFactor(5)).isEqualTo(5.0);
    // momentum 0.5, tau 3: [3 - 0.5 (1 - 0.125) / 0.5] / 0.5 = (3 - 0.875) / 0.5 = 4.25
    assertThat(new LocalTraining(1, 1, 0.1, 0.5, 0).normalisingFactor(3))
        .isCloseTo(4.25, within(1e-12));
    // proximal, alpha = 0.1 * 2 = 0.2, tau 2: (1 - 0.64) / 0.2 = 1.8
    assertThat(new LocalTraining(1, 1, 0.1, 0, 2).normalisingFactor(2))
        .isCloseTo(1.8, within(1e-12));
  }

  @Test
  void fedAdamFedYogiAndFedAdagradFollowTheirFormulasOnHandComputedVectors() {
    float[] global = {1.0f, -1.0f};
    // One client at (1.5, -2): delta = (0.5, -1).
    List<ClientUpdate> round = List.of(ClientUpdate.of("a", new float[] {1.5f, -2f}, 1, 1));
    FedOpt.Server server = new FedOpt.Server(0.1, 0.9, 0.99, 0.5);
    // m = 0.1 delta = (0.05, -0.1); v0 = tau^2 = 0.25.
    // Adagrad: v = 0.25 + delta^2 = (0.5, 1.25)
    double[] adagrad = {
      1 + 0.1 * 0.05 / (Math.sqrt(0.5) + 0.5), -1 + 0.1 * -0.1 / (Math.sqrt(1.25) + 0.5)
    };
    // Adam: v = 0.99 * 0.25 + 0.01 * delta^2 = (0.25, 0.2575)
    double[] adam = {
      1 + 0.1 * 0.05 / (Math.sqrt(0.25) + 0.5), -1 + 0.1 * -0.1 / (Math.sqrt(0.2575) + 0.5)
    };
    // Yogi: v = 0.25 - 0.01 * delta^2 * sign(0.25 - delta^2) = (0.25 - 0.0025 * 0, 0.25 + 0.01)
    double[] yogi = {
      1 + 0.1 * 0.05 / (Math.sqrt(0.25) + 0.5), -1 + 0.1 * -0.1 / (Math.sqrt(0.26) + 0.5)
    };
    assertVector(new FedOpt.FedAdagrad(ALL, ONE_STEP, server).aggregate(1, global, round), adagrad);
    assertVector(new FedOpt.FedAdam(ALL, ONE_STEP, server).aggregate(1, global, round), adam);
    assertVector(new FedOpt.FedYogi(ALL, ONE_STEP, server).aggregate(1, global, round), yogi);

    // Moments carry over: a second identical round with FedAdam.
    FedOpt.FedAdam adamTwice = new FedOpt.FedAdam(ALL, ONE_STEP, server);
    float[] first = adamTwice.aggregate(1, global, round);
    float[] second =
        adamTwice.aggregate(
            2,
            first,
            List.of(ClientUpdate.of("a", new float[] {first[0] + 0.5f, first[1] - 1f}, 1, 1)));
    double m0 = 0.9 * 0.05 + 0.1 * 0.5;
    double v0 = 0.99 * 0.25 + 0.01 * 0.25;
    assertThat((double) second[0])
        .isCloseTo(first[0] + 0.1 * m0 / (Math.sqrt(v0) + 0.5), within(1e-6));
  }

  @Test
  void serverMomentumWithoutMomentumIsFedAvgAndWithItRemembers() {
    float[] global = {1, 1};
    List<ClientUpdate> round = List.of(ClientUpdate.of("a", new float[] {0, 2}, 1, 1));
    assertThat(new FedAvgM(ALL, ONE_STEP, 1.0, 0).aggregate(1, global, round))
        .containsExactly(new FedAvg(ALL, ONE_STEP).aggregate(1, global, round));
    FedAvgM momentum = new FedAvgM(ALL, ONE_STEP, 1.0, 0.5);
    float[] first = momentum.aggregate(1, global, round); // v = (1, -1): x = (0, 2)
    assertThat(first).containsExactly(0f, 2f);
    // Clients agree with the model now (delta 0), yet momentum moves it on: v = (0.5, -0.5).
    float[] second =
        momentum.aggregate(2, first, List.of(ClientUpdate.of("a", first.clone(), 1, 1)));
    assertThat(second).containsExactly(-0.5f, 2.5f);
  }

  @Test
  void aggregationShardedAcrossThreadsByParameterRangeEqualsTheSerialOneExactly() {
    int length = 3 * io.truststram.ml.tensor.Shards.MIN_PER_SHARD + 17;
    Random random = new Random(5);
    float[] global = new float[length];
    for (int i = 0; i < length; i++) {
      global[i] = (float) random.nextGaussian();
    }
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      float[] w = new float[length];
      for (int i = 0; i < length; i++) {
        w[i] = global[i] + (float) random.nextGaussian() * 0.1f;
      }
      updates.add(ClientUpdate.of("c" + k, w, 10 + k, 2 + k));
    }
    try {
      for (String name : roundBased()) {
        io.truststram.ml.tensor.Shards.setMaxShards(1);
        Strategy serial = REGISTRY.create(name, Map.of());
        float[] one = serial.aggregate(1, global, updates);
        float[] two = serial.aggregate(2, one, updates);
        io.truststram.ml.tensor.Shards.setMaxShards(4);
        assertThat(io.truststram.ml.tensor.Shards.count(length)).isEqualTo(3);
        Strategy sharded = REGISTRY.create(name, Map.of());
        float[] shardedOne = sharded.aggregate(1, global, updates);
        // Arrays.mismatch, not containsExactly: AssertJ's diff of a million floats never ends.
        assertThat(java.util.Arrays.mismatch(shardedOne, one)).as(name).isEqualTo(-1);
        assertThat(java.util.Arrays.mismatch(sharded.aggregate(2, shardedOne, updates), two))
            .as(name)
            .isEqualTo(-1);
      }
    } finally {
      io.truststram.ml.tensor.Shards.setMaxShards(Runtime.getRuntime().availableProcessors());
    }
  }

  @Test
  void aStrategyRestoredFromItsServerStateContinuesExactlyAsTheOriginal() {
    float[] global = {1, -1, 0.5f};
    List<ClientUpdate> first = List.of(ClientUpdate.of("a", new float[] {0, 2, 1}, 3, 1));
    List<ClientUpdate> second = List.of(ClientUpdate.of("a", new float[] {2, 0, -1}, 3, 1));
    for (String name : List.of("fedavgm", "fedadam", "fedyogi", "fedadagrad")) {
      Strategy original = REGISTRY.create(name, Map.of());
      assertThat(original.serverState()).as(name).isEmpty();
      float[] afterFirst = original.aggregate(1, global, first);
      Map<String, double[]> saved = original.serverState();
      assertThat(saved).as(name).isNotEmpty();

      Strategy restored = REGISTRY.create(name, Map.of());
      restored.restoreServerState(saved);
      assertThat(restored.aggregate(2, afterFirst, second))
          .as(name)
          .containsExactly(original.aggregate(2, afterFirst, second));
    }
    assertThatThrownBy(
            () ->
                REGISTRY.create("fedavg", Map.of()).restoreServerState(Map.of("m", new double[1])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                REGISTRY.create("fedadam", Map.of()).restoreServerState(Map.of("m", new double[1])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 200)
  void aggregationDoesNotDependOnTheOrderUpdatesArriveIn(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = -4000, max = 4000) Integer> units,
      @ForAll long seed) {
    // Values on a 1/64 grid and integer weights: every partial sum is exact in double, so any two
    // orders must agree to the last bit.
    float[] global = {0.25f, -0.5f};
    List<ClientUpdate> updates = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      updates.add(
          ClientUpdate.of(
              "c" + i, new float[] {units.get(i) / 64f, -units.get(i) / 32f}, 1 + (i % 3), 2));
    }
    List<ClientUpdate> shuffled = new ArrayList<>(updates);
    Collections.shuffle(shuffled, new Random(seed));
    for (String name :
        List.of("fedavg", "fedprox", "fednova", "fedavgm", "fedadam", "fedyogi", "fedadagrad")) {
      float[] a = REGISTRY.create(name, Map.of()).aggregate(1, global, updates);
      float[] b = REGISTRY.create(name, Map.of()).aggregate(1, global, shuffled);
      assertThat(b).as(name).containsExactly(a);
    }
  }

  @Test
  void streamingAndBatchAggregationAgree() {
    float[] global = new float[1000];
    Random random = new Random(3);
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      float[] w = new float[global.length];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian();
      }
      updates.add(ClientUpdate.of("c" + k, w, 1 + random.nextInt(100), 1 + random.nextInt(5)));
    }
    for (String name : roundBased()) {
      float[] batch = REGISTRY.create(name, Map.of()).aggregate(1, global, updates);
      RoundAggregation streaming = REGISTRY.create(name, Map.of()).beginRound(1, global);
      // Arriving from several threads, in whatever order they finish.
      List<ClientUpdate> arrival = new ArrayList<>(updates);
      Collections.shuffle(arrival, new Random(11));
      arrival.parallelStream()
          .forEach(
              update -> {
                synchronized (streaming) {
                  streaming.accept(update);
                }
              });
      float[] streamed = streaming.finish();
      for (int i = 0; i < batch.length; i++) {
        // Double accumulation: only the final rounding to float can differ.
        assertThat(streamed[i])
            .as("%s[%d]", name, i)
            .isCloseTo(batch[i], within(Math.ulp(batch[i]) * 2 + 1e-7f));
      }
    }
  }

  @Test
  void badUpdatesAreRefusedAndLeaveTheAggregateUntouched() {
    float[] global = {1, 2};
    RoundAggregation round = new FedAvg(ALL, ONE_STEP).beginRound(1, global);
    assertThatThrownBy(() -> round.accept(ClientUpdate.of("x", new float[3], 1, 1)))
        .isInstanceOf(RejectedUpdateException.class)
        .extracting(e -> ((RejectedUpdateException) e).reason())
        .isEqualTo(RejectedUpdateException.Reason.WRONG_SHAPE);
    assertThatThrownBy(() -> round.accept(ClientUpdate.of("x", new float[] {Float.NaN, 0}, 1, 1)))
        .extracting(e -> ((RejectedUpdateException) e).reason())
        .isEqualTo(RejectedUpdateException.Reason.NOT_FINITE);
    assertThatThrownBy(() -> round.accept(ClientUpdate.of("x", new float[] {0, 0}, 0, 1)))
        .extracting(e -> ((RejectedUpdateException) e).reason())
        .isEqualTo(RejectedUpdateException.Reason.NO_EXAMPLES);
    round.accept(ClientUpdate.of("good", new float[] {3, 4}, 2, 1));
    assertThat(round.accepted()).isEqualTo(1);
    assertThat(round.finish()).containsExactly(3f, 4f);
    assertThatThrownBy(round::finish).isInstanceOf(IllegalStateException.class);
    assertThat(new FedAvg(ALL, ONE_STEP).beginRound(2, global).finish()).containsExactly(1f, 2f);
  }

  @Test
  void aRestoredFedBuffContinuesAsTheOriginal() {
    FedBuffStrategy strategy =
        (FedBuffStrategy)
            REGISTRY.create("fedbuff", Map.of("buffer-size", "2", "max-staleness", "1"));
    assertThat(roundBased()).doesNotContain("fedbuff").contains("fedavg");
    assertThatThrownBy(() -> strategy.beginRound(1, new float[1]))
        .isInstanceOf(UnsupportedOperationException.class);
    FedBuff original = strategy.buffer(0, Map.of(0L, new float[] {0, 0}));
    original.accept(new ClientUpdate("a", new float[] {1, 1}, 1, 1, 0, Map.of()));
    original.accept(new ClientUpdate("b", new float[] {3, 1}, 1, 1, 0, Map.of()));
    assertThat(original.version()).isEqualTo(1);
    FedBuff restored = strategy.buffer(1, Map.of(0L, new float[] {0, 0}, 1L, original.model()));
    for (FedBuff buff : List.of(original, restored)) {
      buff.accept(new ClientUpdate("c", new float[] {2, 2}, 1, 1, 0, Map.of()));
      buff.accept(new ClientUpdate("d", new float[] {4, 0}, 1, 1, 1, Map.of()));
    }
    assertThat(restored.version()).isEqualTo(2);
    assertThat(restored.model()).containsExactly(original.model());
    assertThatThrownBy(
            () -> restored.accept(new ClientUpdate("e", new float[] {0, 0}, 1, 1, 0, Map.of())))
        .isInstanceOf(RejectedUpdateException.class);
  }

  @Test
  void fedBuffAdvancesEveryKReportsWeightingStaleOnesDown() {
    FedBuff buff = new FedBuff(new float[] {0}, 2, 1.0, 1);
    assertThat(buff.accept(new ClientUpdate("a", new float[] {1}, 1, 1, 0, Map.of()))).isEmpty();
    assertThat(buff.accept(new ClientUpdate("b", new float[] {3}, 1, 1, 0, Map.of()))).hasValue(1);
    assertThat(buff.model()).containsExactly(2f); // (1 + 3) / 2
    // A report on version 0 now has staleness 1: weight 1/sqrt(2).
    buff.accept(new ClientUpdate("c", new float[] {2}, 1, 1, 0, Map.of()));
    assertThat(buff.accept(new ClientUpdate("d", new float[] {2}, 1, 1, 1, Map.of()))).hasValue(2);
    assertThat((double) buff.model()[0]).isCloseTo(2 + (2 / Math.sqrt(2) + 0) / 2, within(1e-6));
    // Version 0 is now two behind, beyond maxStaleness 1.
    assertThatThrownBy(() -> buff.accept(new ClientUpdate("e", new float[] {9}, 1, 1, 0, Map.of())))
        .extracting(e -> ((RejectedUpdateException) e).reason())
        .isEqualTo(RejectedUpdateException.Reason.TOO_STALE);
    assertThatThrownBy(() -> buff.accept(new ClientUpdate("f", new float[] {9}, 1, 1, 7, Map.of())))
        .isInstanceOf(RejectedUpdateException.class);
  }

  @Test
  void theRegistryNamesStrategiesReadsTheirParametersAndRefusesTypos() {
    assertThat(REGISTRY.names())
        .contains(
            "fedavg",
            "fedavgm",
            "fedprox",
            "fednova",
            "fedadagrad",
            "fedadam",
            "fedyogi",
            "test-median");
    Strategy prox =
        REGISTRY.create("fedprox", Map.of("mu", "0.5", "epochs", "20", "fraction", "0.1"));
    assertThat(prox.name()).isEqualTo("fedprox");
    assertThat(prox.acceptsPartialWork()).isTrue();
    assertThat(((FedAvg) prox).training().proximalMu()).isEqualTo(0.5);
    assertThat(prox.configureTrain(1, clients(100), new SplittableRandom(1))).hasSize(10);

    assertThatThrownBy(() -> REGISTRY.create("fedsgd", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy 'fedsgd'");
    assertThatThrownBy(() -> REGISTRY.create("fedavg", Map.of("learning_rate", "0.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("strategy fedavg has no parameter learning_rate");
    assertThatThrownBy(() -> REGISTRY.create("fedavg", Map.of("fraction", "2")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> REGISTRY.create("fedprox", Map.of("mu", "0")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> REGISTRY.create("fedadam", Map.of("tau", "x")))
        .hasMessage("tau must be a number: 'x'");
  }

  @Test
  void aCustomStrategyOnTheClasspathIsFoundAndUsed() {
    Strategy median = REGISTRY.create("test-median", Map.of());
    float[] next =
        median.aggregate(
            1,
            new float[] {0},
            List.of(
                ClientUpdate.of("a", new float[] {1}, 1, 1),
                ClientUpdate.of("b", new float[] {100}, 1, 1),
                ClientUpdate.of("c", new float[] {2}, 1, 1)));
    assertThat(next).containsExactly(2f);
  }

  @Test
  void samplingTakesAFractionButNoFewerThanTheMinimum() {
    assertThat(new Sampling(0.1, 5).choose(clients(20), new SplittableRandom(1))).hasSize(5);
    assertThat(new Sampling(0.5, 1).choose(clients(20), new SplittableRandom(1))).hasSize(10);
    assertThat(new Sampling(0.5, 30).choose(clients(20), new SplittableRandom(1))).hasSize(20);
    assertThat(new Sampling(0.5, 1).choose(clients(20), new SplittableRandom(1)))
        .doesNotHaveDuplicates();
  }

  private static List<ClientProfile> clients(int n) {
    return IntStream.range(0, n).mapToObj(i -> new ClientProfile("c" + i, 10)).toList();
  }

  private static void assertVector(float[] actual, double[] expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-6));
    }
  }

  private static int[] range(int from, int to) {
    return IntStream.range(from, to).toArray();
  }
}
