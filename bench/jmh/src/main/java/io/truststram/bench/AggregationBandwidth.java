package io.truststram.bench;

import io.truststram.ml.tensor.Kernels;
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
 * How fast the aggregation kernels fold client updates, against this machine's memory bandwidth
 * measured in the same run with STREAM-style copy and triad loops over the same amount of memory.
 *
 * <p>Each fold benchmark folds {@code updates} distinct client updates of {@code parameters} floats
 * (together far larger than the caches, as updates arriving from many clients are) into one
 * aggregate; its useful throughput is the bytes of updates folded per second.
 * bench/kernels/measure.sh turns operations per second into bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC", "--add-modules=jdk.incubator.vector"})
public class AggregationBandwidth {

  @Param({"100000"})
  int parameters;

  @Param({"256"})
  int updates;

  float[][] clientUpdates;
  double[] doubleAggregate;
  double[] weights;
  float[] floatAggregate;
  float[] a;
  float[] b;
  float[] c;

  @Setup
  public void setUp() {
    Random random = new Random(1);
    clientUpdates = new float[updates][parameters];
    for (float[] update : clientUpdates) {
      for (int i = 0; i < update.length; i++) {
        update[i] = (float) random.nextGaussian();
      }
    }
    doubleAggregate = new double[parameters];
    weights = new double[updates];
    java.util.Arrays.fill(weights, 3.0);
    floatAggregate = new float[parameters];
    int n = updates * parameters;
    a = new float[n];
    b = new float[n];
    c = new float[n];
    for (int i = 0; i < n; i++) {
      b[i] = i;
      c[i] = 2;
    }
  }

  /** FedAvg's fold: aggregate += weight * update, accumulated in double. */
  @Benchmark
  public double foldInDouble() {
    for (float[] update : clientUpdates) {
      Kernels.accumulate(3.0, update, doubleAggregate);
    }
    return doubleAggregate[0];
  }

  /**
   * Folding the updates that are waiting together, block by block, so the double aggregate stays in
   * the first-level cache (Kernels.accumulateAll).
   */
  @Benchmark
  public double foldWaitingInDouble() {
    Kernels.accumulateAll(weights, clientUpdates, doubleAggregate);
    return doubleAggregate[0];
  }

  /**
   * FedAvg's fold with the Vector API's explicit widening (jdk.incubator.vector): the same
   * arithmetic as foldInDouble, lane by lane, so the same result.
   */
  @Benchmark
  public double foldInDoubleVectorApi() {
    for (float[] update : clientUpdates) {
      VectorFold.accumulate(3.0, update, doubleAggregate);
    }
    return doubleAggregate[0];
  }

  /** The same fold accumulated in float (axpy). */
  @Benchmark
  public float foldInFloat() {
    for (float[] update : clientUpdates) {
      Kernels.axpy(3f, update, floatAggregate);
    }
    return floatAggregate[0];
  }

  /**
   * STREAM copy: a[i] = b[i] over all the updates' memory (reads and writes 8 bytes per element).
   */
  @Benchmark
  public float streamCopy() {
    float[] x = b;
    float[] y = a;
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i];
    }
    return y[y.length - 1];
  }

  /** STREAM triad: a[i] = b[i] + s * c[i] (reads 8 and writes 4 bytes per element). */
  @Benchmark
  public float streamTriad() {
    float[] x = b;
    float[] z = c;
    float[] y = a;
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] + 3f * z[i];
    }
    return y[y.length - 1];
  }
}
