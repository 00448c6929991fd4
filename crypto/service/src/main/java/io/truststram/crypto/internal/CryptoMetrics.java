package io.truststram.crypto.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * The key manager's performance monitor: a latency histogram per algorithm, operation and outcome
 * ({@code truststram_crypto_operation_seconds}), whose count is the operations counter.
 */
final class CryptoMetrics {

  private final MeterRegistry registry;

  CryptoMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  private final java.util.Map<String, Timer> timers =
      new java.util.concurrent.ConcurrentHashMap<>();

  <T> T time(String algorithm, String operation, Supplier<T> action) {
    long start = System.nanoTime();
    String outcome = "error";
    try {
      T result = action.get();
      outcome = "success";
      return result;
    } finally {
      timer(algorithm, operation, outcome)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private Timer timer(String algorithm, String operation, String outcome) {
    return timers.computeIfAbsent(
        algorithm + '|' + operation + '|' + outcome,
        k ->
            Timer.builder("truststram.crypto.operation")
                .description("Key manager operations by algorithm, operation and outcome")
                .tag("algorithm", algorithm)
                .tag("operation", operation)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
  }
}
