package io.truststram.audit.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.crypto.PlatformKeys;
import io.truststram.platform.ModuleSchema;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the audit log when the audit service runs in this process. */
@Configuration(proxyBeanMethods = false)
class AuditServiceConfiguration {

  @Bean
  ModuleSchema auditSchema() {
    return new ModuleSchema("audit");
  }

  @Bean
  AuditStore auditStore(JdbcTemplate jdbc) {
    return new AuditStore(jdbc);
  }

  @Bean
  AuditMetrics auditMetrics(MeterRegistry registry) {
    return new AuditMetrics(registry);
  }

  /**
   * The writer. {@code truststram.audit.max-batch} records at most per commit; callers wait when
   * {@code truststram.audit.queue-capacity} records are queued.
   */
  @Bean(destroyMethod = "close")
  AuditLog auditLog(
      AuditStore store,
      PlatformTransactionManager transactionManager,
      Clock clock,
      AuditMetrics metrics,
      @Value("${truststram.audit.max-batch:1000}") int maxBatch,
      @Value("${truststram.audit.queue-capacity:100000}") int queueCapacity) {
    if (maxBatch < 1 || queueCapacity < maxBatch) {
      throw new IllegalStateException(
          "truststram.audit.max-batch must be at least 1 and at most truststram.audit.queue-capacity");
    }
    return new AuditLog(
        store,
        new TransactionTemplate(transactionManager),
        clock,
        maxBatch,
        queueCapacity,
        metrics);
  }

  @Bean
  Checkpoints auditCheckpoints(
      AuditStore store, ObjectProvider<PlatformKeys> keys, Clock clock, AuditMetrics metrics) {
    PlatformKeys platformKeys = keys.getIfAvailable();
    if (platformKeys == null) {
      throw new IllegalStateException(
          "the audit service signs checkpoints with keys of the crypto service: run both in one"
              + " process (truststram.services=audit,crypto, or all)");
    }
    return new Checkpoints(store, platformKeys, clock, metrics);
  }

  @Bean
  AuditListeners auditListeners(AuditLog log) {
    return new AuditListeners(log);
  }

  @Bean
  CheckpointSchedule auditCheckpointSchedule(Checkpoints checkpoints) {
    return new CheckpointSchedule(checkpoints);
  }

  /** Signs a checkpoint of every grown log every {@code truststram.audit.checkpoint-interval}. */
  static final class CheckpointSchedule {
    private final Checkpoints checkpoints;

    CheckpointSchedule(Checkpoints checkpoints) {
      this.checkpoints = checkpoints;
    }

    @Scheduled(
        fixedDelayString = "${truststram.audit.checkpoint-interval:10s}",
        initialDelayString = "${truststram.audit.checkpoint-interval:10s}")
    void run() {
      checkpoints.signDue();
    }
  }
}
