package io.truststram.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CacheStoreContract;
import io.truststram.common.cache.CaffeineCacheStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The metrics decorator keeps the port's contract, and counts what it sees. */
class MeteredCacheStoreTest extends CacheStoreContract {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected CacheStore createStore() {
    return new MeteredCacheStore(new CaffeineCacheStore(64L << 20), registry);
  }

  @Test
  void countsEachOperationByResult() {
    CacheStore metered = createStore();
    metered.get("absent");
    metered.put("k", bytes("v"), Duration.ofMinutes(1));
    metered.get("k");
    metered.get("k");
    metered.increment("n", 1, Duration.ofMinutes(1));
    assertThatThrownBy(() -> metered.increment("k", 1, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(count("get", "miss")).isEqualTo(1);
    assertThat(count("get", "hit")).isEqualTo(2);
    assertThat(count("put", "ok")).isEqualTo(1);
    assertThat(count("increment", "ok")).isEqualTo(1);
    assertThat(count("increment", "error")).isEqualTo(1);
  }

  private long count(String operation, String result) {
    var timer =
        registry
            .find("truststram.cache.operations")
            .tags("operation", operation, "result", result, "backend", "caffeine")
            .timer();
    return timer == null ? 0 : timer.count();
  }
}
