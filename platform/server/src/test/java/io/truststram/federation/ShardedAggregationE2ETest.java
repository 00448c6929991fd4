package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.LocalTraining;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregation sharded across separate processes: a coordinator and two aggregation shards ({@code
 * truststram.services=aggregation}), each its own packaged server. A FedAvgM federation (server
 * momentum: state that lives on the shards between rounds) trains over HTTP; in the middle of round
 * 2 one shard is killed with SIGKILL and started again empty. The round completes all the same, and
 * every round's model is the FedAvgM step over exactly the updates the nodes sent.
 */
class ShardedAggregationE2ETest {

  private static final int NODES = 4;
  private static final int ROUNDS = 3;
  private static final String SECRET = "e2e-shard-secret";

  @TempDir Path work;

  @Test
  void aShardKilledMidRoundIsRefoldedAndTheModelsAreExact() throws Exception {
    int portA = ServerProcess.freePort();
    int portB = ServerProcess.freePort();
    Map<String, String> shardEnv =
        Map.of("TRUSTSTRAM_SERVICES", "aggregation", "TRUSTSTRAM_AGGREGATION_SECRET", SECRET);
    ServerProcess shardA = ServerProcess.startRole(work, "shard-a", shardEnv, portA);
    ServerProcess shardB = ServerProcess.startRole(work, "shard-b", shardEnv, portB);
    ServerProcess coordinator =
        ServerProcess.start(
            work,
            "coordinator",
            Map.of(
                "TRUSTSTRAM_FEDERATION_AGGREGATION_SHARDS",
                "http://localhost:" + portA + ",http://localhost:" + portB,
                "TRUSTSTRAM_FEDERATION_AGGREGATION_SECRET",
                SECRET));
    List<FederationNode> nodes = new ArrayList<>();
    ServerProcess restartedB = null;
    try {
      URI uri = URI.create("http://localhost:" + coordinator.port());
      TrustStramApi api =
          TrustStramApi.connect(
              uri,
              TokenSource.bearer(java.util.Objects.requireNonNull(coordinator.http().token())));
      Map<String, String> parameters =
          Map.of(
              "epochs", "2",
              "batch-size", "10",
              "learning-rate", "0.05",
              "server-learning-rate", "0.8",
              "server-momentum", "0.5");
      var federation =
          api.createFederation(
              new TrustStramApi.FederationSpec(
                  "sharded",
                  "softmax",
                  Synthetic.DIMENSION,
                  Synthetic.CLASSES,
                  List.of(),
                  "fedavgm",
                  parameters,
                  ROUNDS,
                  NODES,
                  NODES,
                  600,
                  5));
      List<Synthetic.Device> devices = Synthetic.generate(1, 1, NODES, 9);
      SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
      CountDownLatch slowMayReport = new CountDownLatch(1);
      Map<Integer, Map<String, ClientUpdate>> sent = new ConcurrentHashMap<>();
      for (int k = 0; k < NODES; k++) {
        var device = devices.get(k);
        var credentials = api.registerNode(federation.id(), "node-" + k, device.train().rows());
        FederatedClient client =
            new Recording(
                new LocalClient("node-" + k, model, device.train(), device.test()),
                credentials.nodeId(),
                k >= 2,
                slowMayReport,
                sent);
        nodes.add(
            FederationNode.builder(uri, federation.id(), credentials.nodeId())
                .tokens(
                    TokenSource.clientCredentials(
                        uri, credentials.clientId(), credentials.clientSecret()))
                .client(client)
                .pollWait(Duration.ofSeconds(5))
                .build());
      }

      List<Future<FederationNode.Summary>> runs = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (FederationNode node : nodes) {
          runs.add(pool.submit(node::run));
        }
        api.start(federation.id());
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> CoordinatorCrashE2ETest.submittedIn(coordinator, federation.id(), 2) == 2);
        // Shard B dies holding round 2's first two folds and comes back knowing nothing.
        shardB.kill();
        restartedB = ServerProcess.startRole(work, "shard-b-again", shardEnv, portB);
        slowMayReport.countDown();
        await().atMost(Duration.ofMinutes(3)).until(() -> api.federation(federation.id()).ended());
        for (Future<FederationNode.Summary> run : runs) {
          assertThat(run.get().federationState()).isEqualTo("completed");
        }
      }

      assertThat(coordinator.log())
          .contains("aggregates on 2 shards by parameter range")
          .contains("an aggregation shard failed");
      List<TrustStramApi.Round> rounds = api.rounds(federation.id());
      assertThat(rounds).hasSize(ROUNDS).allSatisfy(r -> assertThat(r.updates()).isEqualTo(NODES));

      // The same rounds in one process, over the updates the nodes sent.
      float[] initial = api.model(federation.id(), "0");
      Strategy whole = Strategies.standard().create("fedavgm", parameters);
      float[] global = initial;
      for (int round = 1; round <= ROUNDS; round++) {
        Map<String, ClientUpdate> updates = new TreeMap<>(sent.get(round));
        assertThat(updates).hasSize(NODES);
        global = whole.aggregate(round, global, List.copyOf(updates.values()));
        float[] served = api.model(federation.id(), Integer.toString(round));
        assertThat(served).hasSameSizeAs(global);
        for (int i = 0; i < global.length; i++) {
          assertThat(Math.abs(served[i] - global[i]))
              .as("round %d parameter %d", round, i)
              .isLessThan(1e-5f);
        }
      }
      // A shard role shuts down cleanly (the coordinator logged the shard failure on purpose).
      shardA.stopGracefully();
    } finally {
      nodes.forEach(FederationNode::close);
      coordinator.close();
      shardA.close();
      shardB.close();
      if (restartedB != null) {
        restartedB.close();
      }
    }
  }

  /** Records every update it sends by round; a slow one holds round 2's back until released. */
  private static final class Recording extends ForwardingClient {
    private final String nodeId;
    private final boolean slow;
    private final CountDownLatch release;
    private final Map<Integer, Map<String, ClientUpdate>> sent;
    private final AtomicInteger fits = new AtomicInteger();

    Recording(
        FederatedClient delegate,
        String nodeId,
        boolean slow,
        CountDownLatch release,
        Map<Integer, Map<String, ClientUpdate>> sent) {
      super(delegate);
      this.nodeId = nodeId;
      this.slow = slow;
      this.release = release;
      this.sent = sent;
    }

    @Override
    public Fit fit(float[] parameters, LocalTraining training, int maxSteps, long seed) {
      Fit fit = super.fit(parameters, training, maxSteps, seed);
      int round = fits.incrementAndGet();
      sent.computeIfAbsent(round, r -> new ConcurrentHashMap<>())
          .put(
              nodeId,
              ClientUpdate.of(nodeId, fit.parameters().clone(), fit.examples(), fit.steps()));
      if (slow && round == 2) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return fit;
    }
  }
}
