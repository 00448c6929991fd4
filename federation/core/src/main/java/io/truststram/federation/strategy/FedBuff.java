package io.truststram.federation.strategy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Buffered asynchronous aggregation (FedBuff: Nguyen et al., AISTATS 2022) for federations full of
 * stragglers: clients train from whatever global version they fetched and report when done; each
 * report's change Δ_i = x_i − x_(its base version) is weighted by its staleness s = 1/√(1 + t), t
 * being how many versions the global model moved on meanwhile, and added to a buffer; once K
 * reports are buffered, x ← x + η (Σ s_i Δ_i) / K and the version advances.
 *
 * <p>Memory: the buffer (one model) and the last {@code maxStaleness + 1} global versions (the
 * bases updates are measured against); a report on an older base is refused as too stale.
 * Thread-safe.
 */
public final class FedBuff {

  private final int bufferSize;
  private final double serverLearningRate;
  private final int maxStaleness;
  private final Map<Long, float[]> versions = new LinkedHashMap<>();
  private final double[] buffer;
  private float[] model;
  private long version;
  private int buffered;

  public FedBuff(float[] initial, int bufferSize, double serverLearningRate, int maxStaleness) {
    if (bufferSize < 1 || !(serverLearningRate > 0) || maxStaleness < 0) {
      throw new IllegalArgumentException(
          "bufferSize >= 1, serverLearningRate > 0, maxStaleness >= 0");
    }
    this.bufferSize = bufferSize;
    this.serverLearningRate = serverLearningRate;
    this.maxStaleness = maxStaleness;
    this.model = initial.clone();
    this.buffer = new double[initial.length];
    versions.put(0L, model);
  }

  /**
   * An engine that resumes at {@code version} with an empty buffer, keeping the models of {@code
   * versions} (which must hold {@code version}) that reports may start from.
   */
  public static FedBuff restore(
      long version,
      Map<Long, float[]> versions,
      int bufferSize,
      double serverLearningRate,
      int maxStaleness) {
    float[] current = versions.get(version);
    if (current == null) {
      throw new IllegalArgumentException("the models kept must include version " + version);
    }
    FedBuff restored = new FedBuff(current, bufferSize, serverLearningRate, maxStaleness);
    restored.versions.clear();
    versions.forEach(
        (v, model) -> {
          if (v <= version && v >= version - maxStaleness) {
            restored.versions.put(v, model);
          }
        });
    restored.version = version;
    return restored;
  }

  /** The current global model's version. */
  public synchronized long version() {
    return version;
  }

  /** The current global model (a copy). */
  public synchronized float[] model() {
    return model.clone();
  }

  /** How many reports wait in the buffer. */
  public synchronized int buffered() {
    return buffered;
  }

  /**
   * Adds a client's report; when it fills the buffer, the model advances.
   *
   * @return the new version, when this report made one
   * @throws RejectedUpdateException for a malformed report, or one on a base too old or unknown
   */
  public synchronized OptionalLong accept(ClientUpdate update) {
    WeightedAverage.check(update, model.length);
    long staleness = version - update.baseVersion();
    float[] base = versions.get(update.baseVersion());
    if (staleness < 0 || base == null) {
      throw new RejectedUpdateException(
          RejectedUpdateException.Reason.TOO_STALE,
          "update of "
              + update.clientId()
              + " starts from version "
              + update.baseVersion()
              + "; the server keeps versions "
              + Math.max(0, version - maxStaleness)
              + " to "
              + version);
    }
    double weight = 1 / Math.sqrt(1 + staleness);
    float[] x = update.parameters();
    io.truststram.ml.tensor.Shards.forEach(
        buffer.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            buffer[i] += weight * ((double) x[i] - base[i]);
          }
        });
    buffered++;
    if (buffered < bufferSize) {
      return OptionalLong.empty();
    }
    float[] next = new float[model.length];
    float[] current = model;
    io.truststram.ml.tensor.Shards.forEach(
        next.length,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            next[i] = (float) (current[i] + serverLearningRate * buffer[i] / bufferSize);
          }
        });
    java.util.Arrays.fill(buffer, 0);
    buffered = 0;
    model = next;
    version++;
    versions.put(version, model);
    versions.keySet().removeIf(v -> v < version - maxStaleness);
    return OptionalLong.of(version);
  }
}
