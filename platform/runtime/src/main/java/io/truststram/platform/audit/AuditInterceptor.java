package io.truststram.platform.audit;

import io.truststram.platform.security.CurrentPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Leaves on the request what {@link RequestAuditFilter} records once the response is done: the
 * authenticated caller, the route pattern that matched, and whether the endpoint is a {@link
 * NotAudited}. Runs after the security filters, where the caller is known.
 */
final class AuditInterceptor implements HandlerInterceptor {

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    CurrentPrincipal.find()
        .ifPresent(caller -> request.setAttribute(RequestAuditFilter.CALLER, caller));
    Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
    if (route != null) {
      request.setAttribute(RequestAuditFilter.ROUTE, route.toString());
    }
    if (handler instanceof HandlerMethod method
        && (method.hasMethodAnnotation(NotAudited.class)
            || method.getBeanType().isAnnotationPresent(NotAudited.class))) {
      request.setAttribute(RequestAuditFilter.NOT_AUDITED, Boolean.TRUE);
    }
    if (handler instanceof HandlerMethod method && method.hasMethodAnnotation(Audited.class)) {
      request.setAttribute(RequestAuditFilter.AUDITED, Boolean.TRUE);
    }
    return true;
  }
}
