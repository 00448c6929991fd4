package io.truststram.federation.strategy;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Client-level differentially private FedAvg (DP-FedAvg, McMahan et al. 2018), with the server
 * clipping: each client's change against the global model is scaled down to L2 norm at most C, the
 * clipped changes are summed with equal weights, Gaussian noise of standard deviation σ·C is added
 * to the sum, and the sum is divided by the number of updates. One client changes the sum by at
 * most C, so the round is the Gaussian mechanism with noise multiplier σ, subsampled when clients
 * are sampled; the RDP accountant ({@code io.truststram.federation.privacy}) gives its ε.
 *
 * <p>With adaptive clipping (Andrew et al. 2021), C follows a target quantile γ of the update
 * norms: after each round C ← C·exp(−η(b̃ − γ)), where b̃ is the share of updates that were not
 * clipped, itself noised with standard deviation σ_b. The noise on the sum then uses the multiplier
 * σ_Δ = (σ⁻² − (2σ_b)⁻²)^(−1/2), so that the round as a whole still spends what σ says.
 *
 * <p>The noise comes from a {@link SecureRandom}. It is floating-point Gaussian noise, without the
 * snapping defence of Mironov (2012).
 */
public final class DpFedAvg extends FedAvg {

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

    /** σ_Δ: the multiplier of the noise on the sum of updates. */
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

  private final Settings settings;
  private final @Nullable Budget budget;
  private final Random noise;
  private double clipNorm;

  public DpFedAvg(Sampling sampling, LocalTraining training, Settings settings) {
    this(sampling, training, settings, null, new SecureRandom());
  }

  public DpFedAvg(
      Sampling sampling, LocalTraining training, Settings settings, @Nullable Budget budget) {
    this(sampling, training, settings, budget, new SecureRandom());
  }

  /** With a given noise source: tests only; the service uses a {@link SecureRandom}. */
  public DpFedAvg(Sampling sampling, LocalTraining training, Settings settings, Random noise) {
    this(sampling, training, settings, null, noise);
  }

  private DpFedAvg(
      Sampling sampling,
      LocalTraining training,
      Settings settings,
      @Nullable Budget budget,
      Random noise) {
    super(sampling, training);
    if (budget != null && settings.noiseMultiplier() == 0) {
      throw new IllegalArgumentException("a privacy budget needs a noise multiplier above 0");
    }
    this.settings = settings;
    this.budget = budget;
    this.noise = noise;
    this.clipNorm = settings.clipNorm();
  }

  /** The budget the federation declared, if any. */
  public @Nullable Budget budget() {
    return budget;
  }

  @Override
  public String name() {
    return "dp-fedavg";
  }

  public Settings settings() {
    return settings;
  }

  /** The clip norm the next round uses (moves with adaptive clipping). */
  public double clipNorm() {
    return clipNorm;
  }

  /** Clipping needs each update's whole norm. */
  @Override
  public boolean separable() {
    return false;
  }

  @Override
  public Map<String, double[]> serverState() {
    return Map.of("clip-norm", new double[] {clipNorm});
  }

  @Override
  public void restoreServerState(Map<String, double[]> state) {
    if (state.isEmpty()) {
      // A federation that has not checkpointed a round yet: the starting clip norm.
      return;
    }
    double[] saved = state.get("clip-norm");
    if (state.size() != 1 || saved == null || saved.length != 1 || !(saved[0] > 0)) {
      throw new IllegalArgumentException("dp-fedavg keeps only 'clip-norm': " + state.keySet());
    }
    clipNorm = saved[0];
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    double clip = clipNorm;
    double[] sum = new double[global.length];
    int[] unclipped = {0};
    return new FoldingAggregation(global) {
      @Override
      void fold(ClientUpdate update) {
        WeightedAverage.check(update, global.length);
        float[] parameters = update.parameters();
        double squared = 0;
        for (int j = 0; j < global.length; j++) {
          double delta = (double) parameters[j] - global[j];
          squared += delta * delta;
        }
        double norm = Math.sqrt(squared);
        double scale = norm > clip ? clip / norm : 1;
        for (int j = 0; j < global.length; j++) {
          sum[j] += scale * ((double) parameters[j] - global[j]);
        }
        if (norm <= clip) {
          unclipped[0]++;
        }
      }

      @Override
      float[] result(int accepted) {
        double stddev = settings.updateNoiseMultiplier() * clip;
        float[] next = new float[global.length];
        for (int j = 0; j < next.length; j++) {
          double noised = stddev == 0 ? sum[j] : sum[j] + stddev * noise.nextGaussian();
          next[j] = (float) (global[j] + noised / accepted);
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
