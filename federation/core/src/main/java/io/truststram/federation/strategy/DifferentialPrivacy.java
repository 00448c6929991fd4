package io.truststram.federation.strategy;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Client-level central differential privacy around any strategy whose sensitivity is bounded
 * ({@code dp(fedavg)}, {@code dp(krum)}, ...), generalising DP-FedAvg (McMahan et al. 2018): each
 * client's change against the global model is clipped to L2 norm at most C, updates are weighed
 * equally (a client's example count would otherwise be its sensitivity), the strategy inside
 * aggregates the clipped updates, and Gaussian noise of standard deviation σ·S is added to its
 * result, where S is how far one update can move that result ({@link Strategy#sensitivity}: C/n for
 * an average, as DP-FedAvg counts it, 2C for Krum, more for coordinate-wise aggregators). The round
 * is then the Gaussian mechanism with noise multiplier σ, subsampled when clients are sampled; the
 * RDP accountant ({@code io.truststram.federation.privacy}) gives its ε. Strategies without a known
 * sensitivity (FedAdam, FedNova, FedBuff) are refused.
 *
 * <p>Clipping is on the server by default. With {@link Clipping#CLIENT} the clients clip before
 * sending (so that the server need never see an unclipped update, as secure aggregation requires);
 * the server clips again, which changes nothing for an honest client and bounds a dishonest one.
 *
 * <p>With adaptive clipping (Andrew et al. 2021), C follows a target quantile γ of the update
 * norms: after each round C ← C·exp(−η(b̃ − γ)), where b̃ is the share of updates that were not
 * clipped, itself noised with standard deviation σ_b. The noise on the result then uses the
 * multiplier σ_Δ = (σ⁻² − (2σ_b)⁻²)^(−1/2), so that the round as a whole still spends what σ says.
 *
 * <p>The noise comes from a {@link SecureRandom}. It is floating-point Gaussian noise, without the
 * snapping defence of Mironov (2012).
 */
public final class DifferentialPrivacy extends ForwardingStrategy {

  /** Where updates are clipped. */
  public enum Clipping {
    /** The server clips each update it receives. */
    SERVER,
    /** The clients clip their own updates, and the server clips again what it receives. */
    CLIENT;

    /** {@code server} or {@code client}. */
    public static Clipping parse(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "server" -> SERVER;
        case "client" -> CLIENT;
        default ->
            throw new IllegalArgumentException(
                "clipping must be server or client, not '" + value + "'");
      };
    }
  }

  /**
   * The privacy settings.
   *
   * @param clipNorm C, or the starting C when adaptive
   * @param noiseMultiplier σ, what the accountant is given (0 only clips)
   * @param adaptive whether C follows a quantile of the update norms
   * @param targetQuantile γ, the share of updates meant to be unclipped
   * @param clipLearningRate η
   * @param countStddev σ_b, the noise on the count of unclipped updates
   */
  public record Settings(
      double clipNorm,
      double noiseMultiplier,
      boolean adaptive,
      double targetQuantile,
      double clipLearningRate,
      double countStddev) {

    public Settings {
      if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
        throw new IllegalArgumentException("clip-norm must be positive, not " + clipNorm);
      }
      if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
        throw new IllegalArgumentException(
            "noise-multiplier must be 0 or more, not " + noiseMultiplier);
      }
      if (adaptive) {
        if (!(targetQuantile > 0 && targetQuantile < 1)) {
          throw new IllegalArgumentException(
              "target-quantile must be in (0, 1), not " + targetQuantile);
        }
        if (!(clipLearningRate > 0)) {
          throw new IllegalArgumentException(
              "clip-learning-rate must be positive, not " + clipLearningRate);
        }
        if (!(countStddev > 0)) {
          throw new IllegalArgumentException(
              "clip-count-stddev must be positive, not " + countStddev);
        }
        if (noiseMultiplier > 0 && noiseMultiplier >= 2 * countStddev) {
          throw new IllegalArgumentException(
              "with adaptive clipping the noise multiplier must be below twice clip-count-stddev"
                  + " (σ = "
                  + noiseMultiplier
                  + ", σ_b = "
                  + countStddev
                  + "): the count's noise would spend the whole budget");
        }
      }
    }

    /** Fixed clipping at C with noise multiplier σ. */
    public static Settings fixed(double clipNorm, double noiseMultiplier) {
      return new Settings(clipNorm, noiseMultiplier, false, 0.5, 0.2, 1);
    }

    /** σ_Δ: the multiplier of the noise on the result. */
    double updateNoiseMultiplier() {
      if (!adaptive || noiseMultiplier == 0) {
        return noiseMultiplier;
      }
      double rest = Math.pow(noiseMultiplier, -2) - Math.pow(2 * countStddev, -2);
      return 1 / Math.sqrt(rest);
    }
  }

  /**
   * A privacy budget: the coordinator stops the federation before a round whose ε, by the RDP
   * accountant (classic conversion), would exceed {@code epsilon} at {@code delta}.
   */
  public record Budget(double epsilon, double delta) {
    public Budget {
      if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException("target-epsilon must be positive, not " + epsilon);
      }
      if (!(delta > 0 && delta < 1)) {
        throw new IllegalArgumentException("target-delta must be in (0, 1), not " + delta);
      }
    }
  }

  private static final String CLIP_STATE = "dp.clip-norm";

  private final Settings settings;
  private final Clipping clipping;
  private final @Nullable Budget budget;
  private final Random noise;
  private final String name;
  private double clipNorm;

  /**
   * {@code inner} with central differential privacy.
   *
   * @throws IllegalArgumentException when {@code inner} has no bounded sensitivity, is already
   *     private, or a budget comes without noise
   */
  public DifferentialPrivacy(
      Strategy inner, Settings settings, Clipping clipping, @Nullable Budget budget) {
    this(inner, settings, clipping, budget, new SecureRandom(), null);
  }

  /** With a given noise source: tests only; the service uses a {@link SecureRandom}. */
  public DifferentialPrivacy(Strategy inner, Settings settings, Random noise) {
    this(inner, settings, Clipping.SERVER, null, noise, null);
  }

  DifferentialPrivacy(
      Strategy inner,
      Settings settings,
      Clipping clipping,
      @Nullable Budget budget,
      Random noise,
      @Nullable String name) {
    super(inner);
    if (Wrapper.find(inner, DifferentialPrivacy.class).isPresent()
        || Wrapper.find(inner, LocalDifferentialPrivacy.class).isPresent()) {
      throw new IllegalArgumentException("differential privacy is applied once in a chain");
    }
    if (inner().sensitivity(1, 1).isEmpty()) {
      throw new IllegalArgumentException(
          "dp cannot wrap "
              + inner().name()
              + ": how far one client's update can move its result is unbounded, so no noise"
              + " would make it private; use fedavg, fedprox, fedavgm or a robust aggregator");
    }
    if (budget != null && settings.noiseMultiplier() == 0) {
      throw new IllegalArgumentException("a privacy budget needs a noise multiplier above 0");
    }
    this.settings = settings;
    this.clipping = clipping;
    this.budget = budget;
    this.noise = noise;
    this.name = name != null ? name : "dp(" + inner().name() + ")";
    this.clipNorm = settings.clipNorm();
  }

  @Override
  public String name() {
    return name;
  }

  /** The budget the federation declared, if any. */
  public @Nullable Budget budget() {
    return budget;
  }

  public Settings settings() {
    return settings;
  }

  public Clipping clipping() {
    return clipping;
  }

  /** The clip norm the next round uses (moves with adaptive clipping). */
  public double clipNorm() {
    return clipNorm;
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    List<TrainPlan> plans = inner().configureTrain(round, available, random);
    if (clipping == Clipping.SERVER) {
      return plans;
    }
    LocalPrivacy clip = new LocalPrivacy(clipNorm, 0);
    return plans.stream()
        .map(plan -> new TrainPlan(plan.clientId(), plan.training().withPrivacy(clip)))
        .toList();
  }

  /** Clipping needs each update's whole norm. */
  @Override
  public boolean separable() {
    return false;
  }

  @Override
  public Map<String, double[]> serverState() {
    Map<String, double[]> state = new HashMap<>(inner().serverState());
    state.put(CLIP_STATE, new double[] {clipNorm});
    return state;
  }

  @Override
  public void restoreServerState(Map<String, double[]> state) {
    Map<String, double[]> rest = new HashMap<>(state);
    double[] saved = rest.remove(CLIP_STATE);
    if (saved == null && name.equals("dp-fedavg")) {
      // Checkpoints of dp-fedavg from before it was a wrapper name the clip norm plainly.
      saved = rest.remove("clip-norm");
    }
    if (saved != null) {
      if (saved.length != 1 || !(saved[0] > 0) || Double.isInfinite(saved[0])) {
        throw new IllegalArgumentException("dp's clip norm must be one positive number");
      }
      clipNorm = saved[0];
    }
    inner().restoreServerState(rest);
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    double clip = clipNorm;
    RoundAggregation aggregation = inner().beginRound(round, global);
    int[] unclipped = {0};
    return new RoundAggregation() {
      private boolean finished;

      @Override
      public void accept(ClientUpdate update) {
        WeightedAverage.check(update, global.length);
        float[] parameters = update.parameters();
        double norm = Math.sqrt(Krum.squaredDistance(parameters, global));
        double scale = norm > clip ? clip / norm : 1;
        float[] clipped = new float[global.length];
        for (int j = 0; j < clipped.length; j++) {
          clipped[j] = (float) (global[j] + scale * ((double) parameters[j] - global[j]));
        }
        aggregation.accept(
            new ClientUpdate(
                update.clientId(),
                clipped,
                1,
                update.localSteps(),
                update.baseVersion(),
                update.metrics()));
        if (norm <= clip) {
          unclipped[0]++;
        }
      }

      @Override
      public int accepted() {
        return aggregation.accepted();
      }

      @Override
      public float[] finish() {
        if (finished) {
          throw new IllegalStateException("round already finished");
        }
        finished = true;
        int accepted = aggregation.accepted();
        float[] next = aggregation.finish();
        if (accepted == 0) {
          return next;
        }
        double stddev =
            settings.updateNoiseMultiplier()
                * inner().sensitivity(accepted, clip).orElseThrow(IllegalStateException::new);
        if (stddev > 0) {
          for (int j = 0; j < next.length; j++) {
            next[j] = (float) (next[j] + stddev * noise.nextGaussian());
          }
        }
        if (settings.adaptive()) {
          double share =
              (unclipped[0] + settings.countStddev() * noise.nextGaussian()) / (double) accepted;
          clipNorm =
              clip * Math.exp(-settings.clipLearningRate() * (share - settings.targetQuantile()));
        }
        return next;
      }
    };
  }
}
