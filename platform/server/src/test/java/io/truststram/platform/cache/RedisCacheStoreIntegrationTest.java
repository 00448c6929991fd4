package io.truststram.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CacheStoreContract;
import io.truststram.common.cache.CacheUnavailableException;
import io.truststram.platform.testing.TestBackends;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CacheStoreContract} on the real Redis server. */
class RedisCacheStoreIntegrationTest extends CacheStoreContract {

  private final List<RedisCacheStore> opened = new ArrayList<>();

  @Override
  protected CacheStore createStore() {
    RedisCacheStore store =
        new RedisCacheStore(TestBackends.redisUrl(), "truststram-test", Duration.ofSeconds(5));
    opened.add(store);
    return store;
  }

  @AfterEach
  void close() {
    opened.forEach(RedisCacheStore::close);
  }

  @Test
  void anUnreachableServerIsReportedAsUnavailableAndHealthDown() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (RedisCacheStore unreachable =
        new RedisCacheStore(URI.create("redis://127.0.0.1:" + port), "x", Duration.ofSeconds(30))) {
      assertThatThrownBy(() -> unreachable.get("k")).isInstanceOf(CacheUnavailableException.class);
      // A second caller right after a failed attempt fails at once instead of trying again.
      assertThatThrownBy(() -> unreachable.put("k", bytes("v"), Duration.ofSeconds(1)))
          .isInstanceOf(CacheUnavailableException.class)
          .hasMessageContaining("recent connection attempt failed");
      assertThat(new CacheStoreHealthIndicator(unreachable).health().getStatus().getCode())
          .isEqualTo("DOWN");
    }
  }

  @Test
  void aKeyOfAnotherRedisTypeIsADataConflictNotAnOutage() {
    var client = io.lettuce.core.RedisClient.create(TestBackends.redisUrl().toString());
    try (var raw = client.connect()) {
      raw.sync().lpush("truststram-test:wrong-type", "a list, not a string");
      RedisCacheStore store = (RedisCacheStore) createStore();
      assertThatThrownBy(() -> store.get("wrong-type")).isInstanceOf(IllegalStateException.class);
      raw.sync().del("truststram-test:wrong-type");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void healthIsUpWhenTheServerAnswers() {
    assertThat(new CacheStoreHealthIndicator(createStore()).health().getStatus().getCode())
        .isEqualTo("UP");
  }
}
