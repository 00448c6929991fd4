package io.truststram.common.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CacheStore} adapter passes. An adapter's test extends this class and
 * implements {@link #createStore()}; nothing else. Each test works in a fresh random namespace, so
 * the kit can run against a shared server without cleaning it.
 *
 * <p>Expiry is observed, not slept for: entries get short TTLs and the tests wait, bounded, until
 * the store reports them gone.
 */
public abstract class CacheStoreContract {

  private static final Duration LONG = Duration.ofMinutes(5);
  private static final Duration SHORT = Duration.ofMillis(300);

  protected CacheStore store;

  /** A store connected to the adapter's backend. Called once per test. */
  protected abstract CacheStore createStore();

  @BeforeEach
  void openNamespace() {
    CacheStore raw = createStore();
    store = raw.namespace("contract-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @Test
  void missingKeyIsEmpty() {
    assertThat(store.get("nothing-here")).isEmpty();
  }

  @Test
  void putThenGetReturnsTheSameBytes() {
    store.put("k", bytes("value"), LONG);
    assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("value")));
  }

  @Test
  void storedValueIsACopy() {
    byte[] value = bytes("abc");
    store.put("k", value, LONG);
    value[0] = 'z';
    byte[] read = store.get("k").orElseThrow();
    read[1] = 'z';
    assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("abc")));
  }

  @Test
  void everyByteValueRoundTrips() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    store.put("binary", all, LONG);
    assertThat(store.get("binary")).hasValueSatisfying(v -> assertThat(v).isEqualTo(all));
  }

  @Test
  void largeValueRoundTrips() {
    byte[] large = new byte[1 << 20];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    store.put("large", large, LONG);
    assertThat(store.get("large")).hasValueSatisfying(v -> assertThat(v).isEqualTo(large));
  }

  @Test
  void putReplacesThePreviousValue() {
    store.put("k", bytes("one"), LONG);
    store.put("k", bytes("two"), LONG);
    assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("two")));
  }

  @Test
  void putIfAbsentStoresOnlyOnce() {
    assertThat(store.putIfAbsent("k", bytes("first"), LONG)).isTrue();
    assertThat(store.putIfAbsent("k", bytes("second"), LONG)).isFalse();
    assertThat(store.get("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("first")));
  }

  @Test
  void deleteReportsWhetherAValueWasThere() {
    store.put("k", bytes("v"), LONG);
    assertThat(store.delete("k")).isTrue();
    assertThat(store.delete("k")).isFalse();
    assertThat(store.get("k")).isEmpty();
  }

  @Test
  void entriesExpireAfterTheirTtl() {
    store.put("short", bytes("v"), SHORT);
    store.put("long", bytes("v"), LONG);
    await().atMost(Duration.ofSeconds(10)).until(() -> store.get("short").isEmpty());
    assertThat(store.get("long")).isPresent();
  }

  @Test
  void putIfAbsentSucceedsAgainOnceTheEntryExpired() {
    assertThat(store.putIfAbsent("lock", bytes("a"), SHORT)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.putIfAbsent("lock", bytes("b"), LONG));
    assertThat(store.get("lock")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("b")));
  }

  @Test
  void incrementStartsAtDeltaAndAccumulates() {
    assertThat(store.increment("n", 1, LONG)).isEqualTo(1);
    assertThat(store.increment("n", 5, LONG)).isEqualTo(6);
    assertThat(store.increment("n", -2, LONG)).isEqualTo(4);
    assertThat(store.get("n")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("4")));
  }

  @Test
  void incrementContinuesAnIntegerValue() {
    store.put("n", bytes("41"), LONG);
    assertThat(store.increment("n", 1, LONG)).isEqualTo(42);
  }

  @Test
  void incrementRefusesAValueThatIsNotAnInteger() {
    store.put("text", bytes("hello"), LONG);
    assertThatThrownBy(() -> store.increment("text", 1, LONG))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.get("text")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("hello")));
  }

  @Test
  void incrementDoesNotExtendTheWindow() {
    store.increment("window", 1, SHORT);
    // Each poll increments again with the same TTL; if increments extended the expiry, the
    // window would never end and the counter would never restart at 1.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> store.increment("window", 1, SHORT) == 1);
  }

  @Test
  void concurrentIncrementsAreAtomic() throws Exception {
    int threads = 8;
    int perThread = 250;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    store.increment("hits", 1, LONG);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    assertThat(store.increment("hits", 0, LONG)).isEqualTo((long) threads * perThread);
  }

  @Test
  void aNewBucketStartsFullAndAllowsABurstOfItsCapacity() {
    TokenBucket bucket = new TokenBucket(0.001, 5);
    for (int i = 4; i >= 0; i--) {
      TokenBucket.Decision decision = store.takeTokens("burst", bucket, 1);
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.remaining()).isEqualTo(i);
    }
    TokenBucket.Decision refused = store.takeTokens("burst", bucket, 1);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfter()).isGreaterThan(Duration.ofSeconds(900));
  }

  @Test
  void aBucketRefillsContinuouslyNotInWholeSeconds() {
    TokenBucket bucket = new TokenBucket(20, 2);
    assertThat(store.takeTokens("refill", bucket, 2).allowed()).isTrue();
    TokenBucket.Decision empty = store.takeTokens("refill", bucket, 1);
    assertThat(empty.allowed()).isFalse();
    assertThat(empty.retryAfter()).isLessThanOrEqualTo(Duration.ofMillis(50));
    // 20 tokens a second: one token is back within about 50 ms, long before a whole second.
    await()
        .atMost(Duration.ofMillis(900))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> store.takeTokens("refill", bucket, 1).allowed());
  }

  @Test
  void aCostTakesSeveralTokensAtOnceOrNone() {
    TokenBucket bucket = new TokenBucket(0.001, 10);
    assertThat(store.takeTokens("cost", bucket, 7).allowed()).isTrue();
    TokenBucket.Decision refused = store.takeTokens("cost", bucket, 4);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).as("a refused take leaves the tokens").isEqualTo(3);
    assertThat(store.takeTokens("cost", bucket, 3).allowed()).isTrue();
    assertThatThrownBy(() -> store.takeTokens("cost", bucket, 11))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentTakesNeverOverspendABucket() throws Exception {
    TokenBucket bucket = new TokenBucket(0.001, 50);
    java.util.concurrent.atomic.AtomicInteger allowed =
        new java.util.concurrent.atomic.AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    if (store.takeTokens("shared", bucket, 1).allowed()) {
                      allowed.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    assertThat(allowed.get()).isEqualTo(50);
  }

  @Test
  void aBucketKeyHoldingAValueIsRefused() {
    store.put("plain", bytes("hello"), LONG);
    assertThatThrownBy(() -> store.takeTokens("plain", new TokenBucket(1, 1), 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void namespacesDoNotCollide() {
    CacheStore raw = createStore();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    CacheStore a = raw.namespace("a-" + suffix);
    CacheStore b = raw.namespace("b-" + suffix);
    a.put("same", bytes("from a"), LONG);
    b.put("same", bytes("from b"), LONG);
    assertThat(a.get("same")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("from a")));
    assertThat(b.get("same")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("from b")));
  }

  @Test
  void rejectsBlankOrOverlongKeysAndNonPositiveTtls() {
    assertThatThrownBy(() -> store.put(" ", bytes("v"), LONG))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get("x".repeat(CacheStore.MAX_KEY_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.put("k", bytes("v"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.increment("k", 1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.get("k")).isEmpty();
  }

  @Test
  void namesItsBackend() {
    assertThat(store.backend()).isNotBlank();
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
