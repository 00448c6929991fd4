package io.truststram.common.cache;

import java.time.Duration;

/**
 * A token bucket: holds at most {@code capacity} tokens and gains {@code refillPerSecond} tokens a
 * second, continuously (not in whole-second steps), so a limit of 0.5 per second lets one request
 * through every two seconds and a burst of {@code capacity} after a quiet spell.
 *
 * @param refillPerSecond tokens added per second; positive
 * @param capacity the most tokens the bucket holds: the largest burst; at least 1
 */
public record TokenBucket(double refillPerSecond, long capacity) {

  public TokenBucket {
    if (!(refillPerSecond > 0) || Double.isInfinite(refillPerSecond)) {
      throw new IllegalArgumentException("refill rate must be positive: " + refillPerSecond);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
  }

  /** How long a bucket left alone takes to fill from empty: how long its state must be kept. */
  public Duration timeToFill() {
    return Duration.ofNanos((long) Math.ceil(capacity / refillPerSecond * 1e9));
  }

  /** Tokens in a bucket that had {@code tokens} {@code elapsedNanos} ago. */
  double refill(double tokens, long elapsedNanos) {
    return Math.min(capacity, tokens + Math.max(0, elapsedNanos) * refillPerSecond / 1e9);
  }

  /**
   * The outcome of taking tokens.
   *
   * @param allowed whether the tokens were taken
   * @param tokens tokens left in the bucket after the call (fractional)
   * @param bucket the bucket it was taken from
   * @param cost the tokens asked for
   */
  public record Decision(boolean allowed, double tokens, TokenBucket bucket, long cost) {

    /** Whole tokens left. */
    public long remaining() {
      return (long) Math.floor(tokens);
    }

    /** How long until a refused request of the same cost would be allowed; zero when allowed. */
    public Duration retryAfter() {
      if (allowed || tokens >= cost) {
        return Duration.ZERO;
      }
      return Duration.ofNanos((long) Math.ceil((cost - tokens) / bucket.refillPerSecond() * 1e9));
    }

    /** How long until the bucket is full again. */
    public Duration untilFull() {
      return Duration.ofNanos(
          (long) Math.ceil((bucket.capacity() - tokens) / bucket.refillPerSecond() * 1e9));
    }
  }
}
