package io.truststram.federation.sharding;

/** Why an aggregation shard refused a request about a session. */
public final class ShardSessionException extends RuntimeException {

  /** The kinds of refusal, each answered differently by a transport. */
  public enum Reason {
    /** No such session: never begun, finished, cancelled, expired, or the shard restarted. */
    NOT_FOUND,
    /** A fold out of sequence: one was lost or repeated. */
    OUT_OF_SEQUENCE,
    /** The shard holds as many sessions as it may. */
    BUSY,
    /** The session cannot be begun: unknown strategy, bad parameters, not separable. */
    INVALID
  }

  private final Reason reason;

  public ShardSessionException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
