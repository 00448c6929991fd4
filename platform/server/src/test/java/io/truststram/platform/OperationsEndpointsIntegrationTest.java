package io.truststram.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.cache.CacheStore;
import io.truststram.platform.testing.ServerIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Health probes, metrics, build info and the OpenAPI document that operators and clients rely on.
 */
class OperationsEndpointsIntegrationTest extends ServerIntegrationTest {

  @Test
  void livenessAndReadinessGroupsAreUp() {
    var readiness = http.get("/actuator/health/readiness");
    assertThat(readiness.status()).isEqualTo(200);
    assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
    assertThat(readiness.json().path("components").has("db")).isTrue();
    assertThat(readiness.json().path("components").has("cacheStore")).isTrue();
    assertThat(http.get("/actuator/health/liveness").json().path("status").asString())
        .isEqualTo("UP");
  }

  @Autowired CacheStore cache;

  @Test
  void prometheusScrapeHasJvmHttpAndCacheMetrics() {
    http.get("/api/v1/tenants");
    cache.put("metrics-probe", new byte[] {1}, Duration.ofMinutes(1));
    cache.get("metrics-probe");
    var scrape = http.get("/actuator/prometheus");
    assertThat(scrape.status()).isEqualTo(200);
    assertThat(scrape.body())
        .contains(
            "truststram_cache_operations_seconds_count{application=\"truststram\",backend=\"caffeine\",operation=\"get\",result=\"hit\"}",
            "truststram_cache_entries");
    assertThat(scrape.body())
        .contains(
            "jvm_memory_used_bytes", "http_server_requests_seconds", "application=\"truststram\"");
  }

  @Test
  void infoNamesTheRoleAndBackends() {
    var build = http.get("/actuator/info").json().path("build");
    assertThat(build.path("artifact").asString()).isEqualTo("truststram-server");
    assertThat(build.path("version").asString()).isNotBlank();
    var info = http.get("/actuator/info").json().path("truststram");
    assertThat(info.path("mode").asString()).isEqualTo("monolith");
    assertThat(info.path("database").asString()).isEqualTo("H2");
    assertThat(info.path("cache").asString()).isEqualTo("caffeine");
  }

  @Test
  void openApiDocumentDescribesTheTenantApi() {
    var docs = http.get("/v3/api-docs");
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.json().path("info").path("title").asString()).isEqualTo("TrustStram API");
    assertThat(docs.json().path("paths").has("/api/v1/tenants")).isTrue();
    assertThat(docs.json().path("paths").has("/api/v1/tenants/{id}")).isTrue();
    var create = docs.json().path("paths").path("/api/v1/tenants").path("post");
    assertThat(create.path("parameters").toString()).contains("Idempotency-Key");
    for (String status : new String[] {"400", "409", "413", "415", "422", "500", "503"}) {
      assertThat(
              create.path("responses").path(status).path("content").has("application/problem+json"))
          .as("POST /api/v1/tenants %s is a problem", status)
          .isTrue();
    }
    var get = docs.json().path("paths").path("/api/v1/tenants").path("get");
    assertThat(get.path("parameters").toString()).doesNotContain("Idempotency-Key");
    assertThat(get.path("responses").path("500").path("content").has("application/problem+json"))
        .isTrue();
    assertThat(docs.json().path("components").path("schemas").has("Problem")).isTrue();
    // Patterns must be ECMA-262 (JSON Schema) patterns: no Java-only inline flags or \p classes.
    var request = docs.json().path("components").path("schemas").path("CreateTenantRequest");
    for (String field : new String[] {"slug", "name"}) {
      String pattern = request.path("properties").path(field).path("pattern").asString();
      assertThat(pattern)
          .as(field)
          .startsWith("^")
          .endsWith("$")
          .doesNotContain("(?s", "(?U", "\\p{");
    }
    var redirect = http.get("/swagger-ui.html");
    assertThat(redirect.status()).isEqualTo(302);
    String location = redirect.header("Location").orElseThrow();
    var ui = http.get(java.net.URI.create(location).getRawPath());
    assertThat(ui.status()).isEqualTo(200);
    assertThat(ui.body()).contains("swagger-ui");
  }
}
