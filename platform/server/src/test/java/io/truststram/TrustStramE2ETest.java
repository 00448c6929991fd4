package io.truststram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.PostgresSchema;
import io.truststram.platform.testing.ServerProcess;
import io.truststram.platform.testing.TestBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar, started as its own process with {@code java -jar} the way an operator starts
 * it: on the embedded H2 file database (with ECS JSON logs) and on the real PostgreSQL. Each run
 * waits for readiness, drives the tenant API and an error case, stops the server with SIGTERM,
 * checks that it shut down gracefully, and starts it again to read back what it acknowledged. On H2
 * it also kills the server with SIGKILL right after an acknowledged write and reads it back.
 */
class TrustStramE2ETest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  @Test
  void servesTenantsOnTheEmbeddedDatabaseWithEcsLogs() throws Exception {
    Map<String, String> env = Map.of("TRUSTSTRAM_LOG_FORMAT", "ecs");
    String id;
    try (ServerProcess server = ServerProcess.start(work, "first", env)) {
      id = exerciseTenantApi(server);
      server.stopGracefully();
      assertEveryLogLineIsEcsJson(server.log());
    }
    assertThat(Files.isDirectory(work.resolve("data/db"))).isTrue();
    String acknowledged;
    try (ServerProcess again = ServerProcess.start(work, "second", env)) {
      assertThat(again.http().get("/api/v1/tenants/" + id).status()).isEqualTo(200);
      // Acknowledged, then the process is killed without any chance to flush (SIGKILL).
      var created =
          again
              .http()
              .postJson(
                  "/api/v1/tenants",
                  "{\"slug\":\"killed-" + id.substring(0, 8) + "\",\"name\":\"K\"}");
      assertThat(created.status()).isEqualTo(201);
      acknowledged = created.json().path("id").asString();
      again.kill();
    }
    try (ServerProcess afterCrash = ServerProcess.start(work, "third", env)) {
      assertThat(afterCrash.http().get("/api/v1/tenants/" + acknowledged).status()).isEqualTo(200);
      assertThat(afterCrash.http().get("/api/v1/tenants/" + id).status()).isEqualTo(200);
      afterCrash.stopGracefully();
    }
  }

  @Test
  void servesTenantsOnPostgresql() throws Exception {
    try (PostgresSchema schema = PostgresSchema.create()) {
      Map<String, String> env =
          Map.of(
              "TRUSTSTRAM_DB_URL", schema.jdbcUrl(),
              "TRUSTSTRAM_DB_USER", TestBackends.postgresUser(),
              "TRUSTSTRAM_DB_PASSWORD", TestBackends.postgresPassword(),
              "TRUSTSTRAM_REDIS_URL", TestBackends.redisUrl().toString());
      String id;
      try (ServerProcess server = ServerProcess.start(work, "first", env)) {
        JsonNode info = server.http().get("/actuator/info").json().path("truststram");
        assertThat(info.path("database").asString()).isEqualTo("PostgreSQL");
        assertThat(info.path("cache").asString()).isEqualTo("redis");
        id = exerciseTenantApi(server);
        server.stopGracefully();
        assertThat(server.log()).doesNotContain(" ERROR ");
      }
      try (ServerProcess again = ServerProcess.start(work, "second", env)) {
        assertThat(again.http().get("/api/v1/tenants/" + id).status()).isEqualTo(200);
        again.stopGracefully();
      }
    }
  }

  /** Creates a tenant, reads it back, and checks a duplicate and an unknown id. Returns its id. */
  private static String exerciseTenantApi(ServerProcess server) {
    HttpTestClient http = server.http();
    String slug = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
    var created =
        http.postJson("/api/v1/tenants", "{\"slug\":\"" + slug + "\",\"name\":\"E2E Hospital\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().path("id").asString();

    var read = http.get("/api/v1/tenants/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().path("slug").asString()).isEqualTo(slug);

    var duplicate =
        http.postJson("/api/v1/tenants", "{\"slug\":\"" + slug + "\",\"name\":\"Again\"}");
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.contentType()).startsWith("application/problem+json");
    assertThat(duplicate.json().path("type").asString())
        .isEqualTo("https://truststram.io/problems/tenant-slug-taken");

    var unknown = http.get("/api/v1/tenants/" + UUID.randomUUID());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(http.get("/actuator/health").json().path("status").asString()).isEqualTo("UP");
    return id;
  }

  private static void assertEveryLogLineIsEcsJson(String log) {
    List<String> jsonLines = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.matches("^\\d{4}-\\d{2}-\\d{2}T.*")) {
        fail("plain-text log line while ECS logging is on: " + line);
      }
      if (line.startsWith("{")) {
        jsonLines.add(line);
      }
    }
    assertThat(jsonLines).hasSizeGreaterThan(5);
    for (String line : jsonLines) {
      JsonNode entry = JSON.readTree(line);
      assertThat(entry.has("@timestamp")).as(line).isTrue();
      assertThat(entry.has("log.level") || entry.path("log").has("level")).as(line).isTrue();
      assertThat(entry.has("message")).as(line).isTrue();
      assertThat(line).doesNotContain("\"ERROR\"");
    }
  }
}
