package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.truststram.federation.strategy.LocalTraining;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import io.truststram.platform.testing.ServerProcess;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The coordinator killed with SIGKILL in the middle of a round, after it acknowledged some of the
 * round's updates and before others arrived, then started again on the same data directory: the
 * federation resumes that round, keeps every acknowledged update exactly once, takes the rest as
 * the nodes (Java SDK, retrying through the outage) deliver them, and completes.
 */
class CoordinatorCrashE2ETest {

  private static final int NODES = 4;

  @TempDir Path work;

  @Test
  void aKilledCoordinatorResumesTheOpenRoundWithoutLosingOrDoubleCountingUpdates()
      throws Exception {
    // FedAvg: round 2's model is the example-weighted average of its four updates.
    killMidRound(
        "fedavg", Map.of("epochs", "2", "batch-size", "10", "learning-rate", "0.05"), 3, 2, true);
  }

  @Test
  void aKilledCoordinatorResumesAFedBuffBufferWithoutLosingOrDoubleCountingReports()
      throws Exception {
    // FedBuff, four reports a version, none stale: version 1 is the plain mean of the four.
    killMidRound(
        "fedbuff",
        Map.of("buffer-size", "4", "max-staleness", "2", "epochs", "2", "learning-rate", "0.05"),
        2,
        1,
        false);
  }

  /**
   * Kills the server when two of round {@code crashRound}'s four reports are acknowledged and the
   * two slow nodes are still training, restarts it, and checks the federation completes with that
   * round's model made of exactly the four reports sent.
   */
  private void killMidRound(
      String strategy,
      Map<String, String> parameters,
      int rounds,
      int crashRound,
      boolean weightedByExamples)
      throws Exception {
    ServerProcess server = ServerProcess.start(work, "first-" + strategy, Map.of());
    int port = server.port();
    URI uri = URI.create("http://localhost:" + port);
    String adminToken = java.util.Objects.requireNonNull(server.http().token());
    TrustStramApi api = TrustStramApi.connect(uri, TokenSource.bearer(adminToken));
    var federation =
        api.createFederation(
            new TrustStramApi.FederationSpec(
                "crash-" + strategy,
                "softmax",
                Synthetic.DIMENSION,
                Synthetic.CLASSES,
                List.of(),
                strategy,
                parameters,
                rounds,
                NODES,
                NODES,
                600,
                11));

    List<Synthetic.Device> devices = Synthetic.generate(1, 1, NODES, 5);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    CountDownLatch slowNodesMayReport = new CountDownLatch(1);
    Map<String, float[]> round2Updates = new ConcurrentHashMap<>();
    Map<String, Long> round2Examples = new ConcurrentHashMap<>();
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < NODES; k++) {
      var device = devices.get(k);
      var credentials = api.registerNode(federation.id(), "node-" + k, device.train().rows());
      boolean slow = k >= 2;
      FederatedClient local = new LocalClient("node-" + k, model, device.train(), device.test());
      FederatedClient recording =
          new Recording(
              local,
              credentials.nodeId(),
              crashRound,
              slow,
              slowNodesMayReport,
              round2Updates,
              round2Examples);
      nodes.add(
          FederationNode.builder(uri, federation.id(), credentials.nodeId())
              .tokens(
                  TokenSource.clientCredentials(
                      uri, credentials.clientId(), credentials.clientSecret()))
              .client(recording)
              .pollWait(Duration.ofSeconds(5))
              .retry(new FederationNode.Retry(60, Duration.ofMillis(250), Duration.ofSeconds(2)))
              .build());
    }

    List<Future<FederationNode.Summary>> runs = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (FederationNode node : nodes) {
        runs.add(pool.submit(node::run));
      }
      api.start(federation.id());

      // The two fast nodes' reports are acknowledged, the slow ones are still training.
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> submittedIn(server, federation.id(), crashRound) == 2);
      server.kill();
      slowNodesMayReport.countDown();

      try (ServerProcess again = ServerProcess.start(work, "second-" + strategy, Map.of(), port)) {
        TrustStramApi after =
            TrustStramApi.connect(
                uri, TokenSource.bearer(java.util.Objects.requireNonNull(again.http().token())));
        await()
            .atMost(Duration.ofMinutes(3))
            .until(() -> after.federation(federation.id()).ended());
        for (Future<FederationNode.Summary> run : runs) {
          FederationNode.Summary summary = run.get();
          assertThat(summary.federationState()).isEqualTo("completed");
          assertThat(summary.roundsTrained()).isEqualTo(rounds);
        }
        assertThat(again.log())
            .contains("resumed at round " + crashRound + " with 2 acknowledged updates");

        List<TrustStramApi.Round> done = after.rounds(federation.id());
        assertThat(done).hasSize(rounds);
        long allExamples = devices.stream().mapToLong(d -> d.train().rows()).sum();
        for (TrustStramApi.Round round : done) {
          assertThat(round.updates()).as("round %d", round.round()).isEqualTo(NODES);
          assertThat(round.examples()).as("round %d", round.round()).isEqualTo(allExamples);
        }
        // The crashed round's model is made of exactly the four reports sent.
        float[] result = after.model(federation.id(), Integer.toString(crashRound));
        assertThat(round2Updates).hasSize(NODES);
        for (int i = 0; i < result.length; i += 37) {
          double sum = 0;
          for (var entry : round2Updates.entrySet()) {
            double weight = weightedByExamples ? round2Examples.get(entry.getKey()) : 1;
            sum += weight * entry.getValue()[i];
          }
          double expected = sum / (weightedByExamples ? allExamples : NODES);
          assertThat(result[i]).isCloseTo((float) expected, within(1e-5f));
        }
        assertThat(after.provenance(federation.id())).containsEntry("participantDataHashes", "4");
        again.stopGracefully();
      }
    } finally {
      nodes.forEach(FederationNode::close);
      server.close();
    }
  }

  /** Acknowledged updates of a round so far, as the owner sees them. */
  static int submittedIn(ServerProcess server, String federation, int round) {
    var response = server.http().get("/api/v1/federations/" + federation + "/rounds/" + round);
    if (response.status() != 200) {
      return 0;
    }
    int updates = 0;
    for (JsonNode contribution : response.json().path("participants")) {
      updates += contribution.path("updates").asInt();
    }
    return updates;
  }

  /**
   * A client that records what it sends in its {@code recordedFit}-th task and, when slow, holds
   * that report back until the coordinator was killed.
   */
  private static final class Recording extends ForwardingClient {
    private final String nodeId;
    private final int recordedFit;
    private final boolean slow;
    private final CountDownLatch release;
    private final Map<String, float[]> updates;
    private final Map<String, Long> examples;
    private final java.util.concurrent.atomic.AtomicInteger fits =
        new java.util.concurrent.atomic.AtomicInteger();

    Recording(
        FederatedClient delegate,
        String nodeId,
        int recordedFit,
        boolean slow,
        CountDownLatch release,
        Map<String, float[]> updates,
        Map<String, Long> examples) {
      super(delegate);
      this.nodeId = nodeId;
      this.recordedFit = recordedFit;
      this.slow = slow;
      this.release = release;
      this.updates = updates;
      this.examples = examples;
    }

    @Override
    public Fit fit(float[] parameters, LocalTraining training, int maxSteps, long seed) {
      Fit fit = super.fit(parameters, training, maxSteps, seed);
      if (fits.incrementAndGet() == recordedFit) {
        updates.put(nodeId, fit.parameters().clone());
        examples.put(nodeId, fit.examples());
        if (slow) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      return fit;
    }
  }
}
