package io.truststram.audit.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Appends, batches and checkpoints, for Prometheus. */
final class AuditMetrics {

  private final Counter appended;
  private final DistributionSummary batchSize;
  private final Timer commit;
  private final Counter checkpoints;
  private final Counter checkpointFailures;

  AuditMetrics(MeterRegistry registry) {
    appended =
        Counter.builder("truststram.audit.appended")
            .description("Audit records committed to the log")
            .register(registry);
    batchSize =
        DistributionSummary.builder("truststram.audit.batch.size")
            .description("Records per group commit")
            .register(registry);
    commit =
        Timer.builder("truststram.audit.batch.commit")
            .description("Time to append and commit one batch")
            .publishPercentileHistogram()
            .register(registry);
    checkpoints =
        Counter.builder("truststram.audit.checkpoints")
            .description("Checkpoints signed")
            .register(registry);
    checkpointFailures =
        Counter.builder("truststram.audit.checkpoint.failures")
            .description("Checkpoints that could not be signed")
            .register(registry);
  }

  void batch(int records, long nanos) {
    appended.increment(records);
    batchSize.record(records);
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  void checkpoint(boolean ok) {
    (ok ? checkpoints : checkpointFailures).increment();
  }
}
