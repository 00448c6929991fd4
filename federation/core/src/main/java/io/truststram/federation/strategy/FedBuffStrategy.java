package io.truststram.federation.strategy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * FedBuff as a coordinator runs it: asynchronous rather than in rounds. Every available node is
 * given a task on the current global version as soon as it is free (at most {@code clientsPerRound}
 * at once); reports are weighted by their staleness and buffered ({@link FedBuff}), and every
 * {@code bufferSize} reports the global model advances one version. A straggler's report is not
 * refused because others moved on, only when it started from a version more than {@code
 * maxStaleness} behind.
 *
 * <p>There are no synchronous rounds: {@link #beginRound} is not supported; a server asks {@link
 * #buffer} for the engine instead.
 */
public final class FedBuffStrategy implements Strategy {

  private final LocalTraining training;
  private final int bufferSize;
  private final double serverLearningRate;
  private final int maxStaleness;

  public FedBuffStrategy(
      LocalTraining training, int bufferSize, double serverLearningRate, int maxStaleness) {
    if (bufferSize < 1 || !(serverLearningRate > 0) || maxStaleness < 0) {
      throw new IllegalArgumentException(
          "buffer-size >= 1, server-learning-rate > 0, max-staleness >= 0");
    }
    this.training = training;
    this.bufferSize = bufferSize;
    this.serverLearningRate = serverLearningRate;
    this.maxStaleness = maxStaleness;
  }

  @Override
  public String name() {
    return "fedbuff";
  }

  /** Reports per version (K). */
  public int bufferSize() {
    return bufferSize;
  }

  /** How many versions behind a report's base may be. */
  public int maxStaleness() {
    return maxStaleness;
  }

  /** How nodes train. */
  public LocalTraining training() {
    return training;
  }

  /** Every client offered trains; the server decides who is free. */
  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    return available.stream().map(c -> new TrainPlan(c.clientId(), training)).toList();
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    throw new UnsupportedOperationException(
        "fedbuff aggregates asynchronously, not in rounds: run it on a coordinator");
  }

  @Override
  public boolean acceptsPartialWork() {
    return true;
  }

  /**
   * The buffering engine at version {@code version}, whose global models of the versions reports
   * may still start from ({@code version - maxStaleness} to {@code version}) are in {@code
   * versions}, with an empty buffer.
   */
  public FedBuff buffer(long version, Map<Long, float[]> versions) {
    return FedBuff.restore(version, versions, bufferSize, serverLearningRate, maxStaleness);
  }
}
