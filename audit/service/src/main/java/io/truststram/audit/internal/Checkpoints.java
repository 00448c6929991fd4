package io.truststram.audit.internal;

import io.truststram.audit.log.Checkpoint;
import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.PlatformKeys;
import io.truststram.crypto.primitive.Algorithm;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs checkpoints of the logs with each tenant's audit key ({@code truststram.audit.signing} in
 * its key manager): on a schedule for every log that has grown, and on demand before an export.
 */
final class Checkpoints {

  /** The purpose of the audit key among the platform's keys. */
  static final String KEY_PURPOSE = "audit";

  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

  private final AuditStore store;
  private final PlatformKeys keys;
  private final Clock clock;
  private final AuditMetrics metrics;

  Checkpoints(AuditStore store, PlatformKeys keys, Clock clock, AuditMetrics metrics) {
    this.store = store;
    this.keys = keys;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** The origin line of a tenant's checkpoints: names the log they are about. */
  static String origin(TenantId tenant) {
    return "truststram.audit/" + tenant.value();
  }

  /** A checkpoint of the log as it is now: the latest one if the log has not grown since. */
  Optional<AuditStore.StoredCheckpoint> signNow(TenantId tenant) {
    Optional<AuditStore.Head> head = store.head(tenant);
    if (head.isEmpty() || head.get().size() == 0) {
      return Optional.empty();
    }
    Optional<AuditStore.StoredCheckpoint> latest = store.latestCheckpoint(tenant);
    if (latest.isPresent() && latest.get().size() >= head.get().size()) {
      return latest;
    }
    // Milliseconds: the time is signed and must read back from the database unchanged.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Checkpoint checkpoint =
        new Checkpoint(origin(tenant), head.get().size(), head.get().rootHash(), now);
    PlatformKeys.Signature signature;
    try {
      signature = keys.sign(tenant, KEY_PURPOSE, checkpoint.body());
    } catch (RuntimeException e) {
      metrics.checkpoint(false);
      throw e;
    }
    AuditStore.StoredCheckpoint stored =
        new AuditStore.StoredCheckpoint(
            checkpoint.size(),
            checkpoint.rootHash(),
            now,
            signature.algorithm(),
            signature.keyVersion(),
            signature.signature());
    if (store.insertCheckpoint(tenant, stored)) {
      metrics.checkpoint(true);
      return Optional.of(stored);
    }
    // Another replica signed this size first.
    return store.latestCheckpoint(tenant);
  }

  /** Signs a checkpoint for every log that has grown since its last one. */
  void signDue() {
    for (TenantId tenant : store.uncheckpointed()) {
      try {
        signNow(tenant);
      } catch (RuntimeException e) {
        log.warn("Could not sign an audit checkpoint for tenant {}", tenant, e);
      }
    }
  }

  static Checkpoint.Signed signed(TenantId tenant, AuditStore.StoredCheckpoint stored) {
    return new Checkpoint.Signed(
        new Checkpoint(origin(tenant), stored.size(), stored.rootHash(), stored.signedAt()),
        Algorithm.of(stored.algorithm()),
        stored.signature());
  }
}
