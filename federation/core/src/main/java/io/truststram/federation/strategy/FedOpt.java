package io.truststram.federation.strategy;

/**
 * The adaptive server optimisers of Reddi et al., "Adaptive Federated Optimization" (ICLR 2021),
 * Algorithm 2: with Δ the example-weighted average of the client changes x_i − x,
 *
 * <pre>
 *   m ← β₁ m + (1 − β₁) Δ
 *   v ← FedAdagrad: v + Δ²   FedAdam: β₂ v + (1 − β₂) Δ²   FedYogi: v − (1 − β₂) Δ² sign(v − Δ²)
 *   x ← x + η m / (√v + τ)
 * </pre>
 *
 * element-wise, with m starting at 0 and v at τ² (the paper's v₋₁ ≥ τ²), without bias correction,
 * as in the paper.
 */
public abstract sealed class FedOpt extends FedAvg
    permits FedOpt.FedAdagrad, FedOpt.FedAdam, FedOpt.FedYogi {

  /** Adaptive server steps divide by a running root of squares: no bound on one update's effect. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.empty();
  }

  /**
   * The server optimiser's settings.
   *
   * @param learningRate η, the server learning rate
   * @param beta1 β₁, the first-moment decay
   * @param beta2 β₂, the second-moment decay (not used by FedAdagrad)
   * @param tau τ, the adaptivity: larger is closer to plain averaging
   */
  public record Server(double learningRate, double beta1, double beta2, double tau) {
    public Server {
      if (!(learningRate > 0) || beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || !(tau > 0)) {
        throw new IllegalArgumentException("learningRate > 0, 0 <= beta1, beta2 < 1, tau > 0");
      }
    }
  }

  private final Server server;
  private double[] m;
  private double[] v;

  FedOpt(Sampling sampling, LocalTraining training, Server server) {
    super(sampling, training);
    this.server = server;
  }

  /** The second moment's update for one element. */
  abstract double secondMoment(double v, double delta, double beta2);

  @Override
  public java.util.Map<String, double[]> serverState() {
    return m == null ? java.util.Map.of() : java.util.Map.of("m", m.clone(), "v", v.clone());
  }

  @Override
  public void restoreServerState(java.util.Map<String, double[]> state) {
    if (state.isEmpty()) {
      m = null;
      v = null;
      return;
    }
    double[] savedM = state.get("m");
    double[] savedV = state.get("v");
    if (state.size() != 2 || savedM == null || savedV == null || savedM.length != savedV.length) {
      throw new IllegalArgumentException(
          name() + " keeps moments 'm' and 'v' of equal length: " + state.keySet());
    }
    m = savedM.clone();
    v = savedV.clone();
  }

  @Override
  protected float[] serverStep(float[] global, float[] average) {
    if (m == null || m.length != global.length) {
      m = new double[global.length];
      v = new double[global.length];
      java.util.Arrays.fill(v, server.tau() * server.tau());
    }
    float[] next = new float[global.length];
    double[] first = m;
    double[] second = v;
    io.truststram.ml.tensor.Shards.forEach(
        next.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            double delta = (double) average[i] - global[i];
            first[i] = server.beta1() * first[i] + (1 - server.beta1()) * delta;
            second[i] = secondMoment(second[i], delta, server.beta2());
            next[i] =
                (float)
                    (global[i]
                        + server.learningRate() * first[i] / (Math.sqrt(second[i]) + server.tau()));
          }
        });
    return next;
  }

  /** FedAdagrad: v ← v + Δ². */
  public static final class FedAdagrad extends FedOpt {
    public FedAdagrad(Sampling sampling, LocalTraining training, Server server) {
      super(sampling, training, server);
    }

    @Override
    public String name() {
      return "fedadagrad";
    }

    @Override
    double secondMoment(double v, double delta, double beta2) {
      return v + delta * delta;
    }
  }

  /** FedAdam: v ← β₂ v + (1 − β₂) Δ². */
  public static final class FedAdam extends FedOpt {
    public FedAdam(Sampling sampling, LocalTraining training, Server server) {
      super(sampling, training, server);
    }

    @Override
    public String name() {
      return "fedadam";
    }

    @Override
    double secondMoment(double v, double delta, double beta2) {
      return beta2 * v + (1 - beta2) * delta * delta;
    }
  }

  /** FedYogi: v ← v − (1 − β₂) Δ² sign(v − Δ²). */
  public static final class FedYogi extends FedOpt {
    public FedYogi(Sampling sampling, LocalTraining training, Server server) {
      super(sampling, training, server);
    }

    @Override
    public String name() {
      return "fedyogi";
    }

    @Override
    double secondMoment(double v, double delta, double beta2) {
      double square = delta * delta;
      return v - (1 - beta2) * square * Math.signum(v - square);
    }
  }
}
