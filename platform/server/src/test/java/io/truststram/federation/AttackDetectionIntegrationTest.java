package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.federation.strategy.LocalTraining;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Privacy and robustness as configuration of a running federation: {@code dp(detect(median))} with
 * client-side clipping. One of five nodes poisons its updates; attack detection flags it in the
 * first round, quarantines it, and the audit trail says so; later rounds go on without it.
 */
class AttackDetectionIntegrationTest extends ServerIntegrationTest {

  /** Trains honestly, then adds 50 to every parameter. */
  private record Poisoner(LocalClient honest) implements FederatedClient {
    @Override
    public String id() {
      return honest.id();
    }

    @Override
    public long examples() {
      return honest.examples();
    }

    @Override
    public Fit fit(float[] parameters, LocalTraining training, int maxSteps, long seed) {
      Fit fit = honest.fit(parameters, training, maxSteps, seed);
      float[] w = fit.parameters();
      for (int j = 0; j < w.length; j++) {
        w[j] += 50;
      }
      return fit;
    }

    @Override
    public Evaluation evaluate(float[] parameters) {
      return honest.evaluate(parameters);
    }
  }

  @Test
  void aPoisoningNodeIsFlaggedQuarantinedAndAudited() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "detect", Role.TENANT_ADMIN);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    var federation =
        api.createFederation(
            LocalNodes.synthetic(
                "detect",
                "dp(detect(median))",
                Map.of(
                    "clipping", "client",
                    "clip-norm", "100",
                    "noise-multiplier", "0",
                    "quarantine-after", "1",
                    "epochs", "1",
                    "batch-size", "20"),
                3,
                5,
                4,
                7));

    List<Synthetic.Device> devices = Synthetic.generateIid(5, 3);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      nodes.add(
          LocalNodes.register(server, api, federation.id(), "honest-" + k, model, devices.get(k)));
    }
    var attacker = api.registerNode(federation.id(), "attacker", devices.get(4).train().rows());
    nodes.add(
        FederationNode.builder(server, federation.id(), attacker.nodeId())
            .tokens(
                TokenSource.clientCredentials(server, attacker.clientId(), attacker.clientSecret()))
            .client(
                new Poisoner(
                    new LocalClient(
                        "attacker", model, devices.get(4).train(), devices.get(4).test())))
            .pollWait(Duration.ofSeconds(5))
            .build());
    List<FederationNode.Summary> runs = LocalNodes.runToEnd(api, federation.id(), nodes);
    for (FederationNode.Summary honest : runs.subList(0, 4)) {
      assertThat(honest.roundsTrained()).isEqualTo(3);
    }

    assertThat(api.federation(federation.id()).state()).isEqualTo("completed");
    List<TrustStramApi.Round> rounds = api.rounds(federation.id());
    assertThat(rounds).extracting(TrustStramApi.Round::updates).containsExactly(5, 4, 4);

    var admin = http.withToken(token);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode items =
                  admin
                      .get("/api/v1/audit/entries?action=federation.updates.flagged")
                      .json()
                      .path("items");
              assertThat(items).hasSize(1);
              JsonNode details = items.get(0).path("entry").path("details");
              assertThat(details.path("flaggedCount").asString()).isEqualTo("1");
              assertThat(details.path("flagged").asString())
                  .startsWith(attacker.nodeId() + ":")
                  .contains("median-distance");
              assertThat(details.path("quarantined").asString()).isEqualTo(attacker.nodeId());
            });
  }
}
