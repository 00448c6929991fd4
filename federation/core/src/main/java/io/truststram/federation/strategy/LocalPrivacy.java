package io.truststram.federation.strategy;

import java.util.random.RandomGenerator;

/**
 * What a client does to its own update before sending it, when a strategy asks: clip its change
 * against the global model to L2 norm at most {@code clipNorm} (client-side clipping, so that the
 * server never needs to see an unclipped update), and add Gaussian noise of standard deviation
 * {@code noiseStddev} to every parameter (local differential privacy: the client trusts no one with
 * its exact update).
 *
 * @param clipNorm C, the largest change a client sends (positive)
 * @param noiseStddev the standard deviation of the noise the client adds (0: none)
 */
public record LocalPrivacy(double clipNorm, double noiseStddev) {

  public LocalPrivacy {
    if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clip-norm must be positive, not " + clipNorm);
    }
    if (!(noiseStddev >= 0) || Double.isInfinite(noiseStddev)) {
      throw new IllegalArgumentException("local noise must be 0 or more, not " + noiseStddev);
    }
  }

  /**
   * {@code parameters} (a client's trained model, changed in place) with its change against {@code
   * global} clipped and noised.
   */
  public float[] apply(float[] global, float[] parameters, RandomGenerator random) {
    if (global.length != parameters.length) {
      throw new IllegalArgumentException(
          "the update has " + parameters.length + " parameters, the model " + global.length);
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
