package io.truststram.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DifferentialPrivacyTest {

  private static final Sampling ALL = new Sampling(1.0, 1);
  private static final LocalTraining TRAINING = new LocalTraining(1, 32, 0.1, 0, 0);

  private static DifferentialPrivacy fixed(double clip, double sigma, long seed) {
    return new DifferentialPrivacy(
        new FedAvg(ALL, TRAINING),
        DifferentialPrivacy.Settings.fixed(clip, sigma),
        new Random(seed));
  }

  private static double norm(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /** Without noise, no client moves the model further than C, however large its update. */
  @Property(tries = 50)
  void clippingNeverLetsAChangeLargerThanTheClipNormThrough(
      @ForAll @DoubleRange(min = 0.01, max = 10) double clip,
      @ForAll @IntRange(min = 1, max = 20) int clients,
      @ForAll @IntRange(min = 0, max = 10_000) int seed) {
    Random random = new Random(seed);
    float[] global = new float[30];
    for (int j = 0; j < global.length; j++) {
      global[j] = (float) random.nextGaussian();
    }
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      float[] w = new float[global.length];
      double scale = Math.pow(10, random.nextInt(7) - 3);
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) (global[j] + scale * random.nextGaussian());
      }
      updates.add(ClientUpdate.of("c" + k, w, 1 + random.nextInt(1000), 1));
    }
    float[] next = fixed(clip, 0, seed).aggregate(1, global, updates);
    assertThat(norm(next, global)).isLessThanOrEqualTo(clip * (1 + 1e-5) + 1e-6);
  }

  @Test
  void theNoiseOnTheAverageHasStandardDeviationSigmaTimesClipOverTheCount() {
    int dimension = 200_000;
    int clients = 4;
    double clip = 0.5;
    double sigma = 1.3;
    float[] global = new float[dimension];
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      updates.add(ClientUpdate.of("c" + k, global.clone(), 10, 1));
    }
    float[] next = fixed(clip, sigma, 42).aggregate(1, global, updates);
    double mean = 0;
    for (float v : next) {
      mean += v;
    }
    mean /= dimension;
    double variance = 0;
    for (float v : next) {
      variance += (v - mean) * (v - mean);
    }
    double stddev = Math.sqrt(variance / (dimension - 1));
    double expected = sigma * clip / clients;
    // 200,000 draws: the sample standard deviation is within 1% of the true one (about 6 sigma).
    assertThat(stddev).isCloseTo(expected, within(0.01 * expected));
    assertThat(mean).isCloseTo(0, within(4 * expected / Math.sqrt(dimension)));
  }

  @Test
  void adaptiveClippingFollowsTheTargetQuantileOfTheNorms() {
    // Update norms spread evenly over [0, 2]: the median is 1. Start far off, at 0.1.
    DifferentialPrivacy dp =
        new DifferentialPrivacy(
            new FedAvg(ALL, TRAINING),
            new DifferentialPrivacy.Settings(0.1, 0, true, 0.5, 0.2, 0.5),
            new Random(3));
    float[] global = new float[2];
    Random random = new Random(5);
    for (int round = 1; round <= 300; round++) {
      List<ClientUpdate> updates = new ArrayList<>();
      for (int k = 0; k < 50; k++) {
        float length = (float) (2 * random.nextDouble());
        updates.add(ClientUpdate.of("c" + k, new float[] {length, 0}, 1, 1));
      }
      dp.aggregate(round, global, updates);
    }
    assertThat(dp.clipNorm()).isCloseTo(1.0, within(0.25));
    // The clip norm is server state, restored after a restart.
    Map<String, double[]> state = dp.serverState();
    DifferentialPrivacy restored =
        new DifferentialPrivacy(
            new FedAvg(ALL, TRAINING),
            new DifferentialPrivacy.Settings(0.1, 0, true, 0.5, 0.2, 0.5),
            new Random(4));
    restored.restoreServerState(state);
    assertThat(restored.clipNorm()).isEqualTo(dp.clipNorm());
    // A coordinator loading a federation with no checkpoint yet restores nothing.
    restored.restoreServerState(Map.of());
    assertThat(restored.clipNorm()).isEqualTo(dp.clipNorm());
  }

  @Test
  void theAdaptiveSplitKeepsTheTotalNoiseMultiplier() {
    DifferentialPrivacy.Settings settings =
        new DifferentialPrivacy.Settings(0.1, 1.0, true, 0.5, 0.2, 5);
    double sigmaDelta = settings.updateNoiseMultiplier();
    // σ⁻² = σ_Δ⁻² + (2σ_b)⁻²
    assertThat(Math.pow(sigmaDelta, -2) + Math.pow(2 * 5.0, -2)).isCloseTo(1.0, within(1e-12));
    assertThat(sigmaDelta).isGreaterThan(1.0);
  }

  @Test
  void impossibleSettingsAreRefusedWhenTheStrategyIsMade() {
    Strategies registry = Strategies.standard();
    assertThatThrownBy(() -> registry.create("dp-fedavg", Map.of("clip-norm", "0")))
        .hasMessageContaining("clip-norm must be positive");
    assertThatThrownBy(() -> registry.create("dp-fedavg", Map.of("noise-multiplier", "-1")))
        .hasMessageContaining("noise-multiplier must be 0 or more");
    assertThatThrownBy(
            () ->
                registry.create(
                    "dp-fedavg", Map.of("adaptive-clipping", "true", "target-quantile", "1")))
        .hasMessageContaining("target-quantile must be in (0, 1)");
    assertThatThrownBy(
            () ->
                registry.create(
                    "dp-fedavg",
                    Map.of(
                        "adaptive-clipping", "true",
                        "noise-multiplier", "3",
                        "clip-count-stddev", "1")))
        .hasMessageContaining("below twice clip-count-stddev");
    // A checkpoint of dp-fedavg from before it was a wrapper still restores.
    DifferentialPrivacy legacy = (DifferentialPrivacy) registry.create("dp-fedavg", Map.of());
    legacy.restoreServerState(Map.of("clip-norm", new double[] {0.7}));
    assertThat(legacy.clipNorm()).isEqualTo(0.7);
    DifferentialPrivacy made =
        (DifferentialPrivacy)
            registry.create(
                "dp-fedavg",
                Map.of("clip-norm", "2", "noise-multiplier", "1.1", "fraction", "0.1"));
    assertThat(made.settings().clipNorm()).isEqualTo(2);
    assertThat(made.separable()).isFalse();
  }

  private static float[] zeros(int n) {
    return new float[n];
  }

  /** Around Krum the noise is scaled to 2C, the diameter of the ball Krum's result stays in. */
  @Test
  void aroundKrumTheNoiseIsScaledToTheDiameterOfTheClippedBall() {
    int dimension = 100_000;
    double clip = 0.5;
    double sigma = 0.8;
    List<ClientUpdate> updates = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      updates.add(ClientUpdate.of("c" + k, zeros(dimension), 10, 1));
    }
    DifferentialPrivacy dp =
        new DifferentialPrivacy(
            new Krum(new Sampling(1.0, 5), TRAINING, 1, 1),
            DifferentialPrivacy.Settings.fixed(clip, sigma),
            new Random(11));
    float[] next = dp.aggregate(1, zeros(dimension), updates);
    double variance = 0;
    for (float v : next) {
      variance += (double) v * v;
    }
    double stddev = Math.sqrt(variance / dimension);
    assertThat(stddev).isCloseTo(sigma * 2 * clip, within(0.01 * sigma * 2 * clip));
    assertThat(dp.name()).isEqualTo("dp(krum)");
  }

  @Test
  void strategiesWithoutABoundOnOneUpdatesEffectAreRefused() {
    Strategies registry = Strategies.standard();
    assertThatThrownBy(() -> registry.create("dp(fedadam)", Map.of()))
        .hasMessageContaining("dp cannot wrap fedadam")
        .hasMessageContaining("unbounded");
    assertThatThrownBy(() -> registry.create("dp(fednova)", Map.of()))
        .hasMessageContaining("dp cannot wrap fednova");
    assertThatThrownBy(() -> registry.create("dp(ldp(fedavg))", Map.of()))
        .hasMessageContaining("applied once");
    assertThatThrownBy(() -> registry.create("dp(fedavg)", Map.of("clipping", "both")))
        .hasMessageContaining("clipping must be server or client");
  }

  /** With client-side clipping every client is told the clip norm; the server still enforces it. */
  @Test
  void clientSideClippingSendsTheClipNormToEveryClientAndTheServerStillClips() {
    Strategy dp =
        Strategies.standard()
            .create("dp(trimmed-mean)", Map.of("clipping", "client", "clip-norm", "0.25"));
    List<TrainPlan> plans =
        dp.configureTrain(
            1,
            List.of(new ClientProfile("a", 10), new ClientProfile("b", 10)),
            new java.util.SplittableRandom(1));
    assertThat(plans)
        .allSatisfy(
            plan -> assertThat(plan.training().privacy()).isEqualTo(new LocalPrivacy(0.25, 0)));
    // A client that ignores it gets clipped on arrival all the same (σ = 1: noise, so compare
    // only the direction and bound of what no noise hides: the mean of many coordinates).
    float[] global = zeros(3);
    float[] honest = plans.getFirst().training().privatise(global, new float[] {3, 4, 0}, null);
    assertThat(Math.sqrt(Krum.squaredDistance(honest, global))).isCloseTo(0.25, within(1e-6));
  }

  /** Local DP: each client adds noise calibrated by the analytic Gaussian mechanism for 2C. */
  @Test
  void localPrivacyAddsTheAnalyticGaussianNoiseForTwiceTheClipNorm() {
    LocalDifferentialPrivacy ldp =
        (LocalDifferentialPrivacy)
            Strategies.standard()
                .create(
                    "ldp(median)",
                    Map.of("local-epsilon", "2", "local-delta", "1e-5", "clip-norm", "0.5"));
    double multiplier = io.truststram.federation.privacy.NoiseCalibration.analyticGaussian(2, 1e-5);
    assertThat(ldp.noiseStddev()).isCloseTo(multiplier * 2 * 0.5, within(1e-12));
    TrainPlan plan =
        ldp.configureTrain(1, List.of(new ClientProfile("a", 1)), new java.util.SplittableRandom(2))
            .getFirst();
    int dimension = 100_000;
    float[] sent =
        plan.training()
            .privatise(zeros(dimension), zeros(dimension), new java.util.SplittableRandom(3));
    double variance = 0;
    for (float v : sent) {
      variance += (double) v * v;
    }
    assertThat(Math.sqrt(variance / dimension))
        .isCloseTo(ldp.noiseStddev(), within(0.01 * ldp.noiseStddev()));
    // Composition over rounds is counted, and grows with them.
    var once = ldp.spentAfter(1, 1e-5, io.truststram.federation.privacy.Conversion.CLASSIC);
    var ten = ldp.spentAfter(10, 1e-5, io.truststram.federation.privacy.Conversion.CLASSIC);
    assertThat(ten.epsilon()).isGreaterThan(once.epsilon());
    assertThatThrownBy(
            () -> Strategies.standard().create("ldp(fedavg)", Map.of("local-epsilon", "0")))
        .hasMessageContaining("local-epsilon must be positive");
  }
}
