package io.truststram.platform.web;

import io.truststram.common.problem.ProblemTypes;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renders errors that never reached a controller (a filter's {@code sendError}, the servlet
 * container's own rejections) as problem documents, replacing Spring Boot's white-label page.
 *
 * <p>The container's message is passed on only when no exception caused the error: an exception's
 * message may carry internals, so those get the generic 500 detail.
 */
@RestController
class ProblemErrorController implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

  @RequestMapping(
      path = "${server.error.path:/error}",
      produces = {
        MediaType.APPLICATION_PROBLEM_JSON_VALUE,
        MediaType.APPLICATION_JSON_VALUE,
        "*/*"
      })
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    boolean backendDown = exception instanceof Throwable t && backendUnavailable(t);
    int status = backendDown ? HttpStatus.SERVICE_UNAVAILABLE.value() : statusOf(request);
    var type = ProblemTypes.forStatus(status);
    Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
    String detail =
        exception == null && message instanceof String text && !text.isBlank()
            ? text
            : backendDown
                ? "A backing system is not reachable or overloaded; retry later."
                : status >= 500 ? "An unexpected error occurred." : type.title();
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    ProblemDetail problem = Problems.of(type, detail, uri instanceof String path ? path : null);
    if (status >= 500) {
      String errorId = Problems.assignErrorId(problem);
      log.error(
          "Error {} ({}) outside a controller while serving {}",
          errorId,
          status,
          uri,
          exception instanceof Throwable t ? t : null);
    }
    var response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (backendDown) {
      response.header(HttpHeaders.RETRY_AFTER, "5");
    }
    return response.body(problem);
  }

  /**
   * Whether {@code failure} came from a backing system that could not serve (the database pool
   * exhausted or unreachable): a 503 the client may retry, not a bug.
   */
  private static boolean backendUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DataAccessResourceFailureException
          || t instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
    }
    return false;
  }

  private static int statusOf(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    if (code instanceof Integer status && status >= 400 && status <= 599) {
      return status;
    }
    return HttpStatus.INTERNAL_SERVER_ERROR.value();
  }
}
