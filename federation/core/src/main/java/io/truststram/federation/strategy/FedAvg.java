package io.truststram.federation.strategy;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Federated averaging (McMahan et al., 2017): the next global model is the average of the client
 * models, weighted by their examples. Stragglers' partial work is dropped unless asked for.
 */
public class FedAvg implements Strategy {

  private final Sampling sampling;
  private final LocalTraining training;
  private final boolean keepPartialWork;

  public FedAvg(Sampling sampling, LocalTraining training) {
    this(sampling, training, false);
  }

  /**
   * FedAvg that folds stragglers' partial work too ({@code keepPartialWork}): the variant FedNova
   * is compared with when clients take different numbers of local steps.
   */
  public FedAvg(Sampling sampling, LocalTraining training, boolean keepPartialWork) {
    this.sampling = sampling;
    this.training = training;
    this.keepPartialWork = keepPartialWork;
  }

  @Override
  public boolean acceptsPartialWork() {
    return keepPartialWork;
  }

  @Override
  public String name() {
    return "fedavg";
  }

  /** How clients train. */
  public LocalTraining training() {
    return training;
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    return sampling.choose(available, random).stream()
        .map(client -> new TrainPlan(client.clientId(), training))
        .toList();
  }

  /** Element-wise: FedAvg and its subclasses (FedProx, FedNova, FedAvgM, FedOpt) shard by range. */
  @Override
  public boolean separable() {
    return true;
  }

  /** An equally weighted average: one update moves it by at most C/n. */
  @Override
  public java.util.OptionalDouble sensitivity(int updates, double bound) {
    return java.util.OptionalDouble.of(bound / Math.max(1, updates));
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    WeightedAverage average = new WeightedAverage(global.length);
    return new RoundAggregation() {
      private boolean finished;

      @Override
      public void accept(ClientUpdate update) {
        average.add(update);
      }

      @Override
      public int accepted() {
        return average.accepted();
      }

      @Override
      public float[] finish() {
        if (finished) {
          throw new IllegalStateException("round already finished");
        }
        finished = true;
        float[] next = average.average();
        return next == null ? global.clone() : serverStep(global, next);
      }
    };
  }

  /**
   * The server's step from {@code global} given the clients' weighted {@code average} (only called
   * when at least one update was folded): FedAvg takes the average; server optimisers override.
   */
  protected float[] serverStep(float[] global, float[] average) {
    return average;
  }
}
