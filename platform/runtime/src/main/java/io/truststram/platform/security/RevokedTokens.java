package io.truststram.platform.security;

import io.truststram.common.cache.CacheStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Access tokens revoked before they expire, by token id ({@code jti}). Kept in the cache store, so
 * with Redis every process sees a revocation at once; an entry lives until the token would have
 * expired anyway.
 */
public final class RevokedTokens {

  private static final byte[] MARK = "1".getBytes(StandardCharsets.US_ASCII);

  private final CacheStore store;
  private final Clock clock;

  public RevokedTokens(CacheStore store, Clock clock) {
    this.store = store.namespace("revoked-token");
    this.clock = clock;
  }

  /** Records that the token {@code tokenId}, valid until {@code expiresAt}, is revoked. */
  public void revoke(String tokenId, Instant expiresAt) {
    Duration left = Duration.between(clock.instant(), expiresAt);
    if (!left.isNegative() && !left.isZero()) {
      store.put(tokenId, MARK, left.plusSeconds(60));
    }
  }

  /**
   * Whether the token {@code tokenId} was revoked.
   *
   * @throws io.truststram.common.cache.CacheUnavailableException when the store cannot answer
   */
  public boolean isRevoked(String tokenId) {
    return store.get(tokenId).isPresent();
  }
}
