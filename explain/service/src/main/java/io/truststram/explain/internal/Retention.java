package io.truststram.explain.internal;

import io.truststram.common.tenant.TenantId;
import io.truststram.platform.audit.AuditRecord;
import io.truststram.platform.blob.BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes explanations and compliance reports at the end of their tenant's retention, each purge
 * leaving an audit record of how many went.
 */
class Retention {

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final ExplainStore store;
  private final BlobStore blobs;
  private final Clock clock;
  private final TransactionTemplate transactions;
  private final ApplicationEventPublisher events;
  private final ExplainMetrics metrics;

  Retention(
      ExplainStore store,
      BlobStore blobs,
      Clock clock,
      TransactionTemplate transactions,
      ApplicationEventPublisher events,
      ExplainMetrics metrics) {
    this.store = store;
    this.blobs = blobs;
    this.clock = clock;
    this.transactions = transactions;
    this.events = events;
    this.metrics = metrics;
  }

  @Scheduled(
      fixedDelayString = "${truststram.explain.purge-interval:1h}",
      initialDelayString = "${truststram.explain.purge-interval:1h}")
  void scheduled() {
    purge();
  }

  /** Purges what expired; returns how many explanations and reports went. */
  int purge() {
    Instant now = clock.instant();
    int total = 0;
    for (Map.Entry<TenantId, Integer> expired : store.expired(now)) {
      TenantId tenant = expired.getKey();
      for (UUID report : store.expiredReports(tenant, now)) {
        try {
          blobs.deleteAll(ReportPaths.prefix(tenant, report));
        } catch (IOException e) {
          LOG.warn("could not delete the files of expired report {}: {}", report, e.getMessage());
        }
      }
      Integer count =
          transactions.execute(
              s -> {
                int n = store.purge(tenant, now);
                events.publishEvent(
                    AuditRecord.system(
                        tenant,
                        "explain.archive.purged",
                        "explain/archive",
                        now,
                        Map.of("deleted", Integer.toString(n))));
                return n;
              });
      total += count == null ? 0 : count;
    }
    metrics.purged(total);
    return total;
  }
}
