package io.truststram.federation.strategy;

import java.util.random.RandomGenerator;

/**
 * What a client does for privacy when it trains, when a strategy asks:
 *
 * <ul>
 *   <li>DP-SGD inside local training: each example's gradient clipped to {@code exampleClipNorm}
 *       and Gaussian noise of {@code exampleNoiseMultiplier} times that added to each step
 *       (sample-level privacy: no one example of the client's shows through its update);
 *   <li>then its change against the global model clipped to L2 norm at most {@code clipNorm}
 *       (client-side clipping, so that the server never needs to see an unclipped update);
 *   <li>then Gaussian noise of standard deviation {@code noiseStddev} added to every parameter
 *       (local differential privacy: the client trusts no one with its exact update).
 * </ul>
 *
 * A 0 turns a step off.
 *
 * @param clipNorm C, the largest change a client sends (0: not clipped)
 * @param noiseStddev the standard deviation of the noise the client adds (0: none)
 * @param exampleClipNorm DP-SGD's per-example clip norm (0: no DP-SGD)
 * @param exampleNoiseMultiplier DP-SGD's noise multiplier
 */
public record LocalPrivacy(
    double clipNorm, double noiseStddev, double exampleClipNorm, double exampleNoiseMultiplier) {

  public LocalPrivacy {
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clip-norm must be positive, not " + clipNorm);
    }
    if (!(noiseStddev >= 0) || Double.isInfinite(noiseStddev)) {
      throw new IllegalArgumentException("local noise must be 0 or more, not " + noiseStddev);
    }
    if (noiseStddev > 0 && clipNorm == 0) {
      throw new IllegalArgumentException("local noise needs a clip norm");
    }
    if (!(exampleClipNorm >= 0) || Double.isInfinite(exampleClipNorm)) {
      throw new IllegalArgumentException(
          "example-clip-norm must be positive, not " + exampleClipNorm);
    }
    if (!(exampleNoiseMultiplier >= 0) || Double.isInfinite(exampleNoiseMultiplier)) {
      throw new IllegalArgumentException(
          "example-noise-multiplier must be 0 or more, not " + exampleNoiseMultiplier);
    }
  }

  /** Clipping the update to {@code clipNorm} and adding {@code noiseStddev}, no DP-SGD. */
  public LocalPrivacy(double clipNorm, double noiseStddev) {
    this(clipNorm, noiseStddev, 0, 0);
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clip-norm must be positive, not " + clipNorm);
    }
  }

  /** Only DP-SGD. */
  public static LocalPrivacy dpSgd(double exampleClipNorm, double exampleNoiseMultiplier) {
    if (!(exampleClipNorm > 0)) {
      throw new IllegalArgumentException(
          "example-clip-norm must be positive, not " + exampleClipNorm);
    }
    return new LocalPrivacy(0, 0, exampleClipNorm, exampleNoiseMultiplier);
  }

  /** Both sets of steps: {@code other}'s where this one has none. */
  public LocalPrivacy merge(LocalPrivacy other) {
    return new LocalPrivacy(
        clipNorm > 0 ? clipNorm : other.clipNorm,
        noiseStddev > 0 ? noiseStddev : other.noiseStddev,
        exampleClipNorm > 0 ? exampleClipNorm : other.exampleClipNorm,
        exampleClipNorm > 0 ? exampleNoiseMultiplier : other.exampleNoiseMultiplier);
  }

  /** Whether local training runs DP-SGD. */
  public boolean dpSgd() {
    return exampleClipNorm > 0;
  }

  /**
   * {@code parameters} (a client's trained model, changed in place) with its change against {@code
   * global} clipped and noised, as asked.
   */
  public float[] apply(float[] global, float[] parameters, RandomGenerator random) {
    if (global.length != parameters.length) {
      throw new IllegalArgumentException(
          "the update has " + parameters.length + " parameters, the model " + global.length);
    }
    if (clipNorm == 0) {
      return parameters;
    }
    double norm = Math.sqrt(Krum.squaredDistance(parameters, global));
    double scale = norm > clipNorm ? clipNorm / norm : 1;
    for (int j = 0; j < parameters.length; j++) {
      double change = scale * ((double) parameters[j] - global[j]);
      if (noiseStddev > 0) {
        change += noiseStddev * random.nextGaussian();
      }
      parameters[j] = (float) (global[j] + change);
    }
    return parameters;
  }
}
