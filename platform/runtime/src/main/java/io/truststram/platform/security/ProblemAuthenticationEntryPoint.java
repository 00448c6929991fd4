package io.truststram.platform.security;

import io.truststram.common.problem.ProblemTypes;
import io.truststram.platform.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a request without a usable access token: 401 with the RFC 6750 {@code WWW-Authenticate}
 * challenge and a problem document saying what was wrong with the token (never echoing it).
 */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

  private static final Logger log = LoggerFactory.getLogger("io.truststram.security.reject");

  private final BearerTokenAuthenticationEntryPoint challenge =
      new BearerTokenAuthenticationEntryPoint();

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    challenge.commence(request, response, failure);
    String detail;
    if (failure instanceof InvalidBearerTokenException) {
      detail = "The access token was rejected: " + describe(failure) + ".";
    } else if (request.getHeader("Authorization") == null) {
      detail = "This endpoint requires an access token: send Authorization: Bearer <token>.";
    } else {
      detail = "The Authorization header does not carry a usable bearer token.";
    }
    log.info(
        "rejected {} {} from {}: {}",
        request.getMethod(),
        request.getRequestURI(),
        request.getRemoteAddr(),
        detail);
    ProblemResponses.write(response, ProblemTypes.UNAUTHORIZED, detail, request.getRequestURI());
  }

  private static String describe(AuthenticationException failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      return "invalid token";
    }
    // Nimbus messages can quote parts of the token; keep only the first clause, bounded.
    String first = message.split("[\\r\\n]", 2)[0];
    return first.length() > 200 ? first.substring(0, 200) : first;
  }
}
