package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Secure aggregation end to end: nodes run SecAgg+ with the coordinator over HTTP, one drops out
 * after sharing its keys, and the round still unmasks the sum of the others; the coordinator keeps
 * nothing of a single node's input.
 */
class SecureAggregationIntegrationTest extends ServerIntegrationTest {

  private static final String FEDERATION =
      """
      {"name":"%s","model":{"kind":"softmax","inputs":%d,"classes":%d},
       "strategy":{"name":"%s","parameters":{"epochs":"1","batch-size":"20"}},
       "secureAggregation":{"protocol":"secagg+","parameters":{"shares":"5","threshold":"3",
         "min-survivors":"3","stage-timeout":"4","range":"2","levels":"65537","max-weight":"1000"}},
       "rounds":2,"clientsPerRound":5,"minClients":3,"roundTimeoutSeconds":20,"seed":5}
      """;

  @Test
  void nodesAggregateSecurelyAndARoundSurvivesADropout() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "secagg", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    var created =
        http.withToken(token)
            .postJson(
                "/api/v1/federations",
                FEDERATION.formatted(
                    "secure-" + System.nanoTime(),
                    Synthetic.DIMENSION,
                    Synthetic.CLASSES,
                    "fedavg"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String federation = created.json().path("id").asString();
    assertThat(created.json().path("secureAggregation").path("protocol").asString())
        .isEqualTo("secagg+");
    assertThat(created.json().path("strategy").path("parameters").has("secure-aggregation"))
        .isFalse();

    List<Synthetic.Device> devices = Synthetic.generateIid(5, 4);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    List<String> nodeIds = new ArrayList<>();
    List<TokenSource> nodeTokens = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      var credentials = api.registerNode(federation, "node-" + k, devices.get(k).train().rows());
      nodeIds.add(credentials.nodeId());
      nodeTokens.add(
          TokenSource.clientCredentials(
              server, credentials.clientId(), credentials.clientSecret()));
      FederationNode[] self = new FederationNode[1];
      boolean dropper = k == 0;
      self[0] =
          FederationNode.builder(server, federation, credentials.nodeId())
              .tokens(
                  TokenSource.clientCredentials(
                      server, credentials.clientId(), credentials.clientSecret()))
              .client(
                  new LocalClient(
                      "node-" + k, model, devices.get(k).train(), devices.get(k).test()))
              .pollWait(Duration.ofSeconds(2))
              .events(
                  event -> {
                    // Node 0 leaves after sharing its keys in round 1: its masks must be removed.
                    if (dropper && event.kind().equals("secure-shared")) {
                      self[0].close();
                    }
                  })
              .build();
      nodes.add(self[0]);
    }
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<FederationNode.Summary>> runs = new ArrayList<>();
    try {
      for (FederationNode node : nodes) {
        runs.add(pool.submit(node::run));
      }
      assertThat(api.start(federation).state()).isEqualTo("running");
      Awaitility.await()
          .atMost(Duration.ofMinutes(3))
          .until(() -> api.federation(federation).ended());
      for (int k = 1; k < runs.size(); k++) {
        assertThat(runs.get(k).get(1, TimeUnit.MINUTES).federationState()).isEqualTo("completed");
      }
    } finally {
      pool.shutdownNow();
    }
    var done = api.federation(federation);
    assertThat(done.state()).as(done.failure()).isEqualTo("completed");
    var rounds = api.rounds(federation);
    assertThat(rounds).hasSize(2);
    var first = rounds.get(0).metrics();
    assertThat(first.get("secagg.survivors")).isEqualTo(4.0);
    assertThat(first.get("secagg.dropped-after-sharing")).isEqualTo(1.0);
    assertThat(first.get("secagg.clipped-values")).isNotNull();
    assertThat(first.get("secagg.worst-case-error")).isGreaterThan(0.0);
    // The weight unmasked is the survivors' examples.
    long examples = 0;
    for (int k = 1; k < 5; k++) {
      examples += devices.get(k).train().rows();
    }
    assertThat(first.get("secagg.weight")).isEqualTo((double) examples);
    assertThat(rounds.get(1).metrics().get("secagg.survivors")).isEqualTo(4.0);

    // Nothing of one node's input is stored: no update file, no hash, no declared examples.
    JdbcClient jdbc = context.getBean(JdbcClient.class);
    long stored =
        jdbc.sql(
                "SELECT count(*) FROM federation_task WHERE federation_id = ? AND"
                    + " (update_key IS NOT NULL OR update_sha256 IS NOT NULL OR examples > 0)")
            .param(UUID.fromString(federation))
            .query(Long.class)
            .single();
    assertThat(stored).isZero();
    // And a plaintext update is refused, with the reason.
    String nodeToken = nodeTokens.get(1).token();
    var plain =
        HttpTestClient.onPort(port)
            .withToken(nodeToken)
            .sendBytes(
                "PUT",
                "/api/v1/federations/" + federation + "/rounds/3/updates/" + nodeIds.get(1),
                "application/vnd.safetensors",
                new byte[] {1, 2, 3});
    assertThat(plain.status()).as(plain.body()).isEqualTo(409);
    assertThat(plain.json().path("detail").asString()).contains("aggregates securely");
  }

  @Test
  void strategiesThatNeedEachUpdateAndLeakyThresholdsAreRefused() {
    String token = LocalNodes.newTenantToken(context, port, "secagg-bad", Role.DATA_SCIENTIST);
    var krum =
        http.withToken(token)
            .postJson(
                "/api/v1/federations",
                FEDERATION.formatted("krum-" + System.nanoTime(), 4, 2, "krum"));
    assertThat(krum.status()).as(krum.body()).isEqualTo(400);
    assertThat(krum.json().path("detail").asString())
        .contains("krum needs each update, which secure aggregation hides");
    var leaky =
        http.withToken(token)
            .postJson(
                "/api/v1/federations",
                FEDERATION
                    .formatted("leaky-" + System.nanoTime(), 4, 2, "fedavg")
                    .replace("\"threshold\":\"3\"", "\"threshold\":\"2\""));
    assertThat(leaky.status()).as(leaky.body()).isEqualTo(400);
    assertThat(leaky.json().path("detail").asString()).contains("more than half");
    var smuggled =
        http.withToken(token)
            .postJson(
                "/api/v1/federations",
                FEDERATION
                    .formatted("smuggled-" + System.nanoTime(), 4, 2, "fedavg")
                    .replace("\"epochs\":\"1\"", "\"secagg.shares\":\"3\""));
    assertThat(smuggled.status()).as(smuggled.body()).isEqualTo(400);
    JsonNode problem = smuggled.json();
    assertThat(problem.path("detail").asString()).contains("configured in secureAggregation");
  }
}
