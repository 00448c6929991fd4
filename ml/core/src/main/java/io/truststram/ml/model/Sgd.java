package io.truststram.ml.model;

import io.truststram.ml.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Mini-batch stochastic gradient descent, with heavy-ball momentum, L2 weight decay and FedProx's
 * proximal term, reproducible from a seed: each epoch visits the rows in a fresh seeded order.
 */
public final class Sgd {

  private Sgd() {}

  /**
   * How to train.
   *
   * @param epochs passes over the data (fractional passes via {@code maxSteps})
   * @param batchSize rows per step (the last batch of an epoch may be smaller)
   * @param learningRate η
   * @param momentum ρ in {@code v ← ρ v + g; w ← w − η v} (0: plain SGD)
   * @param weightDecay λ, adding {@code λ w} to every gradient
   * @param proximalMu μ of FedProx, adding {@code μ (w − w_global)} (0: none)
   * @param maxSteps stop after this many steps even within an epoch (a straggler's partial work);
   *     0: no limit
   * @param seed the row order's seed
   * @param privacy per-example clipping and noise (DP-SGD), or null for plain SGD
   */
  public record Config(
      int epochs,
      int batchSize,
      double learningRate,
      double momentum,
      double weightDecay,
      double proximalMu,
      int maxSteps,
      long seed,
      @Nullable Private privacy) {

    /** Without DP-SGD. */
    public Config(
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        double weightDecay,
        double proximalMu,
        int maxSteps,
        long seed) {
      this(
          epochs, batchSize, learningRate, momentum, weightDecay, proximalMu, maxSteps, seed, null);
    }

    public Config {
      if (epochs < 0
          || batchSize < 1
          || !(learningRate > 0)
          || momentum < 0
          || momentum >= 1
          || weightDecay < 0
          || proximalMu < 0
          || maxSteps < 0) {
        throw new IllegalArgumentException(
            "epochs >= 0, batchSize >= 1, learningRate > 0, 0 <= momentum < 1, weightDecay >= 0,"
                + " proximalMu >= 0, maxSteps >= 0");
      }
    }

    /** This configuration with DP-SGD. */
    public Config withPrivacy(Private privacy) {
      return new Config(
          epochs,
          batchSize,
          learningRate,
          momentum,
          weightDecay,
          proximalMu,
          maxSteps,
          seed,
          privacy);
    }

    /** Plain SGD: no momentum, decay or proximal term. */
    public static Config plain(int epochs, int batchSize, double learningRate, long seed) {
      return new Config(epochs, batchSize, learningRate, 0, 0, 0, 0, seed);
    }
  }

  /**
   * DP-SGD (Abadi et al. 2016) settings: each step takes every row with probability q = batch size
   * / rows (Poisson sampling), clips each row's gradient to L2 norm at most C, sums them, adds
   * Gaussian noise of standard deviation σ·C to every coordinate, and divides by the expected batch
   * size. Each step is then the sampled Gaussian mechanism with rate q and multiplier σ for one
   * row; the RDP accountant gives the ε of all steps.
   *
   * @param clipNorm C
   * @param noiseMultiplier σ (0 clips only)
   * @param noise the noise's source: a {@link java.security.SecureRandom} outside tests, so that no
   *     one who knows the row order's seed can subtract the noise
   */
  public record Private(
      double clipNorm, double noiseMultiplier, java.util.random.RandomGenerator noise) {
    public Private {
      if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
        throw new IllegalArgumentException("the example clip norm must be positive");
      }
      if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
        throw new IllegalArgumentException("the example noise multiplier must be 0 or more");
      }
    }
  }

  /**
   * What one training run did.
   *
   * @param steps local steps taken (τ, which FedNova needs)
   * @param examples rows in the data
   * @param lastLoss the mean loss of the last epoch's batches (NaN when no step was taken)
   */
  public record Result(int steps, int examples, double lastLoss) {}

  /**
   * Trains {@code parameters} in place on {@code data}; {@code global} is the model the proximal
   * term pulls towards (may be null when μ is 0).
   */
  public static Result train(
      Classifier model, float[] parameters, Dataset data, float[] global, Config config) {
    if (parameters.length != model.parameterCount()) {
      throw new IllegalArgumentException(
          "the model has " + model.parameterCount() + " parameters, got " + parameters.length);
    }
    if (data.columns() != model.inputs()) {
      throw new IllegalArgumentException(
          "the model takes " + model.inputs() + " features, the data has " + data.columns());
    }
    if (config.proximalMu() > 0 && (global == null || global.length != parameters.length)) {
      throw new IllegalArgumentException("the proximal term needs the global parameters");
    }
    int n = data.rows();
    if (n == 0) {
      return new Result(0, 0, Double.NaN);
    }
    SplittableRandom random = new SplittableRandom(config.seed());
    float[] gradient = new float[parameters.length];
    float[] velocity = config.momentum() > 0 ? new float[parameters.length] : null;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float eta = (float) config.learningRate();
    float rho = (float) config.momentum();
    float lambda = (float) config.weightDecay();
    float mu = (float) config.proximalMu();
    int steps = 0;
    double epochLoss = Double.NaN;
    training:
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      shuffle(order, random);
      double lossSum = 0;
      int batches = 0;
      for (int start = 0; start < n; start += config.batchSize()) {
        if (config.maxSteps() > 0 && steps >= config.maxSteps()) {
          if (batches > 0) {
            epochLoss = lossSum / batches;
          }
          break training;
        }
        if (config.privacy() == null) {
          int[] batch = Arrays.copyOfRange(order, start, Math.min(n, start + config.batchSize()));
          lossSum += model.lossAndGradient(parameters, data, batch, gradient);
        } else {
          lossSum += privateGradient(model, parameters, data, config, random, gradient);
        }
        batches++;
        for (int i = 0; i < parameters.length; i++) {
          float g = gradient[i];
          if (lambda > 0) {
            g += lambda * parameters[i];
          }
          if (mu > 0) {
            g += mu * (parameters[i] - global[i]);
          }
          if (velocity != null) {
            velocity[i] = rho * velocity[i] + g;
            g = velocity[i];
          }
          parameters[i] -= eta * g;
        }
        steps++;
      }
      epochLoss = lossSum / batches;
    }
    return new Result(steps, n, epochLoss);
  }

  /**
   * One DP-SGD step's gradient into {@code gradient}: a Poisson sample of the rows, each row's
   * gradient clipped, summed, noised and divided by the expected batch size. Returns the sampled
   * rows' mean loss (0 when none was sampled).
   */
  private static double privateGradient(
      Classifier model,
      float[] parameters,
      Dataset data,
      Config config,
      SplittableRandom random,
      float[] gradient) {
    Private privacy = config.privacy();
    int n = data.rows();
    double q = Math.min(1, config.batchSize() / (double) n);
    double[] sum = new double[parameters.length];
    float[] row = new float[parameters.length];
    int[] one = new int[1];
    double loss = 0;
    int sampled = 0;
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() >= q) {
        continue;
      }
      one[0] = i;
      loss += model.lossAndGradient(parameters, data, one, row);
      sampled++;
      double squared = 0;
      for (float g : row) {
        squared += (double) g * g;
      }
      double norm = Math.sqrt(squared);
      double scale = norm > privacy.clipNorm() ? privacy.clipNorm() / norm : 1;
      for (int j = 0; j < sum.length; j++) {
        sum[j] += scale * row[j];
      }
    }
    double stddev = privacy.noiseMultiplier() * privacy.clipNorm();
    double expected = q * n;
    for (int j = 0; j < sum.length; j++) {
      double noised = stddev == 0 ? sum[j] : sum[j] + stddev * privacy.noise().nextGaussian();
      gradient[j] = (float) (noised / expected);
    }
    return sampled == 0 ? 0 : loss / sampled;
  }

  private static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }
}
