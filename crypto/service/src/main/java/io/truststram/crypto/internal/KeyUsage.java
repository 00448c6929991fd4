package io.truststram.crypto.internal;

import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.KeyUsed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the data operations on each key by principal, to be published as {@link KeyUsed} events
 * once a period: a summary of every use, where an event per operation would outnumber everything
 * else in the audit trail. Counts are exact: each is taken out of the map atomically.
 */
final class KeyUsage {

  private record Use(TenantId tenant, String key, String operation, String principal) {}

  private final ConcurrentHashMap<Use, long[]> counts = new ConcurrentHashMap<>();
  private volatile Instant since;

  KeyUsage(Instant start) {
    this.since = start;
  }

  /** Counts {@code succeeded} and {@code failed} uses. Platform keys are not counted. */
  void record(
      TenantId tenant,
      String key,
      String operation,
      String principal,
      long succeeded,
      long failed) {
    if (KeyManager.isPlatformKey(key) || succeeded + failed == 0) {
      return;
    }
    counts.merge(
        new Use(tenant, key, operation, principal),
        new long[] {succeeded, failed},
        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
  }

  /** The uses counted since the last drain, as events up to {@code now}. */
  List<KeyUsed> drain(Instant now) {
    Instant from = since;
    since = now;
    List<KeyUsed> events = new ArrayList<>();
    for (Use use : counts.keySet()) {
      long[] n = counts.remove(use);
      if (n != null) {
        events.add(
            new KeyUsed(
                use.tenant(), use.key(), use.operation(), use.principal(), n[0], n[1], from, now));
      }
    }
    return events;
  }
}
