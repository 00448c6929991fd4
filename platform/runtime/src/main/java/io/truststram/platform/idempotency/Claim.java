package io.truststram.platform.idempotency;

/** The outcome of claiming an idempotency key for a request. */
public sealed interface Claim {

  /**
   * The key is this request's: run it, then complete or release the key with this token.
   *
   * @param token identifies this claim; a claim taken over after its lock timed out gets a new one
   */
  record Claimed(String token) implements Claim {}

  /** The key's first request finished: answer with its response. */
  record Replay(StoredResponse response) implements Claim {}

  /** The key was first used with a different request. */
  record Mismatch() implements Claim {}

  /** The key's first request is still running. */
  record InProgress() implements Claim {}
}
