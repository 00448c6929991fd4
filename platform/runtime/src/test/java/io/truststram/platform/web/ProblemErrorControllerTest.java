package io.truststram.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;

class ProblemErrorControllerTest {

  private final ProblemErrorController controller = new ProblemErrorController();

  @Test
  void anExhaustedOrUnreachableDatabaseOutsideAControllerIsARetryable503() {
    MockHttpServletRequest request = new MockHttpServletRequest();
    request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 500);
    request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/oauth2/token");
    request.setAttribute(
        RequestDispatcher.ERROR_EXCEPTION,
        new jakarta.servlet.ServletException(
            new CannotGetJdbcConnectionException(
                "pool", new java.sql.SQLTransientConnectionException("timed out"))));
    var response = controller.error(request);
    assertThat(response.getStatusCode().value()).isEqualTo(503);
    assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
    assertThat(response.getBody().getType().toString()).endsWith("/service-unavailable");
  }

  @Test
  void aClientThatHungUpMidBodyIsRecognised() {
    var abort = new org.apache.catalina.connector.ClientAbortException(new java.io.EOFException());
    assertThat(ProblemDetailsAdvice.clientWentAway(new RuntimeException(abort))).isTrue();
    assertThat(ProblemDetailsAdvice.clientWentAway(new java.io.IOException("disk"))).isFalse();
  }

  @Test
  void anyOtherExceptionStaysAnOpaque500() {
    MockHttpServletRequest request = new MockHttpServletRequest();
    request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 500);
    request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("secret"));
    var response = controller.error(request);
    assertThat(response.getStatusCode().value()).isEqualTo(500);
    assertThat(response.getBody().getDetail()).isEqualTo("An unexpected error occurred.");
    assertThat(response.getHeaders().getFirst("Retry-After")).isNull();
  }
}
