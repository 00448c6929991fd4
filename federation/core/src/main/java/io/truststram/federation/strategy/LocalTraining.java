package io.truststram.federation.strategy;

import io.truststram.ml.model.Sgd;

/**
 * How a client trains in a round: the settings of its local optimiser (mini-batch SGD).
 *
 * @param epochs local epochs E
 * @param batchSize rows per step
 * @param learningRate η (client learning rate)
 * @param momentum ρ of the client's SGD (0: plain)
 * @param proximalMu μ of FedProx's proximal term (0: none)
 */
public record LocalTraining(
    int epochs, int batchSize, double learningRate, double momentum, double proximalMu) {

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
    return new Sgd.Config(epochs, batchSize, learningRate, momentum, 0, proximalMu, maxSteps, seed);
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
