package io.truststram.platform.idempotency;

import io.truststram.common.problem.ProblemTypes;
import io.truststram.platform.PlatformProperties;
import io.truststram.platform.web.BufferedBodyRequest;
import io.truststram.platform.web.ProblemResponses;
import io.truststram.platform.web.RequestBodyTooLargeException;
import io.truststram.platform.web.StreamedBodies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Makes mutating API requests that carry an {@code Idempotency-Key} header safe to retry.
 *
 * <p>The first request with a key runs; its response (any status below 500) is kept for {@code
 * truststram.idempotency.retention} and replayed, with {@code Idempotent-Replayed: true}, to every
 * later request with the same key and the same method, path, query, content type and body. The same
 * key with a different request is refused (422 idempotency-key-reused); a repeat while the first is
 * still running is refused (409 idempotency-key-in-use). A 5xx or an exception frees the key, so a
 * retry runs again. Keys are scoped to the authenticated principal: the filter is ordered after
 * Spring Security's chain so that it sees one (until authentication exists, every caller shares one
 * scope).
 *
 * <p>The key store being unreachable answers 503 before anything runs. Once the operation ran, a
 * failure to record its response is logged and the response still goes out; the key then stays
 * claimed until its lock times out, so retries within that time are refused (409), and a retry
 * after it runs the operation again. A response larger than {@code max-response-size} is not kept:
 * its key replays a problem ({@code idempotency-response-not-kept}) saying the request was
 * processed, so it is never run twice either. Each claim carries a token, so a slow request whose
 * claim was taken over cannot complete or free the claim of the request that took it.
 *
 * <p>Streamed binary bodies ({@link StreamedBodies}: model uploads, gigabytes) are not buffered
 * here; the endpoints taking them are idempotent by their own design.
 *
 * <p>Asynchronous controller methods (Servlet async) are not supported yet: none exist.
 *
 * <p>This follows the IETF draft "The Idempotency-Key HTTP Header Field" and the practice of
 * payment APIs; a request whose process died mid-way can be re-run once its claim's lock times out.
 */
final class IdempotencyFilter extends OncePerRequestFilter {

  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";

  /** Response headers a replay carries; the rest (Date, Content-Length, ...) are per response. */
  static final List<String> REPLAYED_HEADERS =
      List.of(
          HttpHeaders.CONTENT_TYPE,
          HttpHeaders.CONTENT_LANGUAGE,
          HttpHeaders.LOCATION,
          HttpHeaders.ALLOW,
          HttpHeaders.ACCEPT,
          HttpHeaders.ACCEPT_PATCH,
          HttpHeaders.RETRY_AFTER,
          HttpHeaders.ETAG,
          HttpHeaders.LAST_MODIFIED,
          HttpHeaders.LINK);

  private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

  private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final String ANONYMOUS = "-";

  private final IdempotencyStore store;
  private final Clock clock;
  private final PlatformProperties.Idempotency settings;

  IdempotencyFilter(IdempotencyStore store, Clock clock, PlatformProperties.Idempotency settings) {
    this.store = store;
    this.clock = clock;
    this.settings = settings;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !MUTATING.contains(request.getMethod())
        || request.getHeader(HEADER) == null
        || !request.getRequestURI().startsWith("/api/")
        || StreamedBodies.isStreamed(request);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String key = Objects.requireNonNull(request.getHeader(HEADER));
    String path = request.getRequestURI();
    if (!KEY.matcher(key).matches()) {
      ProblemResponses.write(
          response,
          ProblemTypes.INVALID_PARAMETER,
          HEADER + " must be 1-255 visible ASCII characters",
          path);
      return;
    }
    byte[] body;
    try {
      body = request.getInputStream().readAllBytes();
    } catch (RequestBodyTooLargeException e) {
      ProblemResponses.write(response, ProblemTypes.PAYLOAD_TOO_LARGE, e.getMessage(), path);
      return;
    }
    String scope = scopeOf(request);
    String fingerprint = fingerprint(request, body);

    Claim claim;
    try {
      claim =
          store.claim(
              scope,
              key,
              fingerprint,
              clock.instant(),
              settings.lockTimeout(),
              settings.retention());
    } catch (DataAccessResourceFailureException
        | TransientDataAccessException
        | RecoverableDataAccessException e) {
      log.warn("Idempotency key store unavailable", e);
      response.setHeader(HttpHeaders.RETRY_AFTER, "5");
      ProblemResponses.write(
          response,
          ProblemTypes.SERVICE_UNAVAILABLE,
          "A backing system is not reachable; retry later.",
          path);
      return;
    }
    switch (claim) {
      case Claim.Claimed claimed ->
          runAndRecord(request, response, chain, body, scope, key, claimed.token());
      case Claim.Replay replay -> replay(response, replay.response());
      case Claim.Mismatch mismatch ->
          ProblemResponses.write(
              response,
              ProblemTypes.IDEMPOTENCY_KEY_REUSED,
              "This " + HEADER + " was used with a different request; use a new key",
              path);
      case Claim.InProgress inProgress -> {
        response.setHeader(HttpHeaders.RETRY_AFTER, "1");
        ProblemResponses.write(
            response,
            ProblemTypes.IDEMPOTENCY_KEY_IN_USE,
            "A request with this " + HEADER + " is still being processed; retry shortly",
            path);
      }
    }
  }

  private void runAndRecord(
      HttpServletRequest request,
      HttpServletResponse response,
      FilterChain chain,
      byte[] body,
      String scope,
      String key,
      String token)
      throws ServletException, IOException {
    var caching = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(new BufferedBodyRequest(request, body), caching);
    } catch (IOException | ServletException | RuntimeException e) {
      releaseQuietly(scope, key, token);
      throw e;
    }
    try {
      byte[] responseBody = caching.getContentAsByteArray();
      int status = caching.getStatus();
      if (status >= 500) {
        // Operations are transactional: a 5xx means nothing changed, so a retry may run again.
        releaseQuietly(scope, key, token);
      } else if (responseBody.length > settings.maxResponseSize().toBytes()) {
        log.warn(
            "Response of {} bytes to {} is too large to keep for Idempotency-Key replay",
            responseBody.length,
            request.getRequestURI());
        store.complete(scope, key, token, notKept(status, caching, request.getRequestURI()));
      } else if (!store.complete(
          scope, key, token, new StoredResponse(status, headersOf(caching), responseBody))) {
        log.warn("Idempotency-Key claim was taken over before its request finished");
      }
    } catch (DataAccessException e) {
      // The operation ran; its response must still go out. The key stays claimed until its lock
      // times out, so a prompt retry is refused instead of repeating the operation.
      log.error("Could not record the response for Idempotency-Key replay", e);
    } finally {
      caching.copyBodyToResponse();
    }
  }

  /** The replay for a response too large to keep: a problem saying the request was processed. */
  private static StoredResponse notKept(int status, HttpServletResponse response, String path) {
    var type = ProblemTypes.IDEMPOTENCY_RESPONSE_NOT_KEPT;
    String json =
        ProblemResponses.json(
            type,
            "The request with this "
                + HEADER
                + " was processed (status "
                + status
                + ") but its response was too large to keep; read the resource instead",
            path);
    List<StoredResponse.Header> headers = new ArrayList<>();
    headers.add(new StoredResponse.Header(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
    String location = response.getHeader(HttpHeaders.LOCATION);
    if (location != null) {
      headers.add(new StoredResponse.Header(HttpHeaders.LOCATION, location));
    }
    return new StoredResponse(type.status(), headers, json.getBytes(StandardCharsets.UTF_8));
  }

  private void releaseQuietly(String scope, String key, String token) {
    try {
      store.release(scope, key, token);
    } catch (DataAccessException e) {
      log.warn("Could not release an Idempotency-Key; it frees itself when its lock times out", e);
    }
  }

  private static List<StoredResponse.Header> headersOf(HttpServletResponse response) {
    List<StoredResponse.Header> headers = new ArrayList<>();
    for (String name : REPLAYED_HEADERS) {
      for (String value : response.getHeaders(name)) {
        headers.add(new StoredResponse.Header(name, value));
      }
    }
    if (response.getContentType() != null && response.getHeader(HttpHeaders.CONTENT_TYPE) == null) {
      headers.add(new StoredResponse.Header(HttpHeaders.CONTENT_TYPE, response.getContentType()));
    }
    return headers;
  }

  private static void replay(HttpServletResponse response, StoredResponse stored)
      throws IOException {
    response.setStatus(stored.status());
    for (StoredResponse.Header header : stored.headers()) {
      response.addHeader(header.name(), header.value());
    }
    response.setHeader(REPLAYED, "true");
    response.getOutputStream().write(stored.body());
  }

  private static String scopeOf(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    return principal == null ? ANONYMOUS : principal.getName();
  }

  /** SHA-256 over what makes two requests the same request. */
  static String fingerprint(HttpServletRequest request, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part :
          new String[] {
            request.getMethod(),
            request.getRequestURI(),
            Objects.toString(request.getQueryString(), ""),
            Objects.toString(request.getContentType(), "")
          }) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
