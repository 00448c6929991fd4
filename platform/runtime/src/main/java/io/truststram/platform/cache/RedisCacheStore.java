package io.truststram.platform.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CacheUnavailableException;
import io.truststram.common.cache.TokenBucket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The production {@link CacheStore}: entries in a Redis server, shared by every TrustStram process
 * that points at it.
 *
 * <p>Connects on first use and reconnects by itself, so a Redis outage makes cache calls fail with
 * {@link CacheUnavailableException} (and readiness go down) instead of stopping the process.
 * Commands that find the connection down fail at once rather than queue. Every key is prefixed with
 * {@code <keyPrefix>:} so installations can share a server. Thread-safe: one multiplexed connection
 * serves all callers.
 */
public final class RedisCacheStore implements CacheStore, AutoCloseable {

  /**
   * INCRBY, then set the TTL only if the key has none: a key this call created has none, and a key
   * that already had one keeps it, so the window of a fixed-window counter never slides.
   */
  private static final String INCREMENT =
      "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
          + "if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
          + "return v";

  /**
   * Token bucket in one round trip: refill by the time since the last call on Redis's own clock
   * (microseconds, so every process agrees and refill is continuous), take the cost if there is
   * enough, store the state, and keep it only until the bucket would be full again. Returns
   * {allowed, tokens left as text}. A key of another type is an error the caller sees.
   */
  private static final String TAKE_TOKENS =
      "local rate = tonumber(ARGV[1]) local capacity = tonumber(ARGV[2]) "
          + "local cost = tonumber(ARGV[3]) local ttl = tonumber(ARGV[4]) "
          + "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000000 + tonumber(t[2]) "
          + "local tokens = capacity local last = now "
          + "if redis.call('EXISTS', KEYS[1]) == 1 then "
          + "  if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then "
          + "    return redis.error_reply('NOTBUCKET key holds a value, not a token bucket') end "
          + "  local state = redis.call('HMGET', KEYS[1], 't', 'ts') "
          + "  tokens = tonumber(state[1]) or capacity last = tonumber(state[2]) or now end "
          + "tokens = math.min(capacity, tokens + math.max(0, now - last) * rate / 1000000) "
          + "local allowed = 0 "
          + "if tokens >= cost then tokens = tokens - cost allowed = 1 end "
          + "redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), "
          + "'ts', string.format('%.0f', now)) "
          + "redis.call('PEXPIRE', KEYS[1], ttl) "
          + "return {allowed, string.format('%.17g', tokens)}";

  private final RedisClient client;
  private final String prefix;
  private final Duration timeout;
  private @Nullable StatefulRedisConnection<String, byte[]> connection;
  private long retryNotBefore = System.nanoTime();

  /**
   * A store on the server at {@code url}.
   *
   * @param url {@code redis://[user:password@]host:port[/database]} or {@code rediss://...}
   * @param keyPrefix prefix of every key, without the trailing colon
   * @param timeout the longest one command or a connection attempt may take
   */
  public RedisCacheStore(URI url, String keyPrefix, Duration timeout) {
    RedisURI redisUri = RedisURI.create(url);
    redisUri.setTimeout(timeout);
    this.client = RedisClient.create(redisUri);
    this.client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    this.prefix = keyPrefix + ":";
    this.timeout = timeout;
  }

  @Override
  public Optional<byte[]> get(String key) {
    CacheStore.checkKey(key);
    return Optional.ofNullable(run(redis -> redis.get(prefix + key)));
  }

  @Override
  public void put(String key, byte[] value, Duration ttl) {
    CacheStore.checkKeyAndTtl(key, ttl);
    run(redis -> redis.set(prefix + key, value, SetArgs.Builder.px(ttl.toMillis())));
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    CacheStore.checkKeyAndTtl(key, ttl);
    return "OK"
        .equals(
            run(redis -> redis.set(prefix + key, value, SetArgs.Builder.nx().px(ttl.toMillis()))));
  }

  @Override
  public boolean delete(String key) {
    CacheStore.checkKey(key);
    Long removed = run(redis -> redis.del(prefix + key));
    return removed != null && removed > 0;
  }

  @Override
  public long increment(String key, long delta, Duration ttl) {
    CacheStore.checkKeyAndTtl(key, ttl);
    Long value =
        run(
            redis ->
                redis.eval(
                    INCREMENT,
                    ScriptOutputType.INTEGER,
                    new String[] {prefix + key},
                    ascii(Long.toString(delta)),
                    ascii(Long.toString(ttl.toMillis()))));
    if (value == null) {
      throw new CacheUnavailableException("Redis returned no value for INCRBY", null);
    }
    return value;
  }

  @Override
  public TokenBucket.Decision takeTokens(String key, TokenBucket bucket, long cost) {
    CacheStore.checkKey(key);
    CacheStore.checkCost(bucket, cost);
    List<Object> reply =
        run(
            redis ->
                redis.eval(
                    TAKE_TOKENS,
                    ScriptOutputType.MULTI,
                    new String[] {prefix + key},
                    ascii(Double.toString(bucket.refillPerSecond())),
                    ascii(Long.toString(bucket.capacity())),
                    ascii(Long.toString(cost)),
                    ascii(Long.toString(bucket.timeToFill().plusSeconds(1).toMillis()))));
    if (reply == null || reply.size() != 2) {
      throw new CacheUnavailableException("Redis returned no token bucket state", null);
    }
    boolean allowed = Long.valueOf(1).equals(reply.get(0));
    Object tokens = reply.get(1);
    String text =
        tokens instanceof byte[] raw
            ? new String(raw, java.nio.charset.StandardCharsets.US_ASCII)
            : String.valueOf(tokens);
    return new TokenBucket.Decision(allowed, Double.parseDouble(text), bucket, cost);
  }

  @Override
  public String backend() {
    return "redis";
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      connection.close();
    }
    client.shutdown();
  }

  /**
   * Runs a command. A value that is not a counter is the caller's error ({@link
   * IllegalStateException}); anything else Redis or the connection reports (refused, timed out, out
   * of memory, read-only replica) means the cache is unavailable.
   */
  private <T> T run(java.util.function.Function<RedisCommands<String, byte[]>, T> command) {
    RedisCommands<String, byte[]> redis = connection().sync();
    try {
      return command.apply(redis);
    } catch (RedisCommandExecutionException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("not an integer")
          || message.startsWith("WRONGTYPE")
          || message.contains("NOTBUCKET")) {
        // The key holds something this operation cannot work on: a data conflict, not an outage.
        throw new IllegalStateException("cache key holds a value of another kind", e);
      }
      throw new CacheUnavailableException("Redis refused the command", e);
    } catch (RedisException e) {
      throw new CacheUnavailableException("Redis command failed", e);
    }
  }

  /**
   * The shared connection, opened on first use. After a failed attempt, callers fail at once for
   * one timeout period instead of queueing behind further attempts, so an outage costs a request
   * one timeout at most rather than one per caller ahead of it.
   */
  private synchronized StatefulRedisConnection<String, byte[]> connection() {
    if (connection != null && connection.isOpen()) {
      return connection;
    }
    if (System.nanoTime() - retryNotBefore < 0) {
      throw new CacheUnavailableException(
          "Redis is unreachable (recent connection attempt failed)", null);
    }
    try {
      connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
      return connection;
    } catch (RedisException e) {
      // Measured from the failure: an unreachable host takes the whole timeout to fail.
      retryNotBefore = System.nanoTime() + timeout.toNanos();
      throw new CacheUnavailableException("cannot connect to Redis", e);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
