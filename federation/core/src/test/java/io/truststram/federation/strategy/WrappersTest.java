package io.truststram.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Wrappers written as configuration, attack detection and FLTrust. */
class WrappersTest {

  private static final Strategies REGISTRY = Strategies.standard();
  private static final LocalTraining TRAINING = new LocalTraining(1, 32, 0.1, 0, 0);

  @Test
  void wrappersNestAsCallsAndEachLayerReadsItsOwnParameters() {
    Strategy strategy =
        REGISTRY.create(
            "dp(detect(krum))",
            Map.of(
                "f", "1",
                "noise-multiplier", "0.5",
                "quarantine-after", "2",
                "min-clients", "5"));
    assertThat(strategy.name()).isEqualTo("dp(detect(krum))");
    assertThat(Wrapper.base(strategy)).isInstanceOf(Krum.class);
    assertThat(Wrapper.find(strategy, AnomalyDetection.class)).isPresent();
    assertThat(Wrapper.find(strategy, DifferentialPrivacy.class).orElseThrow().settings())
        .extracting(DifferentialPrivacy.Settings::noiseMultiplier)
        .isEqualTo(0.5);
    assertThat(REGISTRY.wrapperNames()).contains("dp", "ldp", "detect");
    assertThatThrownBy(() -> REGISTRY.create("shield(fedavg)", Map.of()))
        .hasMessageContaining("unknown wrapper 'shield'");
    assertThatThrownBy(() -> REGISTRY.create("dp", Map.of()))
        .hasMessageContaining("wraps a strategy: write it around one, e.g. dp(fedavg)");
    assertThatThrownBy(() -> REGISTRY.create("dp(krum)", Map.of("quarantine-after", "2")))
        .hasMessageContaining("has no parameter quarantine-after");
    assertThatThrownBy(() -> REGISTRY.create("detect(detect(fedavg))", Map.of()))
        .hasMessageContaining("once in a chain");
    assertThatThrownBy(() -> REGISTRY.create("fltrust", Map.of()))
        .hasMessageContaining("root data set");
  }

  /** Nine honest clients near one direction and one that is far off: the far one is flagged. */
  private static List<ClientUpdate> round(Random random, float attack) {
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < 9; k++) {
      float[] w = new float[20];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) (0.1 + 0.02 * random.nextGaussian());
      }
      updates.add(ClientUpdate.of("honest-" + k, w, 100, 1));
    }
    float[] bad = new float[20];
    java.util.Arrays.fill(bad, attack);
    updates.add(ClientUpdate.of("attacker", bad, 100, 1));
    return updates;
  }

  @Test
  void anomalyDetectionFlagsTheOutlierAndQuarantinesItAfterKRounds() {
    AnomalyDetection detect =
        (AnomalyDetection) REGISTRY.create("detect(median)", Map.of("quarantine-after", "2"));
    Random random = new Random(7);
    float[] global = new float[20];
    detect.aggregate(1, global, round(random, -4));
    AnomalyDetection.RoundScores first = detect.lastRound();
    assertThat(first.round()).isEqualTo(1);
    assertThat(first.scores()).hasSize(10);
    AnomalyDetection.Score attacker = first.scores().getLast();
    assertThat(attacker.clientId()).isEqualTo("attacker");
    assertThat(attacker.reasons()).contains("median-distance", "norm", "krum-score");
    assertThat(attacker.cosine()).isLessThan(0);
    assertThat(first.scores().subList(0, 9)).noneMatch(AnomalyDetection.Score::flagged);
    assertThat(first.quarantined()).isEmpty();

    detect.aggregate(2, global, round(random, -4));
    assertThat(detect.lastRound().quarantined()).containsExactly("attacker");
    assertThat(detect.quarantined()).containsExactly("attacker");
    // Quarantined: not chosen again, and its updates are refused if they come anyway.
    List<ClientProfile> available =
        List.of(new ClientProfile("attacker", 100), new ClientProfile("honest-0", 100));
    assertThat(detect.configureTrain(3, available, new SplittableRandom(1)))
        .extracting(TrainPlan::clientId)
        .containsExactly("honest-0");
    RoundAggregation third = detect.beginRound(3, global);
    assertThatThrownBy(() -> third.accept(ClientUpdate.of("attacker", global.clone(), 1, 1)))
        .isInstanceOf(RejectedUpdateException.class)
        .hasMessageContaining("quarantined");
    // The flags survive a restart through the server state.
    AnomalyDetection restarted =
        (AnomalyDetection) REGISTRY.create("detect(median)", Map.of("quarantine-after", "2"));
    restarted.restoreServerState(detect.serverState());
    assertThat(restarted.quarantined()).containsExactly("attacker");
  }

  @Test
  void anEvenRoundOfHonestClientsFlagsNoOne() {
    AnomalyDetection detect = (AnomalyDetection) REGISTRY.create("detect(fedavg)", Map.of());
    Random random = new Random(9);
    int flagged = 0;
    for (int r = 1; r <= 20; r++) {
      List<ClientUpdate> honest = round(random, 0.1f).subList(0, 9);
      detect.aggregate(r, new float[20], honest);
      flagged +=
          (int)
              detect.lastRound().scores().stream().filter(AnomalyDetection.Score::flagged).count();
    }
    // 180 honest Gaussian updates at a robust z of 3.5: a false alarm is rare, not impossible.
    assertThat(flagged).isLessThanOrEqualTo(4);
  }

  @Test
  void robustZScoresIgnoreTheOutliersTheyLookFor() {
    double[] z = AnomalyDetection.robustZ(new double[] {1, 1.1, 0.9, 1.0, 50});
    assertThat(z[4]).isGreaterThan(90); // (50 − 1)/max(1.4826·0.1, 1/2)
    assertThat(z[0]).isCloseTo(0, within(1e-12));
    // The floor: half the median. 3 against a median of 2 is one floor off.
    assertThat(AnomalyDetection.robustZ(new double[] {2, 2, 2, 3})[3]).isCloseTo(1, within(1e-12));
    assertThat(AnomalyDetection.robustZ(new double[] {0, 0, 0, 1e-3})[3]).isInfinite();
  }

  @Test
  void flTrustCountsClientsByTheirAgreementWithTheRootAndRescalesThem() {
    // The root's change is (1, 0).
    FlTrust flTrust =
        new FlTrust(new Sampling(1.0, 1), TRAINING, (global, training, seed) -> new float[] {1, 0});
    float[] global = {0, 0};
    List<ClientUpdate> updates =
        List.of(
            ClientUpdate.of("along", new float[] {3, 0}, 1, 1),
            ClientUpdate.of("diagonal", new float[] {1, 1}, 1, 1),
            ClientUpdate.of("against", new float[] {-100, 0}, 1_000_000, 1));
    float[] next = flTrust.aggregate(1, global, updates);
    // Trust: 1, 1/√2, 0. Rescaled to norm 1: (1, 0) and (1/√2, 1/√2).
    double t = 1 / Math.sqrt(2);
    double x = (1 + t * t) / (1 + t);
    double y = (t * t) / (1 + t);
    assertThat((double) next[0]).isCloseTo(x, within(1e-6));
    assertThat((double) next[1]).isCloseTo(y, within(1e-6));
    // Everyone against the root: the model stays.
    float[] stay =
        flTrust.aggregate(
            2, global, List.of(ClientUpdate.of("against", new float[] {-1, 0}, 1, 1)));
    assertThat(stay).containsExactly(0, 0);
  }

  @Test
  void bucketingFeedsTheRobustAggregatorBucketMeans() {
    // Four updates in buckets of two: the median of two bucket means is their average, which is
    // the mean of all four whatever the shuffle.
    Bucketing bucketing =
        new Bucketing(new CoordinateMedian(new Sampling(1, 1), TRAINING), 2, new Random(1));
    List<ClientUpdate> updates =
        List.of(
            ClientUpdate.of("a", new float[] {1}, 1, 1),
            ClientUpdate.of("b", new float[] {2}, 1, 1),
            ClientUpdate.of("c", new float[] {3}, 1, 1),
            ClientUpdate.of("d", new float[] {6}, 1, 1));
    assertThat(bucketing.aggregate(1, new float[] {0}, updates)).containsExactly(3);
    // Krum's f counts buckets: bucket(krum) with f = 1 needs 2·5 updates.
    Strategy krum =
        REGISTRY.create("bucket(krum)", Map.of("f", "1", "bucket-size", "2", "bucket-seed", "3"));
    assertThat(krum.minimumUpdates()).isEqualTo(10);
    assertThatThrownBy(() -> REGISTRY.create("bucket(fedavg)", Map.of()))
        .hasMessageContaining("in front of a robust aggregator");
    assertThatThrownBy(() -> REGISTRY.create("bucket(median)", Map.of("bucket-size", "0")))
        .hasMessageContaining("bucket-size must be at least 1");
  }

  private static final Map<String, String> PER_STEP = Map.of("anomaly-per-step", "true");

  /**
   * Nine small clients that take one local step each and {@code heavy} that hold most of the data
   * and take 400, whose changes are 40 times theirs in the same direction (steps add up
   * sublinearly).
   */
  private static List<ClientUpdate> unevenRound(Random random, int heavy) {
    List<ClientUpdate> all = new ArrayList<>(round(random, 0).subList(0, 9));
    for (int k = 0; k < heavy; k++) {
      float[] w = new float[20];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) (4 + 0.8 * random.nextGaussian());
      }
      all.add(ClientUpdate.of("heavy-" + k, w, 4000, 400));
    }
    return all;
  }

  @Test
  void aClientThatTrainedLongerIsComparedPerLocalStep() {
    Random random = new Random(11);
    AnomalyDetection perStep = (AnomalyDetection) REGISTRY.create("detect(fedavg)", PER_STEP);
    perStep.aggregate(1, new float[20], unevenRound(random, 1));
    assertThat(perStep.lastRound().scores()).noneMatch(AnomalyDetection.Score::flagged);
    // Scored as sent (the default), its change is 40 times the others' and it is flagged.
    AnomalyDetection raw = (AnomalyDetection) REGISTRY.create("detect(fedavg)", Map.of());
    raw.aggregate(1, new float[20], unevenRound(random, 1));
    assertThat(raw.lastRound().scores().getLast().reasons())
        .contains("median-distance", "norm", "krum-score");
    // A round where one update does not say how many steps it took is scored as sent.
    List<ClientUpdate> unknown = new ArrayList<>(unevenRound(random, 1));
    unknown.set(0, ClientUpdate.of("honest-0", unknown.getFirst().parameters(), 100, 0));
    perStep.aggregate(2, new float[20], unknown);
    assertThat(perStep.lastRound().scores().getLast().reasons()).contains("norm");
  }

  @Test
  void aClientClaimingMoreStepsThanItsChangeShowsIsFlagged() {
    List<ClientUpdate> updates = new ArrayList<>(unevenRound(new Random(12), 3));
    float[] small = updates.getFirst().parameters().clone();
    updates.add(ClientUpdate.of("liar", small, 4000, 400));
    AnomalyDetection perStep = (AnomalyDetection) REGISTRY.create("detect(fedavg)", PER_STEP);
    perStep.aggregate(1, new float[20], updates);
    assertThat(perStep.lastRound().scores().getLast().reasons())
        .containsExactly("median-distance", "claimed-steps", "krum-score");
    assertThat(perStep.lastRound().scores().subList(0, 12))
        .noneMatch(AnomalyDetection.Score::flagged);
    // The fit: 40 times the change for 400 times the steps, so the liar is 40 times too small.
    double[] norms = updates.stream().mapToDouble(u -> norm(u.parameters())).toArray();
    int[] steps = updates.stream().mapToInt(ClientUpdate::localSteps).toArray();
    double[] z = AnomalyDetection.WorkFit.of(norms, steps, new boolean[norms.length]).z();
    assertThat(z[12]).isLessThan(-5);
    assertThat(java.util.Arrays.stream(z, 0, 12)).allMatch(v -> Math.abs(v) < 3.5);
  }

  @Test
  void aSignFlipperClaimingManyStepsStaysFarFromTheOthers() {
    List<ClientUpdate> updates = new ArrayList<>(round(new Random(13), 0).subList(0, 9));
    float[] flipped = new float[20];
    java.util.Arrays.fill(flipped, -0.4f);
    updates.add(ClientUpdate.of("liar", flipped, 4000, 400));
    AnomalyDetection perStep = (AnomalyDetection) REGISTRY.create("detect(fedavg)", PER_STEP);
    perStep.aggregate(1, new float[20], updates);
    // Alone at 400 steps it sets the fitted growth itself, so its size fits; scaled by that growth,
    // its change still points away from the others'.
    assertThat(perStep.lastRound().scores().getLast().reasons())
        .containsExactly("median-distance", "krum-score");
    AnomalyDetection withCosine =
        (AnomalyDetection)
            REGISTRY.create(
                "detect(fedavg)", Map.of("anomaly-per-step", "true", "min-cosine", "0"));
    withCosine.aggregate(1, new float[20], updates);
    // Its direction rejected, it is left out of the fit; the others, all of one step, show no
    // growth, so its change is also too long for any number of steps.
    assertThat(withCosine.lastRound().scores().getLast().reasons())
        .containsExactly("median-distance", "norm", "krum-score", "cosine");
    assertThat(withCosine.lastRound().scores().subList(0, 9))
        .noneMatch(AnomalyDetection.Score::flagged);
  }

  @Test
  void fortyPercentOfFlippersClaimingTheLargestClientsStepsDoNotGetItFlagged() {
    // Seven honest clients whose changes grow as τ^0.75 (give or take 30%), one of them with 2,836
    // steps; five
    // attackers (42%) send a small client's change flipped and claim the large client's steps.
    Random random = new Random(14);
    List<ClientUpdate> updates = new ArrayList<>();
    int[] honestSteps = {10, 14, 20, 28, 34, 44, 2836};
    for (int k = 0; k < honestSteps.length; k++) {
      updates.add(
          ClientUpdate.of(
              "honest-" + k,
              change(
                  random, Math.pow(honestSteps[k], 0.75) * Math.exp(0.3 * random.nextGaussian())),
              100,
              honestSteps[k]));
    }
    for (int k = 0; k < 5; k++) {
      updates.add(ClientUpdate.of("attacker-" + k, change(random, -Math.pow(20, 0.75)), 100, 2836));
    }
    AnomalyDetection detect =
        (AnomalyDetection)
            REGISTRY.create(
                "detect(fedavg)", Map.of("anomaly-per-step", "true", "min-cosine", "0"));
    detect.aggregate(1, new float[20], updates);
    List<AnomalyDetection.Score> scores = detect.lastRound().scores();
    assertThat(scores.subList(0, 7)).noneMatch(AnomalyDetection.Score::flagged);
    assertThat(scores.subList(7, 12))
        .allSatisfy(s -> assertThat(s.reasons()).contains("cosine", "claimed-steps"));
  }

  /** A change of about {@code size} times (0.1, …, 0.1), with noise, from a zero model. */
  private static float[] change(Random random, double size) {
    float[] w = new float[20];
    for (int j = 0; j < w.length; j++) {
      w[j] = (float) (size * (0.1 + 0.02 * random.nextGaussian()));
    }
    return w;
  }

  private static double norm(float[] w) {
    double squared = 0;
    for (float v : w) {
      squared += v * v;
    }
    return Math.sqrt(squared);
  }

  @Test
  void excludingFlaggedUpdatesKeepsThemOutOfTheirOwnRound() {
    Strategy detect = REGISTRY.create("detect(fedavg)", Map.of("exclude-flagged", "true"));
    List<ClientUpdate> updates = round(new Random(3), 1000);
    float[] next = detect.aggregate(1, new float[20], updates);
    float[] honestOnly =
        REGISTRY.create("fedavg", Map.of()).aggregate(1, new float[20], updates.subList(0, 9));
    assertThat(next).containsExactly(honestOnly);
    float[] all = REGISTRY.create("detect(fedavg)", Map.of()).aggregate(1, new float[20], updates);
    assertThat(all[0]).isGreaterThan(50);
    // Under differential privacy, exclusion costs the subset bound, 2C, instead of C/n.
    assertThat(REGISTRY.create("detect(fedavg)", Map.of()).sensitivity(10, 1).getAsDouble())
        .isEqualTo(0.1);
    assertThat(detect.sensitivity(10, 1).getAsDouble()).isEqualTo(2.0);
  }
}
