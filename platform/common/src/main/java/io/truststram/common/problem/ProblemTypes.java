package io.truststram.common.problem;

import java.util.List;

/** The problem types every TrustStram endpoint may answer with, whatever its service. */
public final class ProblemTypes {

  private ProblemTypes() {}

  /** The body is not well-formed JSON, or does not have the shape the endpoint expects. */
  public static final ProblemType MALFORMED_REQUEST =
      new ProblemType("malformed-request", 400, "Malformed request body");

  /** The body names a field the endpoint does not know, often a misspelling. */
  public static final ProblemType UNKNOWN_FIELD =
      new ProblemType("unknown-field", 400, "Unknown field in request body");

  /** The body is well-formed but one or more values break the endpoint's rules. */
  public static final ProblemType VALIDATION_FAILED =
      new ProblemType("validation-failed", 400, "Request validation failed");

  /** A path variable, query parameter or header is missing or has the wrong form. */
  public static final ProblemType INVALID_PARAMETER =
      new ProblemType("invalid-parameter", 400, "Invalid request parameter");

  /** The request carries no valid credentials. */
  public static final ProblemType UNAUTHORIZED =
      new ProblemType("unauthorized", 401, "Authentication required");

  /** The caller is authenticated but may not do this. */
  public static final ProblemType FORBIDDEN = new ProblemType("forbidden", 403, "Forbidden");

  /** Nothing exists at this path, or the resource it names does not exist. */
  public static final ProblemType NOT_FOUND = new ProblemType("not-found", 404, "Not found");

  /** The path exists but does not accept this HTTP method. */
  public static final ProblemType METHOD_NOT_ALLOWED =
      new ProblemType("method-not-allowed", 405, "Method not allowed");

  /** The endpoint cannot produce any media type the client accepts. */
  public static final ProblemType NOT_ACCEPTABLE =
      new ProblemType("not-acceptable", 406, "Not acceptable");

  /** The request conflicts with the current state of the resource. */
  public static final ProblemType CONFLICT = new ProblemType("conflict", 409, "Conflict");

  /** The request body is larger than the configured limit. */
  public static final ProblemType PAYLOAD_TOO_LARGE =
      new ProblemType("payload-too-large", 413, "Request body too large");

  /** The endpoint does not accept the request's content type. */
  public static final ProblemType UNSUPPORTED_MEDIA_TYPE =
      new ProblemType("unsupported-media-type", 415, "Unsupported media type");

  /** The caller sent too many requests; retry after the Retry-After seconds. */
  public static final ProblemType TOO_MANY_REQUESTS =
      new ProblemType("too-many-requests", 429, "Too many requests");

  /** An Idempotency-Key was reused with a different request. */
  public static final ProblemType IDEMPOTENCY_KEY_REUSED =
      new ProblemType("idempotency-key-reused", 422, "Idempotency key reused");

  /** A request with the same Idempotency-Key is still being processed. */
  public static final ProblemType IDEMPOTENCY_KEY_IN_USE =
      new ProblemType("idempotency-key-in-use", 409, "Idempotency key in use");

  /**
   * A request with this Idempotency-Key was processed, but its response was too large to keep for
   * replay; the client should read the resource it created or changed instead.
   */
  public static final ProblemType IDEMPOTENCY_RESPONSE_NOT_KEPT =
      new ProblemType("idempotency-response-not-kept", 409, "Idempotent response not kept");

  /** Something failed inside TrustStram; the detail says nothing more, the logs do. */
  public static final ProblemType INTERNAL_ERROR =
      new ProblemType("internal-error", 500, "Internal server error");

  /** A backing system (database, cache) is not reachable; retrying later may succeed. */
  public static final ProblemType SERVICE_UNAVAILABLE =
      new ProblemType("service-unavailable", 503, "Service unavailable");

  /** Every type above, for documentation and tests. */
  public static final List<ProblemType> ALL =
      List.of(
          MALFORMED_REQUEST,
          UNKNOWN_FIELD,
          VALIDATION_FAILED,
          INVALID_PARAMETER,
          UNAUTHORIZED,
          FORBIDDEN,
          NOT_FOUND,
          METHOD_NOT_ALLOWED,
          NOT_ACCEPTABLE,
          CONFLICT,
          PAYLOAD_TOO_LARGE,
          UNSUPPORTED_MEDIA_TYPE,
          TOO_MANY_REQUESTS,
          IDEMPOTENCY_KEY_REUSED,
          IDEMPOTENCY_KEY_IN_USE,
          IDEMPOTENCY_RESPONSE_NOT_KEPT,
          INTERNAL_ERROR,
          SERVICE_UNAVAILABLE);

  /**
   * The generic type for an HTTP status, for errors that arrive with a status only (a servlet
   * container's own rejections). A status without a type of its own gets {@code http-<status>}, so
   * the type always agrees with the status it is served with.
   *
   * @param status an error status, 400..599
   */
  public static ProblemType forStatus(int status) {
    return switch (status) {
      case 400 -> MALFORMED_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> TOO_MANY_REQUESTS;
      case 500 -> INTERNAL_ERROR;
      case 503 -> SERVICE_UNAVAILABLE;
      default ->
          new ProblemType(
              "http-" + status, status, status >= 500 ? "Server error" : "Request refused");
    };
  }
}
