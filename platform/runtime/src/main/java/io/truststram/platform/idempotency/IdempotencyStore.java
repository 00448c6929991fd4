package io.truststram.platform.idempotency;

import java.time.Duration;
import java.time.Instant;

/**
 * Persistence port of idempotency keys. Every adapter passes {@code IdempotencyStoreContract}.
 *
 * <p>Claims are atomic: of concurrent claims of one free key, exactly one is {@link Claim.Claimed}.
 * A claim whose request never completed or released it (the process died) can be taken over once
 * its lock times out.
 */
public interface IdempotencyStore {

  /**
   * Claims {@code key} in {@code scope} for a request with this fingerprint.
   *
   * @param lockTimeout how long the claim holds before another request may take it over
   * @param retention how long the key, and then its response, is kept
   */
  Claim claim(
      String scope,
      String key,
      String fingerprint,
      Instant now,
      Duration lockTimeout,
      Duration retention);

  /**
   * Records the response of a claimed request, for replay until the key expires.
   *
   * @return false, and records nothing, when the claim is no longer this token's (it was taken over
   *     after its lock timed out)
   */
  boolean complete(String scope, String key, String token, StoredResponse response);

  /**
   * Frees a claimed key without a response, so that a retry runs again. Does nothing when the claim
   * is no longer this token's.
   */
  void release(String scope, String key, String token);

  /**
   * Deletes keys that expired before {@code now}.
   *
   * @return how many were deleted
   */
  int purgeExpired(Instant now);
}
