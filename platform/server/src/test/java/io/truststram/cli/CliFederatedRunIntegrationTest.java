package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram fl run} against a running server: it creates the federation, starts three
 * {@code truststram fl node} processes, prints each round, and writes the final model.
 */
class CliFederatedRunIntegrationTest extends ServerIntegrationTest {

  @TempDir Path work;

  @Test
  void flRunTrainsAFederationWithLocalNodeProcesses() throws Exception {
    var tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("cli-run-" + System.nanoTime(), "CLI run"))
            .id();
    var scientist = TestTokens.client(context, tenant, Role.DATA_SCIENTIST);
    Path config = work.resolve("config");
    assertThat(
            CliRun.of(
                    "login",
                    "--server",
                    "http://localhost:" + port,
                    "--client-id",
                    scientist.clientId(),
                    "--client-secret",
                    scientist.secret(),
                    "--config-dir",
                    config.toString())
                .exit())
        .isZero();
    Path yaml = work.resolve("fedavg.yaml");
    Files.writeString(
        yaml,
        """
        name: cli-run
        data: {kind: synthetic, alpha: 1, beta: 1, devices: 4}
        model: {kind: softmax}
        strategy:
          name: fedavg
          parameters: {epochs: 1, batch-size: 10, learning-rate: 0.05, fraction: 1.0, min-clients: 3}
        rounds: 2
        seed: 3
        """);
    Path model = work.resolve("model.safetensors");
    // Importance of the final model across the nodes; fairness by an attribute Synthetic data
    // lacks, which every node declines, so that analysis fails with the reason.
    Path importance = work.resolve("importance.json");
    Files.writeString(
        importance,
        JsonMapper.builder()
            .build()
            .writeValueAsString(
                java.util.Map.of(
                    "features",
                    java.util.stream.IntStream.range(0, 60).mapToObj(j -> "x" + j).toList(),
                    "method",
                    "integrated-gradients",
                    "outputs",
                    10)));
    Path fairness = work.resolve("fairness.json");
    Files.writeString(
        fairness, "{\"attributes\":[\"sex\"],\"values\":{\"sex\":[\"Female\",\"Male\"]}}");
    CliRun run =
        CliRun.of(
            "fl",
            "run",
            yaml.toString(),
            "--clients",
            "3",
            "--json",
            "--analysis",
            "importance=" + importance,
            "--analysis",
            "fairness=" + fairness,
            "--model",
            model.toString(),
            "--logs",
            work.resolve("logs").toString(),
            "--config-dir",
            config.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    JsonMapper json = JsonMapper.builder().build();
    List<JsonNode> lines = run.out().lines().map(json::readTree).toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0).path("round").asInt()).isEqualTo(1);
    assertThat(lines.get(1).path("updates").asInt()).isEqualTo(3);
    JsonNode explained = lines.get(2).path("analysis");
    assertThat(explained.path("kind").asString()).isEqualTo("importance");
    assertThat(explained.path("state").asString()).isEqualTo("completed");
    assertThat(explained.path("contributors").asInt()).isEqualTo(3);
    assertThat(explained.path("result").path("meanAbsolute")).hasSize(10);
    assertThat(explained.path("result").path("rows").asLong()).isPositive();
    JsonNode declined = lines.get(3).path("analysis");
    assertThat(declined.path("state").asString()).isEqualTo("failed");
    assertThat(declined.path("declined").asInt()).isEqualTo(3);
    assertThat(declined.path("failure").asString()).contains("needs 3 summaries");
    JsonNode summary = lines.get(4).path("summary");
    assertThat(summary.path("state").asString()).isEqualTo("completed");
    assertThat(summary.path("provenance").path("participantDataHashes").asString()).isEqualTo("3");
    try (InputStream in = Files.newInputStream(model)) {
      assertThat(
              SafeTensors.read(in, SafeTensors.Limits.DEFAULT).tensor("parameters").elementCount())
          .isEqualTo(610);
    }
    assertThat(Files.readString(work.resolve("logs/node-0.log")))
        .contains("round 2: update acknowledged")
        .contains("federation completed");
  }

  /**
   * {@code fl run} with secure aggregation between four separate node processes, one of which is
   * killed after it shared its keys: the round recovers its masks and completes with the others.
   */
  @Test
  void flRunAggregatesSecurelyAcrossProcessesAndSurvivesAKilledNode() throws Exception {
    var tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("cli-secagg-" + System.nanoTime(), "CLI secagg"))
            .id();
    Path config = work.resolve("config");
    CliRun.login(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST), config.toString());
    Path yaml = work.resolve("secure.yaml");
    Files.writeString(
        yaml,
        """
        name: cli-secagg
        data: {kind: synthetic, alpha: 1, beta: 1, devices: 4}
        model: {kind: softmax}
        strategy:
          name: fedavg
          parameters: {epochs: 1, batch-size: 10, learning-rate: 0.05, fraction: 1.0, min-clients: 3}
        secure-aggregation:
          protocol: secagg+
          parameters: {threshold: 3, min-survivors: 3, stage-timeout: 5, range: 2, max-weight: 1000}
        rounds: 2
        seed: 3
        """);
    Path logs = work.resolve("secure-logs");
    var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var running =
          pool.submit(
              () ->
                  CliRun.of(
                      "fl",
                      "run",
                      yaml.toString(),
                      "--clients",
                      "4",
                      "--json",
                      "--round-timeout",
                      "25",
                      "--logs",
                      logs.toString(),
                      "--config-dir",
                      config.toString()));
      // Node 0 is killed as soon as it has sent its shares in round 1.
      Path log = logs.resolve("node-0.log");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofMinutes(2))
          .pollInterval(java.time.Duration.ofMillis(50))
          .until(() -> Files.exists(log) && Files.readString(log).contains("shares sent"));
      List<ProcessHandle> nodes =
          ProcessHandle.current()
              .descendants()
              .filter(p -> commandLine(p).contains("--partition=0"))
              .toList();
      assertThat(nodes).isNotEmpty();
      nodes.forEach(ProcessHandle::destroyForcibly);
      CliRun run = running.get(3, java.util.concurrent.TimeUnit.MINUTES);
      JsonMapper json = JsonMapper.builder().build();
      List<JsonNode> lines = run.out().lines().map(json::readTree).toList();
      assertThat(lines.getLast().path("summary").path("state").asString())
          .as(run.out() + run.err())
          .isEqualTo("completed");
      assertThat(Files.readString(logs.resolve("node-1.log"))).contains("secure round done");
    } finally {
      pool.shutdownNow();
    }
  }

  /** A process's command line (Linux's /proc, which ProcessHandle.Info may abbreviate). */
  private static String commandLine(ProcessHandle process) {
    try {
      return Files.readString(Path.of("/proc/" + process.pid() + "/cmdline")).replace('\0', ' ');
    } catch (java.io.IOException e) {
      return process.info().commandLine().orElse("");
    }
  }
}
