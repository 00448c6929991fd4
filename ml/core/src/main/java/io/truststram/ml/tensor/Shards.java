package io.truststram.ml.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs an element-wise kernel over a long vector in contiguous parameter ranges on several threads:
 * aggregation sharded by parameter range, each shard a thread (in one process). Each element is
 * computed by exactly one shard, in the same order as the serial loop, so results are identical to
 * it. Vectors shorter than {@link #MIN_PER_SHARD} elements per shard run on the caller's thread
 * alone.
 */
public final class Shards {

  /** The fewest elements worth a shard of their own (1 MB of floats). */
  public static final int MIN_PER_SHARD = 1 << 18;

  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          Math.max(1, CORES - 1),
          Thread.ofPlatform().name("truststram-shard-", 0).daemon().factory());

  private static volatile int maxShards = CORES;

  private Shards() {}

  /** A kernel over the elements {@code from <= i < to}. */
  @FunctionalInterface
  public interface Range {
    void run(int from, int to);
  }

  /** A kernel over a range that answers a yes or no (all answers must be yes). */
  @FunctionalInterface
  public interface Test {
    boolean test(int from, int to);
  }

  /** How many shards a vector of {@code length} elements is split into. */
  public static int count(int length) {
    return Math.max(1, Math.min(maxShards, length / MIN_PER_SHARD));
  }

  /** Runs {@code body} over {@code [0, length)}, sharded; returns once every shard is done. */
  public static void forEach(int length, Range body) {
    all(
        length,
        (from, to) -> {
          body.run(from, to);
          return true;
        });
  }

  /** Whether {@code test} holds on every shard of {@code [0, length)}. */
  public static boolean all(int length, Test test) {
    int shards = count(length);
    if (shards == 1) {
      return test.test(0, length);
    }
    int size = (length + shards - 1) / shards;
    List<Future<Boolean>> others = new ArrayList<>();
    for (int s = 1; s < shards; s++) {
      int from = s * size;
      int to = Math.min(length, from + size);
      others.add(POOL.submit(() -> test.test(from, to)));
    }
    boolean result = test.test(0, Math.min(length, size));
    for (Future<Boolean> other : others) {
      try {
        result &= other.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a shard", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
    return result;
  }

  /**
   * Sets the most shards a vector is split into (default: the processors); 1 runs everything on the
   * caller's thread. For tests and measurements.
   */
  public static void setMaxShards(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("at least one shard");
    }
    maxShards = shards;
  }
}
