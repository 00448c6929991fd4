package io.truststram.platform.web;

import io.truststram.common.problem.ProblemType;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Builds RFC 9457 problem documents from TrustStram problem types. */
final class Problems {

  private Problems() {}

  static ProblemDetail of(ProblemType type, String detail, @Nullable String path) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(type.status()), detail);
    return stamp(problem, type, path);
  }

  /** Sets the type and title of an existing problem, keeping its status, detail and properties. */
  static ProblemDetail stamp(ProblemDetail problem, ProblemType type, @Nullable String path) {
    problem.setType(type.uri());
    problem.setTitle(type.title());
    if (path != null) {
      problem.setInstance(URI.create(path));
    }
    return problem;
  }

  static ProblemDetail withProperties(ProblemDetail problem, Map<String, Object> properties) {
    properties.forEach(problem::setProperty);
    return problem;
  }

  /**
   * Gives a server-error problem a fresh {@code errorId} and returns it; the caller logs the error
   * with the same id, so that an operator can find the stack trace a client reports.
   */
  static String assignErrorId(ProblemDetail problem) {
    String errorId = UUID.randomUUID().toString();
    problem.setProperty("errorId", errorId);
    return errorId;
  }
}
