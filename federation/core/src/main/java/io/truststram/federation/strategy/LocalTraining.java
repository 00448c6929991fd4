package io.truststram.federation.strategy;

import io.truststram.ml.model.Sgd;
import org.jspecify.annotations.Nullable;

/**
 * How a client trains in a round: the settings of its local optimiser (mini-batch SGD).
 *
 * @param epochs local epochs E
 * @param batchSize rows per step
 * @param learningRate η (client learning rate)
 * @param momentum ρ of the client's SGD (0: plain)
 * @param proximalMu μ of FedProx's proximal term (0: none)
 * @param privacy what the client does to its update before sending it (null: nothing)
 */
public record LocalTraining(
    int epochs,
    int batchSize,
    double learningRate,
    double momentum,
    double proximalMu,
    @Nullable LocalPrivacy privacy) {

  /** Training without client-side privacy. */
  public LocalTraining(
      int epochs, int batchSize, double learningRate, double momentum, double proximalMu) {
    this(epochs, batchSize, learningRate, momentum, proximalMu, null);
  }

  /**
   * This training, with the client also doing what {@code privacy} asks (added to what this
   * training already asks: wrappers stack).
   */
  public LocalTraining withPrivacy(LocalPrivacy privacy) {
    LocalPrivacy merged = this.privacy == null ? privacy : privacy.merge(this.privacy);
    return new LocalTraining(epochs, batchSize, learningRate, momentum, proximalMu, merged);
  }

  /**
   * {@code parameters}, the model a client trained from {@code global}, as it should send it:
   * unchanged unless the strategy asked for client-side clipping or local noise.
   */
  public float[] privatise(
      float[] global, float[] parameters, java.util.random.RandomGenerator random) {
    return privacy == null ? parameters : privacy.apply(global, parameters, random);
  }

  public LocalTraining {
    if (epochs < 1
        || batchSize < 1
        || !(learningRate > 0)
        || momentum < 0
        || momentum >= 1
        || proximalMu < 0) {
      throw new IllegalArgumentException(
          "epochs >= 1, batchSize >= 1, learningRate > 0, 0 <= momentum < 1, proximalMu >= 0");
    }
  }

  /** The optimiser settings, capped at {@code maxSteps} (0: no cap), seeded. */
  public Sgd.Config sgd(int maxSteps, long seed) {
    Sgd.Config config =
        new Sgd.Config(epochs, batchSize, learningRate, momentum, 0, proximalMu, maxSteps, seed);
    if (privacy != null && privacy.dpSgd()) {
      config =
          config.withPrivacy(
              new Sgd.Private(
                  privacy.exampleClipNorm(),
                  privacy.exampleNoiseMultiplier(),
                  new java.security.SecureRandom()));
    }
    return config;
  }

  /**
   * ‖a‖₁ of FedNova for {@code steps} local steps of this optimiser: τ for plain SGD, {@code [τ −
   * ρ(1 − ρ^τ)/(1 − ρ)]/(1 − ρ)} with momentum ρ, {@code [1 − (1 − α)^τ]/α} with the proximal term
   * (α = ημ).
   */
  public double normalisingFactor(int steps) {
    if (momentum > 0) {
      double rho = momentum;
      return (steps - rho * (1 - Math.pow(rho, steps)) / (1 - rho)) / (1 - rho);
    }
    if (proximalMu > 0) {
      double alpha = learningRate * proximalMu;
      return (1 - Math.pow(1 - alpha, steps)) / alpha;
    }
    return steps;
  }
}
