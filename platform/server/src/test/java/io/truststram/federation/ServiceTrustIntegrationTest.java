package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import io.truststram.trust.TrustScores;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code trust(fedavg)} with {@code trust-source: service}: the coordinator reads the trust
 * service's reputations of the round's nodes when it opens the round and keeps them with the tasks
 * (a node the service has not scored keeps the strategy's own trust).
 */
class ServiceTrustIntegrationTest extends ServerIntegrationTest {

  @Test
  void theTrustServiceWeighsTheCoordinatorsRounds() throws Exception {
    TenantId tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("service-trust-" + System.nanoTime(), "Service trust"))
            .id();
    String token = TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST));
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    var federation =
        api.createFederation(
            new TrustStramApi.FederationSpec(
                "service-trust-" + System.nanoTime(),
                "softmax",
                Synthetic.DIMENSION,
                Synthetic.CLASSES,
                List.of(),
                "trust(fedavg)",
                Map.of(
                    "epochs",
                    "1",
                    "batch-size",
                    "10",
                    "trust-source",
                    "service",
                    "trust-selection",
                    "false"),
                1,
                3,
                3,
                60,
                5));
    var devices = Synthetic.generate(1, 1, 3, 5);
    var model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      var credentials =
          api.registerNode(federation.id(), "node-" + k, devices.get(k).train().rows());
      ids.add(credentials.nodeId());
      nodes.add(
          LocalNodes.build(
              server, federation.id(), credentials, "node-" + k, model, devices.get(k)));
    }
    // The service has seen node 0 fail three times and node 1 succeed three times; node 2 never.
    TrustScores trust = context.getBean(TrustScores.class);
    List<TrustScores.Observation> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seen.add(observation(ids.get(0), false));
      seen.add(observation(ids.get(1), true));
    }
    trust.observe(tenant, seen, List.of());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> trust.reputation(tenant, ids.get(1)).isPresent());

    LocalNodes.runToEnd(api, federation.id(), nodes);
    assertThat(api.federation(federation.id()).state()).isEqualTo("completed");
    Map<String, Double> kept = new java.util.TreeMap<>();
    context
        .getBean(JdbcClient.class)
        .sql("SELECT node_id, trust FROM federation_task WHERE federation_id = ? AND round = 1")
        .param(UUID.fromString(federation.id()))
        .query(
            (rs, row) -> {
              kept.put(
                  rs.getObject("node_id", UUID.class).toString(),
                  rs.getObject("trust", Double.class));
              return null;
            })
        .list();
    // Beta reputations (r + 1) / (r + s + 2), evidence aged by seconds under the forgetting factor.
    assertThat(kept.get(ids.get(0))).isCloseTo(1 / 5.0, within(1e-6));
    assertThat(kept.get(ids.get(1))).isCloseTo(4 / 5.0, within(1e-6));
    assertThat(kept).containsEntry(ids.get(2), null);
  }

  private static TrustScores.Observation observation(String node, boolean positive) {
    return new TrustScores.Observation(
        node, "client-node", "federation.update", positive, 1, Instant.now(), Map.of(), null);
  }
}
