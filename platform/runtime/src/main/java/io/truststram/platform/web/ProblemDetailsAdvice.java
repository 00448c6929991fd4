package io.truststram.platform.web;

import io.truststram.common.cache.CacheUnavailableException;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemType;
import io.truststram.common.problem.ProblemTypes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Answers every error raised while handling a request with an RFC 9457 problem document whose
 * {@code type} is one of TrustStram's stable problem types.
 *
 * <p>Spring MVC's own exceptions (404, 405, 406, 415, unreadable bodies, validation) keep the
 * status Spring gives them and get our type and a detail that names the field at fault but never a
 * Java class. Anything unexpected becomes a 500 whose detail says nothing and whose {@code errorId}
 * points to the log entry with the stack trace.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);
  private static final Logger REJECTS = LoggerFactory.getLogger("io.truststram.security.reject");

  @ExceptionHandler(ProblemException.class)
  ResponseEntity<ProblemDetail> handleProblem(ProblemException e, HttpServletRequest request) {
    ProblemDetail problem = Problems.of(e.type(), e.detail(), request.getRequestURI());
    Problems.withProperties(problem, e.properties());
    return ResponseEntity.status(e.type().status()).body(problem);
  }

  @ExceptionHandler({
    CannotGetJdbcConnectionException.class,
    DataAccessResourceFailureException.class,
    TransientDataAccessException.class,
    CacheUnavailableException.class
  })
  ResponseEntity<ProblemDetail> handleUnavailable(Exception e, HttpServletRequest request) {
    log.warn(
        "Backing system unavailable while serving {}: {}", request.getRequestURI(), e.toString());
    ProblemDetail problem =
        Problems.of(
            ProblemTypes.SERVICE_UNAVAILABLE,
            "A backing system is not reachable; retry later.",
            request.getRequestURI());
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "5")
        .body(problem);
  }

  /**
   * A method-security check ({@code @PreAuthorize}) that failed inside a controller: 403, or 401
   * when nobody is authenticated. Spring Security's filter never sees these, since the handler
   * chain resolves them first.
   */
  @ExceptionHandler(AccessDeniedException.class)
  ResponseEntity<ProblemDetail> handleDenied(AccessDeniedException e, HttpServletRequest request) {
    Authentication who = SecurityContextHolder.getContext().getAuthentication();
    boolean anonymous = who == null || who instanceof AnonymousAuthenticationToken;
    ProblemType type = anonymous ? ProblemTypes.UNAUTHORIZED : ProblemTypes.FORBIDDEN;
    String detail =
        anonymous
            ? "This endpoint requires an access token: send Authorization: Bearer <token>."
            : "The access token does not grant the permission this request needs.";
    REJECTS.info(
        "denied {} {} to {}",
        request.getMethod(),
        request.getRequestURI(),
        anonymous ? "anonymous" : who.getName());
    return ResponseEntity.status(type.status())
        .body(Problems.of(type, detail, request.getRequestURI()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> handleUnexpected(Exception e, HttpServletRequest request) {
    if (clientWentAway(e)) {
      // The client closed the connection while sending its body (a broken upload it will
      // resume): not a server error, and nobody is left to read an answer.
      REJECTS.info(
          "client closed the connection during {} {}",
          request.getMethod(),
          request.getRequestURI());
      return ResponseEntity.badRequest()
          .body(
              Problems.of(
                  ProblemTypes.MALFORMED_REQUEST,
                  "The request body ended before it was complete",
                  request.getRequestURI()));
    }
    ProblemDetail problem =
        Problems.of(
            ProblemTypes.INTERNAL_ERROR,
            "An unexpected error occurred. Report the errorId to your operator.",
            request.getRequestURI());
    String errorId = Problems.assignErrorId(problem);
    log.error(
        "Unexpected error {} while serving {} {}",
        errorId,
        request.getMethod(),
        request.getRequestURI(),
        e);
    return ResponseEntity.internalServerError().body(problem);
  }

  /** Whether {@code e} is the servlet container telling that the client disconnected. */
  static boolean clientWentAway(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getName().equals("org.apache.catalina.connector.ClientAbortException")) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, Object>> errors =
        ex.getBindingResult().getFieldErrors().stream()
            .sorted(Comparator.comparing(FieldError::getField))
            .map(e -> fieldError(e.getField(), e.getDefaultMessage()))
            .toList();
    return handleExceptionInternal(
        ex, withErrors(ProblemTypes.VALIDATION_FAILED, errors, request), headers, status, request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<Map<String, Object>> errors =
        ex.getParameterValidationResults().stream()
            .flatMap(
                result ->
                    result.getResolvableErrors().stream()
                        .map(
                            error ->
                                fieldError(
                                    result.getMethodParameter().getParameterName(),
                                    error.getDefaultMessage())))
            .toList();
    return handleExceptionInternal(
        ex,
        withErrors(ProblemTypes.INVALID_PARAMETER, errors, request),
        headers,
        HttpStatus.BAD_REQUEST,
        request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (findCause(ex, RequestBodyTooLargeException.class)
        instanceof RequestBodyTooLargeException tooLarge) {
      ProblemDetail problem =
          Problems.of(ProblemTypes.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), path(request));
      return handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
    }
    ProblemDetail problem = unreadableBody(ex, path(request));
    return handleExceptionInternal(ex, problem, headers, status, request);
  }

  /**
   * Gives every other problem Spring MVC builds (404, 405, 406, 415, missing or mistyped
   * parameters) the TrustStram type for its status.
   */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex,
      @Nullable Object body,
      HttpHeaders headers,
      HttpStatusCode statusCode,
      WebRequest request) {
    ProblemDetail problem;
    if (body instanceof ProblemDetail given) {
      problem = given;
    } else if (ex instanceof ErrorResponse response) {
      problem = response.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
    } else {
      problem = ProblemDetail.forStatus(statusCode);
    }
    if (ex instanceof NoResourceFoundException notFound) {
      // Spring names it a missing static resource; to an API client it is a missing endpoint.
      problem.setDetail(
          "No endpoint " + notFound.getHttpMethod() + " /" + notFound.getResourcePath());
    }
    if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
      ProblemType type =
          statusCode.value() == 400
              ? ProblemTypes.INVALID_PARAMETER
              : ProblemTypes.forStatus(statusCode.value());
      Problems.stamp(problem, type, path(request));
    }
    if (statusCode.is5xxServerError()) {
      String errorId = Problems.assignErrorId(problem);
      log.error("Server error {} while serving {}", errorId, path(request), ex);
    }
    return new ResponseEntity<>(problem, headers, statusCode);
  }

  private static ProblemDetail unreadableBody(
      HttpMessageNotReadableException ex, @Nullable String path) {
    if (findCause(ex, UnrecognizedPropertyException.class)
        instanceof UnrecognizedPropertyException unknown) {
      String field = unknown.getPropertyName();
      ProblemDetail problem =
          Problems.of(
              ProblemTypes.UNKNOWN_FIELD,
              "Unknown field '" + field + "'; known fields: " + unknown.getKnownPropertyIds(),
              path);
      problem.setProperty("field", field);
      return problem;
    }
    if (findCause(ex, MismatchedInputException.class)
        instanceof MismatchedInputException mismatch) {
      String field = jsonPath(mismatch);
      return Problems.of(
          ProblemTypes.MALFORMED_REQUEST,
          field.isEmpty()
              ? "Request body does not have the expected shape"
              : "Field '" + field + "' has the wrong type or form",
          path);
    }
    if (findCause(ex, JacksonException.class) instanceof JacksonException json) {
      var location = json.getLocation();
      String where =
          location == null || location.getLineNr() < 0
              ? ""
              : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
      return Problems.of(
          ProblemTypes.MALFORMED_REQUEST, "Request body is not valid JSON" + where, path);
    }
    return Problems.of(
        ProblemTypes.MALFORMED_REQUEST, "Request body is missing or unreadable", path);
  }

  private static String jsonPath(DatabindException e) {
    StringBuilder path = new StringBuilder();
    for (var reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static Map<String, Object> fieldError(String field, @Nullable String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("field", field);
    error.put("message", message == null ? "is invalid" : message);
    return error;
  }

  /** A problem listing field errors, its detail summarising the first. */
  private static ProblemDetail withErrors(
      ProblemType type, List<Map<String, Object>> errors, WebRequest request) {
    ProblemDetail problem = Problems.of(type, summary(errors), path(request));
    problem.setProperty("errors", errors);
    return problem;
  }

  private static String summary(List<Map<String, Object>> errors) {
    if (errors.isEmpty()) {
      return "Request validation failed";
    }
    var first = errors.getFirst();
    String text = first.get("field") + " " + first.get("message");
    return errors.size() == 1 ? text : text + " (and " + (errors.size() - 1) + " more)";
  }

  private static @Nullable Throwable findCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static @Nullable String path(WebRequest request) {
    if (request instanceof NativeWebRequest nativeRequest
        && nativeRequest.getNativeRequest() instanceof HttpServletRequest servlet) {
      return servlet.getRequestURI();
    }
    return null;
  }
}
