package io.truststram.gateway.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.common.cache.CacheStore;
import io.truststram.common.cache.CacheUnavailableException;
import io.truststram.common.cache.TokenBucket;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import io.truststram.platform.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Token-bucket rate limiting. Every policy whose path matches takes its cost from the caller's
 * bucket; the first one that is empty answers 429 with {@code Retry-After} and the problem
 * document. Allowed responses carry {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code
 * RateLimit-Reset} of the tightest policy, and {@code RateLimit-Policy} naming each.
 *
 * <p>Two instances run: one before authentication for address-keyed policies (sign-in, token
 * endpoint), one after it for client- and tenant-keyed ones. When the store cannot answer, the
 * request passes (fail-open) or gets 503 (fail-closed), as configured, and a metric counts it.
 */
final class RateLimitFilter extends OncePerRequestFilter {

  private static final UrlPathHelper PATH_HELPER = new UrlPathHelper();

  private static final Logger log = LoggerFactory.getLogger("io.truststram.security.reject");
  private static final AntPathMatcher PATHS = new AntPathMatcher();

  private final List<GatewayProperties.RateLimitPolicy> policies;
  private final CacheStore buckets;
  private final GatewayProperties.StoreFailure onStoreFailure;
  private final MeterRegistry meters;

  RateLimitFilter(
      List<GatewayProperties.RateLimitPolicy> policies,
      CacheStore store,
      GatewayProperties.StoreFailure onStoreFailure,
      MeterRegistry meters) {
    this.policies = List.copyOf(policies);
    this.buckets = store.namespace("ratelimit");
    this.onStoreFailure = onStoreFailure;
    this.meters = meters;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    // Decoded and normalised, as Spring Security and MVC see it: /%6cogin is /login.
    String path = PATH_HELPER.getPathWithinApplication(request);
    TokenBucket.Decision tightest = null;
    GatewayProperties.RateLimitPolicy tightestPolicy = null;
    List<String> applied = new ArrayList<>();
    for (GatewayProperties.RateLimitPolicy policy : policies) {
      if (!PATHS.match(policy.path(), path)) {
        continue;
      }
      Optional<String> subject = subject(policy.key(), request);
      if (subject.isEmpty()) {
        continue;
      }
      TokenBucket bucket = new TokenBucket(policy.replenishRate(), policy.burstCapacity());
      TokenBucket.Decision decision;
      try {
        decision = buckets.takeTokens(policy.name() + ":" + subject.get(), bucket, policy.cost());
      } catch (CacheUnavailableException e) {
        if (onStoreFailure == GatewayProperties.StoreFailure.CLOSED) {
          count(policy, "store_failure_closed");
          response.setHeader("Retry-After", "5");
          ProblemResponses.write(
              response,
              ProblemTypes.SERVICE_UNAVAILABLE,
              "Rate limits cannot be checked now; retry later.",
              request.getRequestURI());
          return;
        }
        count(policy, "store_failure_open");
        continue;
      }
      applied.add(policy.name() + ";q=" + policy.burstCapacity());
      if (!decision.allowed()) {
        count(policy, "limited");
        long retry = Math.max(1, (long) Math.ceil(decision.retryAfter().toMillis() / 1000.0));
        response.setHeader("Retry-After", Long.toString(retry));
        headers(response, policy, decision, applied);
        log.info(
            "rate limited {} {} ({} for {})",
            request.getMethod(),
            request.getRequestURI(),
            policy.name(),
            subject.get());
        ProblemResponses.write(
            response,
            ProblemTypes.TOO_MANY_REQUESTS,
            "Rate limit '"
                + policy.name()
                + "' exceeded: "
                + policy.burstCapacity()
                + " requests at once, "
                + policy.replenishRate()
                + " a second after that. Retry after "
                + retry
                + " s.",
            request.getRequestURI());
        return;
      }
      count(policy, "allowed");
      if (tightest == null || decision.remaining() < tightest.remaining()) {
        tightest = decision;
        tightestPolicy = policy;
      }
    }
    if (tightest != null && tightestPolicy != null) {
      headers(response, tightestPolicy, tightest, applied);
    }
    chain.doFilter(request, response);
  }

  private static void headers(
      HttpServletResponse response,
      GatewayProperties.RateLimitPolicy policy,
      TokenBucket.Decision decision,
      List<String> applied) {
    response.setHeader("RateLimit-Limit", Long.toString(policy.burstCapacity()));
    response.setHeader("RateLimit-Remaining", Long.toString(decision.remaining()));
    response.setHeader(
        "RateLimit-Reset",
        Long.toString((long) Math.ceil(decision.untilFull().toMillis() / 1000.0)));
    response.setHeader("RateLimit-Policy", String.join(", ", applied));
  }

  private void count(GatewayProperties.RateLimitPolicy policy, String outcome) {
    meters
        .counter("truststram.gateway.ratelimit", "policy", policy.name(), "outcome", outcome)
        .increment();
  }

  private static Optional<String> subject(GatewayProperties.Key key, HttpServletRequest request) {
    return switch (key) {
      case ADDRESS -> Optional.of("ip:" + request.getRemoteAddr());
      case CLIENT -> CurrentPrincipal.find().map(c -> "sub:" + c.subject());
      case TENANT -> CurrentPrincipal.find().map(Caller::tenant).map(t -> "tenant:" + t);
    };
  }

  /** Whether any policy needs the caller, i.e. must run after authentication. */
  static boolean needsCaller(GatewayProperties.RateLimitPolicy policy) {
    return policy.key() != GatewayProperties.Key.ADDRESS;
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return true;
  }

  @Override
  protected boolean shouldNotFilterErrorDispatch() {
    return true;
  }
}
