package io.truststram.platform.security;

import io.truststram.common.problem.ProblemTypes;
import io.truststram.platform.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandler;

/** Answers an authenticated caller who lacks the permission a request needs: 403, problem+json. */
final class ProblemAccessDeniedHandler implements AccessDeniedHandler {

  private static final Logger log = LoggerFactory.getLogger("io.truststram.security.reject");

  private final BearerTokenAccessDeniedHandler challenge = new BearerTokenAccessDeniedHandler();

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    challenge.handle(request, response, denied);
    String who = request.getUserPrincipal() == null ? "?" : request.getUserPrincipal().getName();
    log.info("denied {} {} to {}", request.getMethod(), request.getRequestURI(), who);
    ProblemResponses.write(
        response,
        ProblemTypes.FORBIDDEN,
        "The access token does not grant the permission this request needs.",
        request.getRequestURI());
  }
}
