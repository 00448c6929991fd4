package io.truststram.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/** Throughput of concurrent callers, for the load generators that drive a running server. */
final class Rates {

  private Rates() {}

  /** One call: returns how many operations it did. */
  interface Call {
    int run() throws Exception;
  }

  /** Operations per second done by {@code concurrency} callers repeating {@code call}. */
  static double perSecond(int concurrency, Duration duration, Call call) throws Exception {
    LongAdder done = new LongAdder();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> callers = new ArrayList<>();
      for (int i = 0; i < concurrency; i++) {
        callers.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    done.add(call.run());
                  }
                  return null;
                }));
      }
      for (Future<?> caller : callers) {
        caller.get();
      }
    }
    return done.sum() / ((System.nanoTime() - start) / 1e9);
  }
}
