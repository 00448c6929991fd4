package io.truststram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.platform.testing.HttpTestClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's launcher, {@code ./truststram}, as a user runs it: help, refusals of bad input, and
 * {@code up} serving the platform until SIGTERM.
 */
class LauncherE2ETest {

  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final Path LAUNCHER = ROOT.resolve("truststram");

  @TempDir Path work;

  @Test
  void helpPrintsUsageAndSucceeds() throws Exception {
    Run run = run(List.of("help"));
    assertThat(run.exit()).isZero();
    assertThat(run.output()).contains("Usage: ./truststram", "up [--port N]", "test");
  }

  @Test
  void anUnknownCommandPrintsUsageAndFails() throws Exception {
    Run run = run(List.of("frobnicate"));
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.output()).contains("'frobnicate' is not a command", "Usage:");
  }

  @Test
  void aFederationSimulationRunsFromTheLauncher() throws Exception {
    Run run =
        run(
            List.of(
                "fl", "simulate", "examples/federation/fednova-synthetic.yaml", "--rounds", "2"));
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("fednova-synthetic-1-1:", "round 2/2", "done: train loss");
  }

  @Test
  void aBadPortIsRefusedWithAMessage() throws Exception {
    Run run = run(List.of("up", "--port", "99999"));
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.output()).contains("--port must be 1-65535");
  }

  @Test
  void aPortInUseIsRefusedBeforeStarting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Run run = run(List.of("up", "--port", Integer.toString(taken.getLocalPort())));
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.output()).contains("already in use");
    }
  }

  @Test
  void upServesThePlatformAndStopsCleanlyOnSigterm() throws Exception {
    int port = freePort();
    Path log = work.resolve("up.log");
    Process launcher =
        launcher(
                List.of(
                    "up",
                    "--port",
                    Integer.toString(port),
                    "--",
                    "--truststram.data-dir=" + work.resolve("data")))
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !launcher.isAlive() || Files.readString(log).contains("TrustStram is up"));
      assertThat(Files.readString(log)).contains("TrustStram is up: http://localhost:" + port);
      assertThat(HttpTestClient.onPort(port).get("/actuator/health").status()).isEqualTo(200);
      assertThat(Files.isDirectory(work.resolve("data/db"))).isTrue();

      launcher.destroy();
      assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(launcher.exitValue()).as(Files.readString(log)).isZero();
      assertThat(Files.readString(log)).contains("Graceful shutdown complete");
    } finally {
      launcher.destroyForcibly();
    }
  }

  private ProcessBuilder launcher(List<String> args) {
    var command = new java.util.ArrayList<String>();
    command.add(LAUNCHER.toString());
    command.addAll(args);
    var builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().keySet().removeIf(key -> key.startsWith("TRUSTSTRAM_"));
    return builder;
  }

  private Run run(List<String> args) throws IOException, InterruptedException {
    Path out = Files.createTempFile(work, "run", ".log");
    Process process = launcher(args).redirectOutput(out.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), Files.readString(out));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private record Run(int exit, String output) {}
}
