package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import tools.jackson.databind.JsonNode;

/**
 * A node chosen for a round that never reports is a dropout: the round closes at its deadline with
 * the others (k-of-n), the coordinator publishes {@link NodesDropped}, and the node's reputation in
 * the owner's trust graph falls by the dropout's weight.
 */
class DropoutEvidenceIntegrationTest extends ServerIntegrationTest {

  @Test
  void aNodeThatDropsOutOfARoundLosesTrust() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "dropout", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    List<NodesDropped> dropped = new CopyOnWriteArrayList<>();
    ApplicationListener<ApplicationEvent> listener =
        event -> {
          if (event instanceof PayloadApplicationEvent<?> payload
              && payload.getPayload() instanceof NodesDropped nodes) {
            dropped.add(nodes);
          }
        };
    ((ConfigurableApplicationContext) context).addApplicationListener(listener);
    var federation =
        api.createFederation(
            new TrustStramApi.FederationSpec(
                "dropout-" + System.nanoTime(),
                "softmax",
                Synthetic.DIMENSION,
                Synthetic.CLASSES,
                List.of(),
                "fedavg",
                Map.of("epochs", "1", "batch-size", "10"),
                1,
                3,
                2,
                10,
                3));
    var devices = Synthetic.generate(1, 1, 2, 3);
    var model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      nodes.add(
          LocalNodes.register(server, api, federation.id(), "node-" + k, model, devices.get(k)));
    }
    // The silent node says it is there, is chosen, and never trains.
    var silent = api.registerNode(federation.id(), "silent", 50);
    HttpTestClient silentHttp =
        http.withToken(
            TokenSource.clientCredentials(server, silent.clientId(), silent.clientSecret())
                .token());
    assertThat(
            silentHttp
                .postJson(
                    "/api/v1/federations/"
                        + federation.id()
                        + "/nodes/"
                        + silent.nodeId()
                        + "/heartbeat",
                    "{}")
                .status())
        .isEqualTo(200);

    var summaries = LocalNodes.runToEnd(api, federation.id(), nodes);
    assertThat(summaries).allMatch(s -> s.roundsTrained() == 1);
    assertThat(api.rounds(federation.id()).getFirst().updates()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> !dropped.isEmpty());
    assertThat(dropped.getFirst().nodes())
        .containsExactly(java.util.UUID.fromString(silent.nodeId()));
    assertThat(dropped.getFirst().federationId().toString()).isEqualTo(federation.id());

    // Evidence in the owner's graph: one dropout, weighing half an update's outcome.
    HttpTestClient owner = http.withToken(token);
    String entity = "/api/v1/trust/entities/" + silent.nodeId();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> assertThat(owner.get(entity + "/evidence").json().size()).isEqualTo(1));
    JsonNode evidence = owner.get(entity + "/evidence").json().get(0);
    assertThat(evidence.path("kind").asString()).isEqualTo("federation.dropout");
    assertThat(evidence.path("outcome").asString()).isEqualTo("negative");
    assertThat(evidence.path("weight").asDouble()).isEqualTo(0.5);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(owner.get(entity + "/score").status()).isEqualTo(200));
    // Beta reputation (r + 1) / (r + s + 2) with s = 0.5.
    assertThat(owner.get(entity + "/score").json().path("reputation").asDouble())
        .isCloseTo(1 / 2.5, within(1e-3));
    ((ConfigurableApplicationContext) context).removeApplicationListener(listener);
  }
}
