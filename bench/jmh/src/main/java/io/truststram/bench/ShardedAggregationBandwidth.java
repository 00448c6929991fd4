package io.truststram.bench;

import io.truststram.ml.tensor.Kernels;
import io.truststram.ml.tensor.Shards;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fold sharded by parameter range across all processors (as the coordinator folds models of a
 * million parameters and more), against a STREAM copy sharded the same way: both use every core, so
 * the ratio compares like with like. The serial fold and copy over the same memory run beside them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+UseParallelGC"})
public class ShardedAggregationBandwidth {

  @Param({"1048576"})
  int parameters;

  @Param({"64"})
  int updates;

  float[][] clientUpdates;
  double[] aggregate;
  float[] from;
  float[] to;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    clientUpdates = new float[updates][parameters];
    for (float[] update : clientUpdates) {
      for (int i = 0; i < update.length; i++) {
        update[i] = (float) random.nextGaussian();
      }
    }
    aggregate = new double[parameters];
    int n = updates * parameters;
    from = new float[n];
    to = new float[n];
    for (int i = 0; i < n; i++) {
      from[i] = i;
    }
  }

  /** Each update folded with its parameter range split across the processors. */
  @Benchmark
  public double shardedFoldInDouble() {
    double[] acc = aggregate;
    for (float[] update : clientUpdates) {
      Shards.forEach(acc.length, (lo, hi) -> Kernels.accumulate(3.0, update, acc, lo, hi));
    }
    return acc[0];
  }

  /** The same updates folded on one thread. */
  @Benchmark
  public double serialFoldInDoubleLarge() {
    for (float[] update : clientUpdates) {
      Kernels.accumulate(3.0, update, aggregate);
    }
    return aggregate[0];
  }

  /** STREAM copy over the updates' memory, split across the processors the same way. */
  @Benchmark
  public float shardedStreamCopy() {
    float[] x = from;
    float[] y = to;
    int chunk = parameters;
    for (int u = 0; u < updates; u++) {
      int base = u * chunk;
      Shards.forEach(
          chunk,
          (lo, hi) -> {
            for (int i = base + lo; i < base + hi; i++) {
              y[i] = x[i];
            }
          });
    }
    return y[y.length - 1];
  }

  /** STREAM copy over the same memory on one thread. */
  @Benchmark
  public float streamCopyLarge() {
    float[] x = from;
    float[] y = to;
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i];
    }
    return y[y.length - 1];
  }
}
