package io.truststram.sdk;

import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The server refused a request: its HTTP status, the problem type it named (the last segment of the
 * RFC 9457 {@code type} URI, e.g. {@code federation-round-not-open}) and its detail.
 */
public final class TrustStramException extends IOException {

  private final int status;
  private final String type;
  private final @Nullable Duration retryAfter;

  public TrustStramException(
      int status, String type, String detail, @Nullable Duration retryAfter) {
    super(detail + " (HTTP " + status + ", " + type + ")");
    this.status = status;
    this.type = type;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  /** The problem type's slug, e.g. {@code federation-invalid-update}. */
  public String type() {
    return type;
  }

  /** How long the server asked the client to wait before retrying, when it said. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /** Whether trying the same request again later may succeed (overload, restart, contention). */
  public boolean retryable() {
    return status >= 500
        || status == 429
        || status == 408
        || type.equals("idempotency-key-in-use")
        || type.equals("federation-update-in-progress");
  }
}
