package io.truststram.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code target/truststram.jar}, or {@code -Dtruststram.jar}) started as its own
 * process the way an operator starts it, with its own port and log file; for end-to-end tests that
 * stop, kill and restart it.
 */
public final class ServerProcess implements AutoCloseable {

  private static final Path JAR =
      Path.of(System.getProperty("truststram.jar", "target/truststram.jar"));

  /** The bootstrap admin's one-time password, set through the environment. */
  public static final String ONE_TIME_PASSWORD = "e2e-one-time-Pa55word";

  /** The password the first sign-in changes it to. */
  public static final String ADMIN_PASSWORD = "e2e chosen passphrase 42";

  private final Process process;
  private final Path logFile;
  private final int port;
  private HttpTestClient http;

  private ServerProcess(Process process, Path logFile, int port) {
    this.process = process;
    this.logFile = logFile;
    this.port = port;
    this.http = HttpTestClient.onPort(port);
  }

  /**
   * Signs the bootstrap admin in through the browser flow (changing the one-time password on the
   * first start of a data directory) and sends its access token from then on.
   */
  public void signInAsAdmin() {
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

  /** Starts the jar on a free port with {@code work/data} as its data directory; signs in. */
  public static ServerProcess start(Path work, String name, Map<String, String> env)
      throws IOException {
    return start(work, name, env, freePort());
  }

  /** Starts the jar on {@code port} (the port of a process that was killed, say). */
  public static ServerProcess start(Path work, String name, Map<String, String> env, int port)
      throws IOException {
    ServerProcess server = launch(work, name, env, port, work.resolve("data"));
    server.signInAsAdmin();
    return server;
  }

  /**
   * Starts the jar on {@code port} in a role without the identity service (chosen through {@code
   * TRUSTSTRAM_SERVICES} in {@code env}), with a data directory of its own, {@code work/<name>}; no
   * one signs in.
   */
  public static ServerProcess startRole(Path work, String name, Map<String, String> env, int port)
      throws IOException {
    return launch(work, name, env, port, work.resolve(name));
  }

  private static ServerProcess launch(
      Path work, String name, Map<String, String> env, int port, Path dataDir) throws IOException {
    assertThat(JAR).as("the packaged jar (run mvn package first)").exists();
    Path logFile = work.resolve(name + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    var builder =
        new ProcessBuilder(
                java,
                "-jar",
                JAR.toAbsolutePath().toString(),
                "--server.port=" + port,
                "--truststram.data-dir=" + dataDir)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
    builder.environment().keySet().removeIf(key -> key.startsWith("TRUSTSTRAM_"));
    builder.environment().put("TRUSTSTRAM_IDENTITY_BOOTSTRAPADMIN_PASSWORD", ONE_TIME_PASSWORD);
    builder.environment().putAll(env);
    ServerProcess server = new ServerProcess(builder.start(), logFile, port);
    server.awaitReady();
    return server;
  }

  public HttpTestClient http() {
    return http;
  }

  public String log() {
    try {
      return Files.readString(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void awaitReady() {
    try {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          // A process that died is not waited for (ignoreExceptions would swallow a failure).
          .failFast("server exited", () -> !process.isAlive())
          .until(() -> http.get("/actuator/health/readiness").status() == 200);
    } catch (org.awaitility.core.TerminalFailureException e) {
      fail("server exited with " + process.exitValue() + " before it was ready:\n" + log());
    }
  }

  /** Sends SIGTERM and checks for a clean, graceful exit. */
  public void stopGracefully() throws InterruptedException {
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
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** A port free right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
