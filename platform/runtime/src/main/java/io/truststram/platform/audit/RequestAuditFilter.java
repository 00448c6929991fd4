package io.truststram.platform.audit;

import io.truststram.platform.security.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Publishes an {@link AuditRecord} for every request that changes state and for every request
 * refused for want of credentials or permission, whatever the service.
 *
 * <p>It runs before the security filters, so that it sees the 401 and 403 answers they give; the
 * caller and the endpoint's route are left on the request by {@link AuditInterceptor} once a
 * handler is chosen. Each record is published in a transaction of its own, so that the event
 * publication registry holds it durably before the response completes, and the audit service's
 * listener appends it (delivering it again after a crash). It records the route, the path, the
 * status and the caller, never a body or a query string.
 *
 * <p>Every request also gets a request id ({@link RequestIds}), returned in {@code X-Request-Id}.
 */
final class RequestAuditFilter extends OncePerRequestFilter {

  static final String REQUEST_ID_HEADER = "X-Request-Id";
  static final String CALLER = RequestAuditFilter.class.getName() + ".caller";
  static final String ROUTE = RequestAuditFilter.class.getName() + ".route";
  static final String AUDITED = RequestAuditFilter.class.getName() + ".audited";
  static final String NOT_AUDITED = RequestAuditFilter.class.getName() + ".notAudited";

  private static final Logger log = LoggerFactory.getLogger(RequestAuditFilter.class);
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  private final ApplicationEventPublisher events;
  private final TransactionTemplate transactions;
  private final Clock clock;

  RequestAuditFilter(
      ApplicationEventPublisher events, TransactionTemplate transactions, Clock clock) {
    this.events = events;
    this.transactions = transactions;
    this.clock = clock;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    // Probes and metrics scrapes, and the aggregation shards' internal traffic (a shared secret,
    // thousands of calls a round), are not user actions.
    return path.startsWith("/actuator/health")
        || path.equals("/actuator/prometheus")
        || path.startsWith("/internal/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String requestId = requestId(request);
    response.setHeader(REQUEST_ID_HEADER, requestId);
    request.setAttribute(RequestIds.ATTRIBUTE, requestId);
    boolean failed = true;
    try {
      chain.doFilter(request, response);
      failed = false;
    } finally {
      int status = failed && response.getStatus() < 400 ? 500 : response.getStatus();
      audit(request, status, requestId);
    }
  }

  private void audit(HttpServletRequest request, int status, String requestId) {
    boolean denied = status == 401 || status == 403;
    boolean changing =
        !SAFE_METHODS.contains(request.getMethod()) || request.getAttribute(AUDITED) != null;
    boolean exempt = request.getAttribute(NOT_AUDITED) != null && status < 400;
    if (!denied && (!changing || exempt)) {
      return;
    }
    Caller caller = (Caller) request.getAttribute(CALLER);
    Object route = request.getAttribute(ROUTE);
    String path = request.getRequestURI().substring(request.getContextPath().length());
    Map<String, String> details = new LinkedHashMap<>();
    details.put("status", Integer.toString(status));
    String client = caller == null ? formClient(request) : caller.clientId();
    AuditRecord record =
        new AuditRecord(
            UUID.randomUUID(),
            caller == null ? null : caller.tenant(),
            caller == null ? "anonymous" : caller.subject(),
            client,
            request.getMethod() + " " + (route == null ? path : route),
            path,
            denied
                ? AuditRecord.Outcome.DENIED
                : status < 400 ? AuditRecord.Outcome.SUCCESS : AuditRecord.Outcome.FAILURE,
            requestId,
            clock.instant(),
            details);
    try {
      transactions.executeWithoutResult(transaction -> events.publishEvent(record));
    } catch (RuntimeException e) {
      // The response is already decided; the failure must not be silent.
      log.error("Could not record {} {} for the audit trail", record.action(), status, e);
    }
  }

  /**
   * The client id of an unauthenticated OAuth request (the token endpoint): its Basic user name or
   * {@code client_id} form field. Neither is a secret.
   */
  private static @Nullable String formClient(HttpServletRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String id = colon < 0 ? decoded : decoded.substring(0, colon);
        return clip(java.net.URLDecoder.decode(id, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    String contentType = request.getContentType();
    if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
      String id = request.getParameter("client_id");
      return id == null ? null : clip(id);
    }
    return null;
  }

  private static String clip(String value) {
    return value.length() <= 128 ? value : value.substring(0, 128);
  }

  /**
   * The trace id of a valid W3C {@code traceparent}, so that the id follows the trace through the
   * gateway and the services; else the caller's {@code X-Request-Id} when it is a short, plain
   * token; else a fresh id in the form of a trace id.
   */
  private static String requestId(HttpServletRequest request) {
    String traceparent = request.getHeader("traceparent");
    if (traceparent != null) {
      Matcher matcher = TRACEPARENT.matcher(traceparent);
      if (matcher.matches() && !matcher.group(1).equals("0".repeat(32))) {
        return matcher.group(1);
      }
    }
    String given = request.getHeader(REQUEST_ID_HEADER);
    if (given != null && REQUEST_ID.matcher(given).matches()) {
      return given;
    }
    byte[] random = new byte[16];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
