package io.truststram.common.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** A {@link CacheStore} view that prefixes every key with a namespace. */
final class NamespacedCacheStore implements CacheStore {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private final CacheStore delegate;
  private final String prefix;

  NamespacedCacheStore(CacheStore delegate, String namespace) {
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "namespace must be 1-64 lower-case letters, digits, '.', '_' or '-': " + namespace);
    }
    this.delegate = delegate;
    this.prefix = namespace + ":";
  }

  @Override
  public Optional<byte[]> get(String key) {
    return delegate.get(qualify(key));
  }

  @Override
  public void put(String key, byte[] value, Duration ttl) {
    delegate.put(qualify(key), value, ttl);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    return delegate.putIfAbsent(qualify(key), value, ttl);
  }

  @Override
  public boolean delete(String key) {
    return delegate.delete(qualify(key));
  }

  @Override
  public long increment(String key, long delta, Duration ttl) {
    return delegate.increment(qualify(key), delta, ttl);
  }

  @Override
  public TokenBucket.Decision takeTokens(String key, TokenBucket bucket, long cost) {
    return delegate.takeTokens(qualify(key), bucket, cost);
  }

  @Override
  public String backend() {
    return delegate.backend();
  }

  private String qualify(String key) {
    CacheStore.checkKey(key);
    return prefix + key;
  }
}
