package io.truststram.gateway.internal;

import io.truststram.common.problem.ProblemType;
import io.truststram.platform.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Deprecated API versions. A request under a deprecated prefix gets {@code Deprecation} (RFC 9745,
 * {@code @<epoch seconds>}), {@code Sunset} (RFC 8594, an HTTP date) and {@code Link: <successor>;
 * rel="successor-version"}; from the sunset on, it gets {@code 410 Gone} with a problem document
 * naming the successor, whoever asks.
 */
final class VersionPolicyFilter extends OncePerRequestFilter {

  private static final UrlPathHelper PATH_HELPER = new UrlPathHelper();

  /** The version asked for is past its sunset. */
  static final ProblemType VERSION_GONE =
      new ProblemType("api-version-gone", 410, "API version gone");

  private final List<GatewayProperties.VersionPolicy> versions;
  private final Clock clock;

  VersionPolicyFilter(List<GatewayProperties.VersionPolicy> versions, Clock clock) {
    this.versions = List.copyOf(versions);
    this.clock = clock;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    // Decoded and normalised, as Spring Security and MVC see it: /%6cogin is /login.
    String path = PATH_HELPER.getPathWithinApplication(request);
    for (GatewayProperties.VersionPolicy version : versions) {
      if (!(path.equals(version.prefix()) || path.startsWith(version.prefix() + "/"))) {
        continue;
      }
      String successor =
          version.successor() == null
              ? null
              : version.successor() + path.substring(version.prefix().length());
      Instant now = clock.instant();
      if (version.deprecatedAt() != null) {
        response.setHeader("Deprecation", "@" + version.deprecatedAt().getEpochSecond());
      }
      if (version.sunsetAt() != null) {
        response.setHeader(
            "Sunset",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                version.sunsetAt().atOffset(ZoneOffset.UTC)));
      }
      if (successor != null) {
        response.addHeader("Link", "<" + successor + ">; rel=\"successor-version\"");
      }
      if (version.sunsetAt() != null && !now.isBefore(version.sunsetAt())) {
        ProblemResponses.write(
            response,
            VERSION_GONE,
            "This API version reached its sunset on "
                + version.sunsetAt()
                + (successor == null ? "." : "; use " + successor + " instead."),
            request.getRequestURI());
        return;
      }
      break;
    }
    chain.doFilter(request, response);
  }
}
