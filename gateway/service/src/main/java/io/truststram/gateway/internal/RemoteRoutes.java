package io.truststram.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.common.problem.ProblemType;
import io.truststram.platform.audit.RequestIds;
import io.truststram.platform.web.BufferedBodyRequest;
import io.truststram.platform.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.cloud.gateway.server.mvc.filter.AfterFilterFunctions;
import org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions;
import org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions;
import org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions;
import org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The remote routes of {@code truststram.gateway.routes}, as Spring Cloud Gateway (Web MVC) routes.
 * Each request on a route goes through, in this order: the body-size limit (the body is buffered,
 * so that it can be sent again), the trace headers, the route's circuit breaker and time limit
 * (Resilience4j), the header and path transformations, and the choice of an instance with failover
 * to the next one when an instance refuses the connection; then Spring Cloud Gateway's proxy
 * forwards it, adding {@code X-Forwarded-*} and dropping hop-by-hop headers. Failures answer with
 * problem documents: 413 too large, 502 no instance reachable, 503 circuit open, 504 time-out.
 */
final class RemoteRoutes implements SmartLifecycle {

  static final ProblemType PAYLOAD_TOO_LARGE =
      new ProblemType("payload-too-large", 413, "Payload too large");
  static final ProblemType UPSTREAM_UNREACHABLE =
      new ProblemType("upstream-unreachable", 502, "Upstream unreachable");
  static final ProblemType UPSTREAM_UNAVAILABLE =
      new ProblemType("upstream-unavailable", 503, "Upstream unavailable");
  static final ProblemType UPSTREAM_TIMEOUT =
      new ProblemType("upstream-timeout", 504, "Upstream timed out");
  static final ProblemType BAD_BODY =
      new ProblemType("unreadable-body", 400, "Request body unreadable");

  private static final Logger log = LoggerFactory.getLogger("io.truststram.gateway.routes");
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  private final List<GatewayProperties.Route> routes;
  private final List<UpstreamPool> pools = new ArrayList<>();
  private final ScheduledExecutorService health =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("gateway-health").factory());
  private volatile boolean running;

  RemoteRoutes(List<GatewayProperties.Route> routes, MeterRegistry meters) {
    this.routes = routes;
    for (GatewayProperties.Route route : routes) {
      pools.add(new UpstreamPool(route, meters));
    }
  }

  /** One router function holding every route, in the order configured. */
  RouterFunction<ServerResponse> routerFunction() {
    RouterFunction<ServerResponse> all = null;
    for (int i = 0; i < routes.size(); i++) {
      RouterFunction<ServerResponse> one = route(routes.get(i), pools.get(i));
      all = all == null ? one : all.and(one);
    }
    if (all == null) {
      throw new IllegalStateException("no remote routes configured");
    }
    return all;
  }

  /** Each route's circuit breaker and time limit, under the route's id. */
  Customizer<Resilience4JCircuitBreakerFactory> circuitBreakers() {
    return factory -> {
      for (GatewayProperties.Route route : routes) {
        GatewayProperties.CircuitBreaker breaker = route.circuitBreaker();
        factory.configure(
            builder ->
                builder
                    .timeLimiterConfig(
                        TimeLimiterConfig.custom().timeoutDuration(route.timeout()).build())
                    .circuitBreakerConfig(
                        CircuitBreakerConfig.custom()
                            .slidingWindowSize(breaker.window())
                            .minimumNumberOfCalls(breaker.minimumCalls())
                            .failureRateThreshold(breaker.failureRateThreshold())
                            .waitDurationInOpenState(breaker.openFor())
                            .build()),
            route.id());
      }
    };
  }

  private static RouterFunction<ServerResponse> route(
      GatewayProperties.Route route, UpstreamPool pool) {
    Function<ServerRequest, ServerRequest> before = transformRequest(route);
    BiFunction<ServerRequest, ServerResponse, ServerResponse> after = transformResponse(route);
    HandlerFilterFunction<ServerResponse, ServerResponse> breaker =
        CircuitBreakerFilterFunctions.circuitBreaker(route.id());
    long maxBody = route.maxBodySize().toBytes();
    return GatewayRouterFunctions.route(route.id())
        .route(RequestPredicates.path(route.path()), HandlerFunctions.http())
        .filter(
            (request, next) -> {
              String path = request.requestPath().value();
              String[] trace = trace(request);
              String traceId = trace[0];
              try {
                // The body first: building a request from this one may parse a form body away.
                byte @Nullable [] body = readBody(request, maxBody);
                ServerRequest traced =
                    ServerRequest.from(request)
                        .headers(
                            headers -> {
                              headers.set("traceparent", trace[1]);
                              headers.set("X-Request-Id", traceId);
                            })
                        .build();
                ServerResponse response =
                    breaker.filter(
                        traced,
                        guarded ->
                            after.apply(guarded, forward(before.apply(guarded), body, pool, next)));
                // The platform's request filter answers X-Request-Id: the same trace id.
                return response;
              } catch (ResponseStatusException e) {
                return problem(route, e, path);
              }
            })
        .build();
  }

  /** Sends the request to the instances in turn until one accepts the connection. */
  private static ServerResponse forward(
      ServerRequest request,
      byte @Nullable [] body,
      UpstreamPool pool,
      HandlerFunction<ServerResponse> proxy)
      throws Exception {
    List<URI> order = pool.attemptOrder();
    for (URI instance : order) {
      ServerRequest attempt = body == null ? request : withBody(request, body);
      MvcUtils.setRequestUrl(attempt, instance);
      try {
        return proxy.handle(attempt);
      } catch (Exception e) {
        if (!refusedConnection(e)) {
          throw e;
        }
        pool.markDown(instance);
      }
    }
    throw new ResponseStatusException(
        org.springframework.http.HttpStatus.BAD_GATEWAY,
        "none of the route's " + order.size() + " instances accepted a connection");
  }

  private static boolean refusedConnection(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException
          || cause instanceof NoRouteToHostException
          || cause instanceof UnknownHostException
          || cause instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The request body, read whole (so that failover can send it again), or null when there is none;
   * 413 when it is longer than {@code max}.
   */
  private static byte @Nullable [] readBody(ServerRequest request, long max) {
    HttpServletRequest servlet = request.servletRequest();
    long declared = servlet.getContentLengthLong();
    boolean chunked = servlet.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    if (declared > max) {
      throw new ResponseStatusException(
          org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE,
          "the body is " + declared + " bytes; this route takes at most " + max);
    }
    if (declared <= 0 && !chunked) {
      return null;
    }
    try (InputStream in = servlet.getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (body.length > max) {
        throw new ResponseStatusException(
            org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE,
            "the body is longer than the " + max + " bytes this route takes");
      }
      return body;
    } catch (IOException e) {
      throw new ResponseStatusException(
          org.springframework.http.HttpStatus.BAD_REQUEST, "the request body could not be read");
    }
  }

  private static ServerRequest withBody(ServerRequest request, byte[] body) {
    HttpServletRequest buffered = new BufferedBodyRequest(request.servletRequest(), body);
    // The transformations changed the request's headers and path, not the servlet request's.
    return ServerRequest.from(ServerRequest.create(buffered, request.messageConverters()))
        .headers(
            headers -> {
              headers.clear();
              headers.putAll(request.headers().asHttpHeaders());
            })
        .uri(request.uri())
        .build();
  }

  /**
   * Continues the caller's W3C trace ({@code traceparent}) with a new span id, or starts one: the
   * trace id (also answered as {@code X-Request-Id}) and the {@code traceparent} to send on.
   */
  private static String[] trace(ServerRequest request) {
    String incoming = request.headers().firstHeader("traceparent");
    var matcher = incoming == null ? null : TRACEPARENT.matcher(incoming);
    boolean valid =
        matcher != null && matcher.matches() && !matcher.group(1).equals("0".repeat(32));
    // Without a trace to continue, start one with the id the request was given, which is answered
    // as X-Request-Id, so that the instance's records and the caller's agree.
    String given = RequestIds.of(request.servletRequest());
    String traceId =
        valid
            ? matcher.group(1)
            : given != null && given.matches("[0-9a-f]{32}") ? given : randomHex(16);
    String flags = valid ? matcher.group(3) : "01";
    return new String[] {traceId, "00-" + traceId + "-" + randomHex(8) + "-" + flags};
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private static Function<ServerRequest, ServerRequest> transformRequest(
      GatewayProperties.Route route) {
    Function<ServerRequest, ServerRequest> chain = Function.identity();
    for (String header : route.removeRequestHeaders()) {
      chain = chain.andThen(BeforeFilterFunctions.removeRequestHeader(header));
    }
    for (var rename : route.renameRequestHeaders().entrySet()) {
      chain = chain.andThen(renameRequestHeader(rename.getKey(), rename.getValue()));
    }
    for (var add : route.addRequestHeaders().entrySet()) {
      chain = chain.andThen(BeforeFilterFunctions.setRequestHeader(add.getKey(), add.getValue()));
    }
    if (route.rewritePath() != null) {
      chain =
          chain.andThen(BeforeFilterFunctions.rewritePath(route.rewritePath(), route.rewriteTo()));
    }
    return chain;
  }

  private static Function<ServerRequest, ServerRequest> renameRequestHeader(
      String from, String to) {
    return request -> {
      List<String> values = request.headers().header(from);
      if (values.isEmpty()) {
        // A client must not supply the renamed header itself.
        return request.headers().header(to).isEmpty()
            ? request
            : ServerRequest.from(request).headers(headers -> headers.remove(to)).build();
      }
      return ServerRequest.from(request)
          .headers(
              headers -> {
                headers.remove(from);
                headers.put(to, new ArrayList<>(values));
              })
          .build();
    };
  }

  private static BiFunction<ServerRequest, ServerResponse, ServerResponse> transformResponse(
      GatewayProperties.Route route) {
    List<BiFunction<ServerRequest, ServerResponse, ServerResponse>> steps = new ArrayList<>();
    route
        .removeResponseHeaders()
        .forEach(h -> steps.add(AfterFilterFunctions.removeResponseHeader(h)));
    route
        .addResponseHeaders()
        .forEach((name, value) -> steps.add(AfterFilterFunctions.setResponseHeader(name, value)));
    return (request, response) -> {
      ServerResponse result = response;
      for (var step : steps) {
        result = step.apply(request, result);
      }
      return result;
    };
  }

  private static ServerResponse problem(
      GatewayProperties.Route route, ResponseStatusException thrown, String path) {
    // The circuit breaker wraps what it does not know in a 500; ours are inside.
    ResponseStatusException error =
        thrown.getCause() instanceof ResponseStatusException inner ? inner : thrown;
    ProblemType type =
        switch (error.getStatusCode().value()) {
          case 400, 413 -> error.getStatusCode().value() == 413 ? PAYLOAD_TOO_LARGE : BAD_BODY;
          case 503 -> UPSTREAM_UNAVAILABLE;
          case 504 -> UPSTREAM_TIMEOUT;
          default -> UPSTREAM_UNREACHABLE;
        };
    // Our own refusals carry a message meant for the client; anything else (an I/O error of the
    // proxy, say) names internal addresses, so it goes to the log only.
    boolean ours = error.getCause() == null;
    String detail =
        switch (type.status()) {
          case 503 ->
              "route " + route.id() + " is not calling its instances for now (circuit open)";
          case 504 ->
              "route " + route.id() + ": no answer within " + route.timeout().toMillis() + " ms";
          default ->
              ours
                  ? "route " + route.id() + ": " + error.getReason()
                  : "route " + route.id() + ": the instance's answer could not be relayed";
        };
    if (!ours && type.status() == 502) {
      log.warn("route {}: relaying {} failed", route.id(), path, error.getCause());
    }
    if (type.status() >= 500) {
      log.warn("route {}: {} for {}", route.id(), type.status(), path);
    }
    ServerResponse.BodyBuilder response =
        ServerResponse.status(type.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (type.status() == 503) {
      response.header(
          HttpHeaders.RETRY_AFTER, String.valueOf(route.circuitBreaker().openFor().toSeconds()));
    }
    return response.body(ProblemResponses.json(type, detail, path));
  }

  @Override
  public void start() {
    for (int i = 0; i < pools.size(); i++) {
      UpstreamPool pool = pools.get(i);
      long every = routes.get(i).healthInterval().toMillis();
      health.scheduleWithFixedDelay(
          () -> {
            try {
              pool.checkAll();
            } catch (RuntimeException e) {
              log.warn("health check failed to run", e);
            }
          },
          0,
          every,
          TimeUnit.MILLISECONDS);
    }
    running = true;
  }

  @Override
  public void stop() {
    health.shutdownNow();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
