package io.truststram.common.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * A shared key-value store for data that may be lost: caches, rate-limit counters, short sessions.
 *
 * <p>Every entry expires: a cache without expiry is a database, and belongs in one. Keys are
 * non-blank strings of at most {@link #MAX_KEY_LENGTH} characters; values are bytes, so a caller
 * chooses its own encoding. The embedded adapter keeps entries in this process (Caffeine); the
 * production adapter shares them between processes (Redis). Both pass the same contract kit, so
 * callers cannot tell them apart except by {@link #backend()}. Implementations are thread-safe.
 *
 * <p>Operations that cannot reach the backend throw {@link CacheUnavailableException}; callers
 * decide whether to fail or to proceed without the cache.
 */
public interface CacheStore {

  /** Longest accepted key, in characters. */
  int MAX_KEY_LENGTH = 512;

  /** The value stored under {@code key}, or empty when absent or expired. */
  Optional<byte[]> get(String key);

  /** Stores {@code value} under {@code key} for {@code ttl}, replacing any previous value. */
  void put(String key, byte[] value, Duration ttl);

  /**
   * Stores {@code value} under {@code key} for {@code ttl} only when no live value is there.
   *
   * @return true when this call stored the value
   */
  boolean putIfAbsent(String key, byte[] value, Duration ttl);

  /**
   * Removes the value under {@code key}.
   *
   * @return true when a live value was removed
   */
  boolean delete(String key);

  /**
   * Atomically adds {@code delta} to the counter under {@code key} and returns the new value. A
   * missing counter starts at zero and expires {@code ttl} after this call created it; later
   * increments do not extend it, which makes fixed-window rate limits a single call.
   *
   * @throws IllegalStateException when the key holds a value that is not a counter
   */
  long increment(String key, long delta, Duration ttl);

  /**
   * Atomically takes {@code cost} tokens from the {@link TokenBucket} under {@code key} if it holds
   * that many. A missing bucket starts full. The bucket is refilled by the time elapsed since its
   * last use, measured by the backend's clock (Redis's own, so several processes agree), and
   * forgotten once it would be full again.
   *
   * @param cost tokens to take, from 1 to the bucket's capacity
   * @throws IllegalStateException when the key holds something other than a bucket
   */
  TokenBucket.Decision takeTokens(String key, TokenBucket bucket, long cost);

  /** A short name of the backend, such as {@code caffeine} or {@code redis}. */
  String backend();

  /**
   * A view of this store whose keys are prefixed with {@code namespace + ":"}, so that services
   * sharing one store cannot collide.
   */
  default CacheStore namespace(String namespace) {
    return new NamespacedCacheStore(this, namespace);
  }

  /** Checks the arguments every adapter must validate in the same way. */
  static void checkKeyAndTtl(String key, Duration ttl) {
    checkKey(key);
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least one millisecond: " + ttl);
    }
  }

  /** Checks that a key is non-blank and short enough. */
  static void checkCost(TokenBucket bucket, long cost) {
    if (cost < 1 || cost > bucket.capacity()) {
      throw new IllegalArgumentException(
          "cost must be between 1 and the bucket's capacity " + bucket.capacity() + ": " + cost);
    }
  }

  static void checkKey(String key) {
    if (key.isBlank()) {
      throw new IllegalArgumentException("cache key must not be blank");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("cache key longer than " + MAX_KEY_LENGTH + " characters");
    }
  }
}
