package io.truststram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.truststram.platform.testing.BrowserLogin;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.PostgresSchema;
import io.truststram.platform.testing.TestBackends;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

  private static final Path JAR =
      Path.of(System.getProperty("truststram.jar", "target/truststram.jar"));
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  @Test
  void servesTenantsOnTheEmbeddedDatabaseWithEcsLogs() throws Exception {
    Map<String, String> env = Map.of("TRUSTSTRAM_LOG_FORMAT", "ecs");
    String id;
    try (Server server = Server.start(work, "first", env)) {
      id = exerciseTenantApi(server);
      server.stopGracefully();
      assertEveryLogLineIsEcsJson(server.log());
    }
    assertThat(Files.isDirectory(work.resolve("data/db"))).isTrue();
    String acknowledged;
    try (Server again = Server.start(work, "second", env)) {
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
    try (Server afterCrash = Server.start(work, "third", env)) {
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
      try (Server server = Server.start(work, "first", env)) {
        JsonNode info = server.http().get("/actuator/info").json().path("truststram");
        assertThat(info.path("database").asString()).isEqualTo("PostgreSQL");
        assertThat(info.path("cache").asString()).isEqualTo("redis");
        id = exerciseTenantApi(server);
        server.stopGracefully();
        assertThat(server.log()).doesNotContain(" ERROR ");
      }
      try (Server again = Server.start(work, "second", env)) {
        assertThat(again.http().get("/api/v1/tenants/" + id).status()).isEqualTo(200);
        again.stopGracefully();
      }
    }
  }

  /** Creates a tenant, reads it back, and checks a duplicate and an unknown id. Returns its id. */
  private static String exerciseTenantApi(Server server) {
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

  /** One server process with its own port and log file. */
  private static final class Server implements AutoCloseable {
    /** The bootstrap admin's one-time password, set through the environment. */
    static final String ONE_TIME_PASSWORD = "e2e-one-time-Pa55word";

    /** The password the first sign-in changes it to. */
    static final String ADMIN_PASSWORD = "e2e chosen passphrase 42";

    private final Process process;
    private final Path logFile;
    private final int port;
    private HttpTestClient http;

    private Server(Process process, Path logFile, int port) {
      this.process = process;
      this.logFile = logFile;
      this.port = port;
      this.http = HttpTestClient.onPort(port);
    }

    /**
     * Signs the bootstrap admin in through the browser flow (changing the one-time password on the
     * first start of a data directory) and sends its access token from then on.
     */
    void signInAsAdmin() {
      String redirect = "http://127.0.0.1/callback";
      var first =
          new BrowserLogin("http://localhost:" + port)
              .signIn("truststram-cli", redirect, "admin", ONE_TIME_PASSWORD, ADMIN_PASSWORD, null);
      var outcome =
          first.tokens() != null
              ? first
              : new BrowserLogin("http://localhost:" + port)
                  .signIn("truststram-cli", redirect, "admin", ADMIN_PASSWORD, null, null);
      http = HttpTestClient.onPort(port).withToken(outcome.accessToken());
    }

    static Server start(Path work, String name, Map<String, String> env) throws IOException {
      assertThat(JAR).as("the packaged jar (run mvn package first)").exists();
      int port = freePort();
      Path logFile = work.resolve(name + ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      var builder =
          new ProcessBuilder(
                  java,
                  "-jar",
                  JAR.toAbsolutePath().toString(),
                  "--server.port=" + port,
                  "--truststram.data-dir=" + work.resolve("data"))
              .directory(work.toFile())
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile());
      builder.environment().keySet().removeIf(key -> key.startsWith("TRUSTSTRAM_"));
      builder.environment().put("TRUSTSTRAM_IDENTITY_BOOTSTRAPADMIN_PASSWORD", ONE_TIME_PASSWORD);
      builder.environment().putAll(env);
      Server server = new Server(builder.start(), logFile, port);
      server.awaitReady();
      server.signInAsAdmin();
      return server;
    }

    HttpTestClient http() {
      return http;
    }

    String log() {
      try {
        return Files.readString(logFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void awaitReady() {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  fail(
                      "server exited with "
                          + process.exitValue()
                          + " before it was ready:\n"
                          + log());
                }
                return http.get("/actuator/health/readiness").status() == 200;
              });
    }

    /** Sends SIGTERM and checks for a clean, graceful exit. */
    void stopGracefully() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("server did not stop within 60 s of SIGTERM:\n" + log());
      }
      // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran to completion.
      assertThat(process.exitValue()).as(log()).isIn(0, 143);
      assertThat(log())
          .contains("Graceful shutdown complete")
          .doesNotContain("destroy method failed", "Exception");
    }

    /** Kills the process with SIGKILL: no shutdown hook, no flush. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      }
    }
  }
}
