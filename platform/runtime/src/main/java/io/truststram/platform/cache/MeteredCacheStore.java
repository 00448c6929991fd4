package io.truststram.platform.cache;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CacheUnavailableException;
import io.truststram.common.cache.TokenBucket;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link CacheStore} decorator that records every call in Micrometer, whatever the adapter: timer
 * {@code truststram.cache.operations} tagged with {@code operation} (get, put, put-if-absent,
 * delete, increment), {@code result} (hit, miss, ok, unavailable, error) and {@code backend}.
 */
final class MeteredCacheStore implements CacheStore {

  private static final String METER = "truststram.cache.operations";

  private final CacheStore delegate;
  private final MeterRegistry registry;

  MeteredCacheStore(CacheStore delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  @Override
  public Optional<byte[]> get(String key) {
    long start = System.nanoTime();
    try {
      Optional<byte[]> value = delegate.get(key);
      record("get", value.isPresent() ? "hit" : "miss", start);
      return value;
    } catch (RuntimeException e) {
      record("get", resultOf(e), start);
      throw e;
    }
  }

  @Override
  public void put(String key, byte[] value, Duration ttl) {
    timed(
        "put",
        () -> {
          delegate.put(key, value, ttl);
          return null;
        });
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    return timed("put-if-absent", () -> delegate.putIfAbsent(key, value, ttl));
  }

  @Override
  public boolean delete(String key) {
    return timed("delete", () -> delegate.delete(key));
  }

  @Override
  public long increment(String key, long delta, Duration ttl) {
    return timed("increment", () -> delegate.increment(key, delta, ttl));
  }

  @Override
  public TokenBucket.Decision takeTokens(String key, TokenBucket bucket, long cost) {
    return timed("take-tokens", () -> delegate.takeTokens(key, bucket, cost));
  }

  @Override
  public String backend() {
    return delegate.backend();
  }

  /** The adapter underneath, for its own lifecycle. */
  CacheStore delegate() {
    return delegate;
  }

  private <T> T timed(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      T result = call.get();
      record(operation, "ok", start);
      return result;
    } catch (RuntimeException e) {
      record(operation, resultOf(e), start);
      throw e;
    }
  }

  private void record(String operation, String result, long startNanos) {
    Timer.builder(METER)
        .description("Calls to the cache port")
        .tag("operation", operation)
        .tag("result", result)
        .tag("backend", delegate.backend())
        .register(registry)
        .record(Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private static String resultOf(RuntimeException e) {
    return e instanceof CacheUnavailableException ? "unavailable" : "error";
  }
}
