package io.truststram.common.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CaffeineCacheStoreTest extends CacheStoreContract {

  @Override
  protected CacheStore createStore() {
    return new CaffeineCacheStore(64L << 20);
  }

  @Test
  void expiryFollowsTheTicker() {
    AtomicLong nanos = new AtomicLong();
    Ticker ticker = nanos::get;
    CaffeineCacheStore caffeine = new CaffeineCacheStore(1 << 20, ticker);
    caffeine.put("k", bytes("v"), Duration.ofMinutes(1));
    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(caffeine.get("k")).isPresent();
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(caffeine.get("k")).isEmpty();
  }

  @Test
  void counterKeepsTheExpiryItWasCreatedWith() {
    AtomicLong nanos = new AtomicLong();
    CaffeineCacheStore caffeine = new CaffeineCacheStore(1 << 20, nanos::get);
    caffeine.increment("n", 1, Duration.ofSeconds(10));
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(caffeine.increment("n", 1, Duration.ofSeconds(10))).isEqualTo(2);
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(caffeine.increment("n", 1, Duration.ofSeconds(10))).isEqualTo(1);
  }

  @Test
  void staysWithinItsByteBound() {
    CaffeineCacheStore caffeine = new CaffeineCacheStore(100_000);
    for (int i = 0; i < 10_000; i++) {
      caffeine.put("key-" + i, new byte[100], Duration.ofMinutes(5));
    }
    // Each entry weighs at least 164 bytes, so at most ~610 of them fit.
    assertThat(caffeine.estimatedSize()).isLessThanOrEqualTo(100_000 / 164 + 1);
  }

  @Test
  void rejectsANonPositiveBound() {
    assertThatThrownBy(() -> new CaffeineCacheStore(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
