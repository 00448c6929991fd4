package io.truststram.gateway.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.common.problem.ProblemType;
import io.truststram.platform.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses requests whose path, query or common free-text headers carry the most frequent attack
 * patterns, in the spirit of the OWASP Core Rule Set's paranoia level 1: path traversal, SQL
 * injection, script injection, OS command injection, JNDI lookups (Log4Shell) and NUL bytes. It is
 * a coarse first line only; every service still validates its input and uses bound parameters.
 * Bodies are not inspected (their formats are the services' to check). Each refusal answers 400 and
 * is logged with the rule that matched, never with the offending text.
 */
final class RequestInspectionFilter extends OncePerRequestFilter {

  /** The request matched an attack pattern. */
  static final ProblemType REQUEST_REJECTED =
      new ProblemType("request-rejected", 400, "Request rejected");

  private static final Logger log = LoggerFactory.getLogger("io.truststram.security.reject");

  /** Headers that carry free text often used for injection. */
  private static final List<String> HEADERS = List.of("User-Agent", "Referer", "X-Forwarded-For");

  private record Rule(String name, Pattern pattern) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule("path-traversal", Pattern.compile("(?:^|[/\\\\])\\.\\.(?:[/\\\\]|$)")),
          new Rule("nul-byte", Pattern.compile("\\x00")),
          new Rule(
              "sql-injection",
              Pattern.compile(
                  "(?:\\bunion\\b[\\s/*]+(?:all[\\s/*]+)?select\\b"
                      + "|['\"`]\\s*(?:or|and)\\s+['\"`]?\\w+['\"`]?\\s*=\\s*['\"`]?\\w+"
                      + "|;\\s*(?:drop|truncate|delete|insert|update|alter)\\s+\\w"
                      + "|\\bsleep\\s*\\(\\s*\\d+\\s*\\)|\\bwaitfor\\s+delay\\b|\\bbenchmark\\s*\\("
                      + "|\\binformation_schema\\b|/\\*!\\d*)")),
          new Rule(
              "script-injection",
              Pattern.compile(
                  "(?:<\\s*script\\b|javascript\\s*:|<[^>]*\\son[a-z]+\\s*=|<\\s*iframe\\b"
                      + "|<\\s*svg[^>]*\\sonload)")),
          new Rule(
              "command-injection",
              Pattern.compile(
                  "(?:(?:;|\\|\\|?|&&|`)\\s*(?:cat|ls|id|whoami|wget|curl|nc|bash|sh|rm|chmod)"
                      + "(?:\\s|$|;)"
                      + "|\\$\\((?:[^)]*)\\)|\\$\\{ifs\\})")),
          new Rule("jndi-lookup", Pattern.compile("\\$\\{\\s*(?:jndi|env|sys|lower|upper)\\s*:")));

  private final MeterRegistry meters;

  RequestInspectionFilter(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String rule = firstMatch(request);
    if (rule != null) {
      meters.counter("truststram.gateway.rejected", "rule", rule).increment();
      log.warn(
          "rejected {} {} from {}: matched rule {}",
          request.getMethod(),
          request.getRequestURI().length() > 200
              ? request.getRequestURI().substring(0, 200)
              : request.getRequestURI(),
          request.getRemoteAddr(),
          rule);
      ProblemResponses.write(
          response,
          REQUEST_REJECTED,
          "The request was refused by the gateway's input inspection (rule " + rule + ").",
          "/");
      return;
    }
    chain.doFilter(request, response);
  }

  /** The name of the first rule {@code request} matches, or null. */
  static @Nullable String firstMatch(HttpServletRequest request) {
    String rule = check(request.getRequestURI());
    if (rule == null && request.getQueryString() != null) {
      rule = check(request.getQueryString());
    }
    for (String header : HEADERS) {
      if (rule != null) {
        break;
      }
      String value = request.getHeader(header);
      if (value != null) {
        rule = check(value);
      }
    }
    return rule;
  }

  /** The first rule {@code raw} (and its URL-decoded forms, twice) matches, or null. */
  static @Nullable String check(String raw) {
    String once = decode(raw);
    String twice = decode(once);
    for (String candidate : List.of(raw, once, twice)) {
      String text = candidate.toLowerCase(Locale.ROOT);
      for (Rule rule : RULES) {
        if (rule.pattern().matcher(text).find()) {
          return rule.name();
        }
      }
    }
    return null;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
