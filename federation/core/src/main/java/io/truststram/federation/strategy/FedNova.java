package io.truststram.federation.strategy;

/**
 * FedNova (Wang et al., NeurIPS 2020): normalised averaging that removes the bias FedAvg takes on
 * when clients take different numbers of local steps. With p_i = n_i / n, ‖a_i‖₁ from the client's
 * optimiser and step count ({@link LocalTraining#normalisingFactor}), τ_eff = Σ p_i ‖a_i‖₁ and Δ_i
 * = x − x_i: x ← x − Σ_i (p_i τ_eff / ‖a_i‖₁) Δ_i. With equal τ_i it is FedAvg. Folded as updates
 * arrive: Σ n_i Δ_i / ‖a_i‖₁, Σ n_i ‖a_i‖₁ and Σ n_i are all that is kept.
 */
public final class FedNova extends FedAvg {

  /** Normalised averaging scales by the updates' step counts, which clients choose: no bound. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.empty();
  }

  public FedNova(Sampling sampling, LocalTraining training) {
    super(sampling, training);
  }

  @Override
  public String name() {
    return "fednova";
  }

  @Override
  public boolean acceptsPartialWork() {
    return true;
  }

  @Override
  public void check(ClientUpdate update, int parameters) {
    super.check(update, parameters);
    if (update.localSteps() < 1) {
      throw new RejectedUpdateException(
          RejectedUpdateException.Reason.NO_EXAMPLES,
          "update of " + update.clientId() + " reports no local steps");
    }
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    double[] normalised = new double[global.length];
    return new RoundAggregation() {
      private double weightedFactors;
      private long examples;
      private int accepted;
      private boolean finished;

      @Override
      public void accept(ClientUpdate update) {
        check(update, global.length);
        double a = training().normalisingFactor(update.localSteps());
        double scale = update.examples() / a;
        float[] x = update.parameters();
        io.truststram.ml.tensor.Shards.forEach(
            normalised.length,
            (from, to) -> {
              for (int i = from; i < to; i++) {
                normalised[i] += scale * ((double) global[i] - x[i]);
              }
            });
        weightedFactors += update.examples() * a;
        examples += update.examples();
        accepted++;
      }

      @Override
      public int accepted() {
        return accepted;
      }

      @Override
      public float[] finish() {
        if (finished) {
          throw new IllegalStateException("round already finished");
        }
        finished = true;
        if (accepted == 0) {
          return global.clone();
        }
        double tauEff = weightedFactors / examples;
        float[] next = new float[global.length];
        long total = examples;
        io.truststram.ml.tensor.Shards.forEach(
            next.length,
            (from, to) -> {
              for (int i = from; i < to; i++) {
                next[i] = (float) (global[i] - tauEff * normalised[i] / total);
              }
            });
        return next;
      }
    };
  }
}
