package io.truststram.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.KeyUsed;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class KeyUsageTest {

  private static final TenantId TENANT = TenantId.newId();

  @Test
  void countsArePerKeyOperationAndPrincipalAndPlatformKeysAreLeftOut() {
    Instant start = Instant.parse("2026-11-26T10:00:00Z");
    KeyUsage usage = new KeyUsage(start);
    usage.record(TENANT, "notes", "encrypt", "alice", 3, 0);
    usage.record(TENANT, "notes", "encrypt", "alice", 2, 1);
    usage.record(TENANT, "notes", "encrypt", "bob", 1, 0);
    usage.record(TENANT, "truststram.audit.signing", "sign", "truststram", 5, 0);
    usage.record(TENANT, "notes", "decrypt", "alice", 0, 0);
    Instant end = start.plusSeconds(60);
    List<KeyUsed> used = usage.drain(end);
    assertThat(used)
        .containsExactlyInAnyOrder(
            new KeyUsed(TENANT, "notes", "encrypt", "alice", 5, 1, start, end),
            new KeyUsed(TENANT, "notes", "encrypt", "bob", 1, 0, start, end));
    assertThat(usage.drain(end.plusSeconds(60))).isEmpty();
  }

  @Test
  void noUseIsLostOrCountedTwiceWhileDrainingConcurrently() throws Exception {
    KeyUsage usage = new KeyUsage(Instant.EPOCH);
    AtomicBoolean running = new AtomicBoolean(true);
    long[] drained = {0};
    int threads = 4;
    int each = 50_000;
    try (ExecutorService pool = Executors.newFixedThreadPool(threads + 1)) {
      var drainer =
          pool.submit(
              () -> {
                while (running.get()) {
                  usage.drain(Instant.now()).forEach(u -> drained[0] += u.succeeded());
                }
              });
      var recorders = new java.util.ArrayList<java.util.concurrent.Future<?>>();
      for (int t = 0; t < threads; t++) {
        recorders.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    usage.record(TENANT, "k", "sign", "p", 1, 0);
                  }
                }));
      }
      for (var recorder : recorders) {
        recorder.get();
      }
      running.set(false);
      drainer.get();
    }
    usage.drain(Instant.now()).forEach(u -> drained[0] += u.succeeded());
    assertThat(drained[0]).isEqualTo((long) threads * each);
  }
}
