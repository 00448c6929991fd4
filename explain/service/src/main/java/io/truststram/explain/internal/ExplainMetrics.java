package io.truststram.explain.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The explanation service's meters: explanations served by method and cache outcome, purges. */
final class ExplainMetrics {

  private final MeterRegistry registry;
  private final Counter purged;

  ExplainMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.purged =
        Counter.builder("truststram.explain.purged")
            .description("Explanations and reports deleted at the end of their retention")
            .register(registry);
  }

  void served(String method, boolean cached) {
    Counter.builder("truststram.explain.served")
        .description("Explanations served, by method and whether the cache held them")
        .tag("method", method)
        .tag("cache", cached ? "hit" : "miss")
        .register(registry)
        .increment();
  }

  void purged(int count) {
    purged.increment(count);
  }
}
