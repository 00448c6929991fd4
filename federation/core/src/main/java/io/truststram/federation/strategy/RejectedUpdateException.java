package io.truststram.federation.strategy;

/**
 * An update the aggregation refuses, with a stable reason code (for the rejection metric and the
 * problem type) and a message for the client. A refused update leaves the aggregate untouched.
 */
public final class RejectedUpdateException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why an update was refused. */
  public enum Reason {
    WRONG_SHAPE,
    NOT_FINITE,
    NO_EXAMPLES,
    TOO_STALE,
    DUPLICATE,
    /** Its client is quarantined by attack detection. */
    QUARANTINED
  }

  private final Reason reason;

  public RejectedUpdateException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
