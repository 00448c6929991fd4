package io.truststram.common.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The embedded {@link CacheStore}: entries live in this process, in a Caffeine cache bounded by
 * total size in bytes and expiring per entry.
 *
 * <p>When the bound is reached Caffeine evicts by its W-TinyLFU policy, so a cache full of one-hit
 * keys does not push out the hot ones. Entries are not shared with other processes: in a
 * multi-replica deployment use the Redis adapter.
 */
public final class CaffeineCacheStore implements CacheStore {

  /** Per-entry bookkeeping overhead counted towards the byte bound, beyond key and value. */
  private static final int ENTRY_OVERHEAD_BYTES = 64;

  /** A token bucket's state: tokens (double) and the ticker time of its last use (long). */
  private static final int BUCKET_BYTES = Double.BYTES + Long.BYTES;

  private final Cache<String, Entry> cache;
  private final Ticker ticker;

  /** A store holding at most {@code maximumBytes} of keys and values, on the system ticker. */
  public CaffeineCacheStore(long maximumBytes) {
    this(maximumBytes, Ticker.systemTicker());
  }

  /** A store on the given ticker, so tests can move time. */
  public CaffeineCacheStore(long maximumBytes, Ticker ticker) {
    this.ticker = ticker;
    if (maximumBytes <= 0) {
      throw new IllegalArgumentException("maximumBytes must be positive: " + maximumBytes);
    }
    this.cache =
        Caffeine.newBuilder()
            .ticker(ticker)
            .maximumWeight(maximumBytes)
            .weigher((String key, Entry entry) -> entry.weight(key))
            .expireAfter(new PerEntryExpiry())
            .executor(Runnable::run)
            .build();
  }

  @Override
  public Optional<byte[]> get(String key) {
    CacheStore.checkKey(key);
    Entry entry = cache.getIfPresent(key);
    if (entry == null) {
      return Optional.empty();
    }
    return Optional.of(entry.bytes());
  }

  @Override
  public void put(String key, byte[] value, Duration ttl) {
    CacheStore.checkKeyAndTtl(key, ttl);
    cache.put(key, new Entry(value.clone(), null, ttl.toNanos()));
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    CacheStore.checkKeyAndTtl(key, ttl);
    Entry fresh = new Entry(value.clone(), null, ttl.toNanos());
    return cache.asMap().putIfAbsent(key, fresh) == null;
  }

  @Override
  public boolean delete(String key) {
    CacheStore.checkKey(key);
    return cache.asMap().remove(key) != null;
  }

  @Override
  public long increment(String key, long delta, Duration ttl) {
    CacheStore.checkKeyAndTtl(key, ttl);
    AtomicLong result = new AtomicLong();
    AtomicBoolean notCounter = new AtomicBoolean();
    cache
        .asMap()
        .compute(
            key,
            (k, current) -> {
              if (current == null) {
                result.set(delta);
                return new Entry(null, new AtomicLong(delta), ttl.toNanos());
              }
              AtomicLong counter = current.counter();
              if (counter == null) {
                // Like Redis INCRBY: a value that is a decimal integer becomes a counter.
                Long parsed = parseCounter(current.value());
                if (parsed == null) {
                  notCounter.set(true);
                  return current;
                }
                counter = new AtomicLong(parsed);
                current = new Entry(null, counter, current.ttlNanos());
              }
              result.set(counter.addAndGet(delta));
              return current;
            });
    if (notCounter.get()) {
      throw new IllegalStateException("cache key holds a value, not a counter: " + key);
    }
    return result.get();
  }

  @Override
  public TokenBucket.Decision takeTokens(String key, TokenBucket bucket, long cost) {
    CacheStore.checkKey(key);
    CacheStore.checkCost(bucket, cost);
    long ttl = bucket.timeToFill().plusSeconds(1).toNanos();
    double[] left = new double[1];
    boolean[] allowed = new boolean[1];
    boolean[] notBucket = new boolean[1];
    cache
        .asMap()
        .compute(
            key,
            (k, current) -> {
              long now = ticker.read();
              double tokens = bucket.capacity();
              if (current != null) {
                byte[] state = current.value();
                if (state == null || state.length != BUCKET_BYTES) {
                  notBucket[0] = true;
                  return current;
                }
                ByteBuffer read = ByteBuffer.wrap(state);
                tokens = bucket.refill(read.getDouble(), now - read.getLong());
              }
              allowed[0] = tokens >= cost;
              if (allowed[0]) {
                tokens -= cost;
              }
              left[0] = tokens;
              byte[] next =
                  ByteBuffer.allocate(BUCKET_BYTES).putDouble(tokens).putLong(now).array();
              return new Entry(next, null, ttl);
            });
    if (notBucket[0]) {
      throw new IllegalStateException("cache key holds a value, not a token bucket: " + key);
    }
    return new TokenBucket.Decision(allowed[0], left[0], bucket, cost);
  }

  @Override
  public String backend() {
    return "caffeine";
  }

  /** Live entries, for health details; approximate while expired entries await clean-up. */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  private static @Nullable Long parseCounter(byte @Nullable [] value) {
    if (value == null || value.length == 0 || value.length > 20) {
      return null;
    }
    try {
      return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * A stored value or counter with its time to live. Exactly one of {@code value} and {@code
   * counter} is set. A counter is mutated in place under the map's lock and keeps the expiry it was
   * created with, as a Redis key keeps its TTL across INCRBY.
   */
  private record Entry(byte @Nullable [] value, @Nullable AtomicLong counter, long ttlNanos) {

    byte[] bytes() {
      if (value != null) {
        return value.clone();
      }
      return Long.toString(counter == null ? 0 : counter.get()).getBytes(StandardCharsets.US_ASCII);
    }

    int weight(String key) {
      return key.length() * 2 + (value == null ? Long.BYTES : value.length) + ENTRY_OVERHEAD_BYTES;
    }
  }

  private static final class PerEntryExpiry implements Expiry<String, Entry> {
    @Override
    public long expireAfterCreate(String key, Entry entry, long currentTime) {
      return entry.ttlNanos();
    }

    @Override
    public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
      return entry.counter() != null ? currentDuration : entry.ttlNanos();
    }

    @Override
    public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
