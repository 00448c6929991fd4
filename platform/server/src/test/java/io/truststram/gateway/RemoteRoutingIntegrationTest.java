package io.truststram.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.Instances;
import io.truststram.platform.testing.TestTokens;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's remote routes against real HTTP servers standing in for remote service instances:
 * round robin, failover when an instance is down, health checks, header and path transformations,
 * the body limit, the caller's token and a trace travelling on, time limits and the circuit
 * breaker, every failure a problem document.
 */
class RemoteRoutingIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final List<Backend> backends = new ArrayList<>();
  private ConfigurableApplicationContext gateway;

  @AfterEach
  void stop() {
    // Backends first: a hanging one lets go of the gateway's requests, so it closes at once.
    backends.forEach(Backend::stop);
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void requestsGoRoundRobinAndFailOverWhenAnInstanceIsDown() throws Exception {
    Backend a = backend("a");
    Backend b = backend("b");
    HttpTestClient http = start(route(a, b));

    List<String> served = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      var response = http.get("/api/v1/echo/items?page=" + i);
      assertThat(response.status()).isEqualTo(200);
      served.add(response.json().path("instance").asString());
    }
    assertThat(served).containsOnly("a", "b");
    assertThat(served.stream().filter("a"::equals).count()).isEqualTo(3);

    b.stop();
    for (int i = 0; i < 4; i++) {
      var response =
          http.postJson("/api/v1/echo/items", "{\"n\":" + i + "}"); // bodies are sent again too
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().path("instance").asString()).isEqualTo("a");
      assertThat(response.json().path("body").asString()).isEqualTo("{\"n\":" + i + "}");
    }
    assertThat(healthGauge(b)).isZero();
  }

  @Test
  void anInstanceFailingItsHealthCheckGetsNoRequestsUntilItRecovers() throws Exception {
    Backend a = backend("a");
    Backend b = backend("b");
    HttpTestClient http = start(route(a, b));
    b.healthy.set(false);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> healthGauge(b) == 0);

    for (int i = 0; i < 4; i++) {
      assertThat(http.get("/api/v1/echo/x").json().path("instance").asString()).isEqualTo("a");
    }
    assertThat(b.requests.get()).isZero();

    b.healthy.set(true);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> healthGauge(b) == 1);
    List<String> served = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      served.add(http.get("/api/v1/echo/x").json().path("instance").asString());
    }
    assertThat(served).contains("b");
  }

  @Test
  void headersAndThePathAreTransformedAndTheTokenAndATraceTravelOn() throws Exception {
    Backend a = backend("a");
    List<String> args = route(a);
    args.addAll(
        List.of(
            "--truststram.gateway.routes[0].rewrite-path=/api/v1/echo/(?<rest>.*)",
            "--truststram.gateway.routes[0].rewrite-to=/internal/${rest}",
            "--truststram.gateway.routes[0].add-request-headers.X-Gateway=truststram",
            "--truststram.gateway.routes[0].remove-request-headers[0]=X-Debug",
            "--truststram.gateway.routes[0].rename-request-headers.X-Old=X-New",
            "--truststram.gateway.routes[0].add-response-headers.X-Served-By=gateway",
            "--truststram.gateway.routes[0].remove-response-headers[0]=X-Backend-Secret"));
    HttpTestClient http = start(args);
    String token = TestTokens.platformAdmin(gateway, port());
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    var response =
        HttpTestClient.onPort(port())
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port() + "/api/v1/echo/a/b?q=1"))
                    .header("Authorization", "Bearer " + token)
                    .header("X-Debug", "secret")
                    .header("X-Old", "value")
                    .header("traceparent", traceparent)
                    .header("X-Forwarded-For", "203.0.113.9")
                    .GET());

    assertThat(response.status()).isEqualTo(200);
    JsonNode seen = response.json();
    assertThat(seen.path("path").asString()).isEqualTo("/internal/a/b?q=1");
    JsonNode headers = seen.path("headers");
    assertThat(headers.path("x-gateway").asString()).isEqualTo("truststram");
    assertThat(headers.has("x-debug")).isFalse();
    assertThat(headers.has("x-old")).isFalse();
    assertThat(headers.path("x-new").asString()).isEqualTo("value");
    assertThat(headers.path("authorization").asString()).isEqualTo("Bearer " + token);
    // The gateway adds where the request came from, and believes no client's claim about it.
    assertThat(headers.path("x-forwarded-for").asString())
        .isNotBlank()
        .doesNotContain("203.0.113.9");
    // The same trace, a new span.
    String forwarded = headers.path("traceparent").asString();
    assertThat(forwarded).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01");
    assertThat(forwarded).isNotEqualTo(traceparent);
    assertThat(response.header("X-Request-Id")).hasValue("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(response.header("X-Served-By")).hasValue("gateway");
    assertThat(response.header("X-Backend-Secret")).isEmpty();
    assertThat(response.header("X-Instance")).hasValue("a");
    // A client cannot supply the renamed header itself.
    var spoofed =
        HttpTestClient.onPort(port())
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/api/v1/echo/x"))
                    .header("Authorization", "Bearer " + token)
                    .header("X-New", "forged")
                    .GET());
    assertThat(spoofed.json().path("headers").has("x-new")).isFalse();
  }

  @Test
  void formBodiesArriveAsSent() throws Exception {
    Backend a = backend("a");
    HttpTestClient http = start(route(a));
    var response =
        http.post(
            "/api/v1/echo/form?from=query",
            "application/x-www-form-urlencoded",
            "name=Ada+Lovelace&year=1843");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("body").asString()).isEqualTo("name=Ada+Lovelace&year=1843");
    assertThat(response.json().path("path").asString()).isEqualTo("/api/v1/echo/form?from=query");
  }

  @Test
  void theEdgeRefusesWhatTheInstancesShouldNeverSee() throws Exception {
    Backend a = backend("a");
    List<String> args = route(a);
    args.add("--truststram.gateway.routes[0].max-body-size=1KB");
    HttpTestClient http = start(args);

    var anonymous = http.anonymous().get("/api/v1/echo/x");
    assertThat(anonymous.status()).isEqualTo(401);

    var large = http.postJson("/api/v1/echo/x", "{\"a\":\"" + "x".repeat(2000) + "\"}");
    assertThat(large.status()).isEqualTo(413);
    assertThat(large.contentType()).isEqualTo("application/problem+json");
    assertThat(large.json().path("type").asString()).endsWith("/payload-too-large");
    assertThat(large.header("X-Request-Id")).isPresent();

    var chunked =
        http.postChunked(
            "/api/v1/echo/x",
            "application/json",
            ("{\"a\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(chunked.status()).isEqualTo(413);
    assertThat(a.requests.get()).isZero();
  }

  @Test
  void slowInstancesTimeOutAndEnoughFailuresOpenTheCircuit() throws Exception {
    Backend slow = backend("slow");
    slow.hanging.set(true);
    List<String> args = route(slow);
    args.addAll(
        List.of(
            "--truststram.gateway.routes[0].timeout=300ms",
            "--truststram.gateway.routes[0].circuit-breaker.minimum-calls=3",
            "--truststram.gateway.routes[0].circuit-breaker.window=3",
            "--truststram.gateway.routes[0].circuit-breaker.open-for=60s"));
    HttpTestClient http = start(args);

    for (int i = 0; i < 3; i++) {
      var timedOut = http.get("/api/v1/echo/slow");
      assertThat(timedOut.status()).isEqualTo(504);
      assertThat(timedOut.json().path("type").asString()).endsWith("/upstream-timeout");
    }
    int before = slow.requests.get();
    var open = http.get("/api/v1/echo/slow");
    assertThat(open.status()).isEqualTo(503);
    assertThat(open.contentType()).isEqualTo("application/problem+json");
    assertThat(open.json().path("type").asString()).endsWith("/upstream-unavailable");
    assertThat(open.header("Retry-After")).hasValue("60");
    assertThat(slow.requests.get()).isEqualTo(before);
  }

  @Test
  void whenNoInstanceAcceptsAConnectionTheAnswerIs502() throws Exception {
    Backend a = backend("a");
    HttpTestClient http = start(route(a));
    a.stop();
    var response = http.get("/api/v1/echo/x");
    assertThat(response.status()).isEqualTo(502);
    assertThat(response.json().path("type").asString()).endsWith("/upstream-unreachable");
  }

  private double healthGauge(Backend backend) {
    return gateway
        .getBean(MeterRegistry.class)
        .get("truststram.gateway.upstream.healthy")
        .tag("instance", backend.uri().toString())
        .gauge()
        .value();
  }

  private List<String> route(Backend... instances) {
    List<String> args = new ArrayList<>();
    args.add("--truststram.gateway.routes[0].id=echo");
    args.add("--truststram.gateway.routes[0].path=/api/v1/echo/**");
    args.add("--truststram.gateway.routes[0].health-interval=200ms");
    for (int i = 0; i < instances.length; i++) {
      args.add("--truststram.gateway.routes[0].uris[" + i + "]=" + instances[i].uri());
    }
    return args;
  }

  private HttpTestClient start(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("--server.port=0");
    gateway = Instances.start(all.toArray(String[]::new));
    return HttpTestClient.onPort(port()).withToken(TestTokens.platformAdmin(gateway, port()));
  }

  private int port() {
    return Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.server.port"));
  }

  private Backend backend(String name) throws IOException {
    Backend backend = new Backend(name);
    backends.add(backend);
    return backend;
  }

  /** A stand-in for a remote instance: echoes what it received, as JSON. */
  private static final class Backend {
    final String name;
    final HttpServer server;
    final AtomicBoolean healthy = new AtomicBoolean(true);

    /** While set, the instance accepts requests but never answers them (until it stops). */
    final AtomicBoolean hanging = new AtomicBoolean();

    private final java.util.concurrent.CountDownLatch stopping =
        new java.util.concurrent.CountDownLatch(1);
    final AtomicInteger requests = new AtomicInteger();
    private boolean stopped;

    Backend(String name) throws IOException {
      this.name = name;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/actuator/health/readiness", this::health);
      server.createContext("/", this::echo);
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void stop() {
      if (!stopped) {
        stopped = true;
        stopping.countDown();
        server.stop(0);
      }
    }

    private void health(HttpExchange exchange) throws IOException {
      exchange.sendResponseHeaders(healthy.get() ? 200 : 503, -1);
      exchange.close();
    }

    private void echo(HttpExchange exchange) throws IOException {
      requests.incrementAndGet();
      if (hanging.get()) {
        try {
          stopping.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Map<String, Object> seen = new LinkedHashMap<>();
      seen.put("instance", name);
      seen.put("method", exchange.getRequestMethod());
      seen.put("path", exchange.getRequestURI().toString());
      Map<String, String> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach(
              (key, values) -> headers.put(key.toLowerCase(java.util.Locale.ROOT), values.get(0)));
      seen.put("headers", headers);
      seen.put(
          "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = JSON.writeValueAsBytes(seen);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-Backend-Secret", "internal");
      exchange.getResponseHeaders().add("X-Instance", name);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }
  }
}
