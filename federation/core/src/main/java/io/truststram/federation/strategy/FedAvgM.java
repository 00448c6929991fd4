package io.truststram.federation.strategy;

/**
 * FedAvg with server momentum (Hsu et al., 2019): the pseudo-gradient Δ = x − avg(x_i) feeds a
 * momentum buffer v ← βv + Δ, and x ← x − η_s v. With β = 0 and η_s = 1 it is FedAvg.
 */
public final class FedAvgM extends FedAvg {

  private final double serverLearningRate;
  private final double momentum;
  private double[] velocity;

  public FedAvgM(
      Sampling sampling, LocalTraining training, double serverLearningRate, double momentum) {
    super(sampling, training);
    if (!(serverLearningRate > 0) || momentum < 0 || momentum >= 1) {
      throw new IllegalArgumentException("server learning rate > 0 and 0 <= momentum < 1");
    }
    this.serverLearningRate = serverLearningRate;
    this.momentum = momentum;
  }

  @Override
  public String name() {
    return "fedavgm";
  }

  @Override
  public java.util.Map<String, double[]> serverState() {
    return velocity == null ? java.util.Map.of() : java.util.Map.of("velocity", velocity.clone());
  }

  @Override
  public void restoreServerState(java.util.Map<String, double[]> state) {
    if (!java.util.Set.of("velocity").containsAll(state.keySet())) {
      throw new IllegalArgumentException("fedavgm keeps only 'velocity': " + state.keySet());
    }
    double[] saved = state.get("velocity");
    velocity = saved == null ? null : saved.clone();
  }

  /** The round's average enters the momentum once and the model scaled by η_s. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.of(serverLearningRate * bound / Math.max(1, updates));
  }

  @Override
  protected float[] serverStep(float[] global, float[] average) {
    if (velocity == null || velocity.length != global.length) {
      velocity = new double[global.length];
    }
    float[] next = new float[global.length];
    double[] v = velocity;
    io.truststram.ml.tensor.Shards.forEach(
        global.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            v[i] = momentum * v[i] + ((double) global[i] - average[i]);
            next[i] = (float) (global[i] - serverLearningRate * v[i]);
          }
        });
    return next;
  }
}
