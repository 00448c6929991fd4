package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.RdpAccountant;
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
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The privacy budget ledger: a dp-fedavg federation that declares a target ε is priced round by
 * round by the RDP accountant and stopped before the round that would pass it.
 */
class PrivacyBudgetIntegrationTest extends ServerIntegrationTest {

  @Test
  void aFederationStopsBeforeTheRoundThatWouldPassItsBudget() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "dp-budget", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    // Every node takes part in every round (q = 1) with sigma = 2: epsilon at delta 1e-5 is 2.52
    // after one round, 3.64 after two and 4.53 after three, so a target of 4 allows two of five.
    var federation =
        api.createFederation(
            LocalNodes.synthetic(
                "private",
                "dp-fedavg",
                Map.of(
                    "clip-norm", "5",
                    "noise-multiplier", "2",
                    "target-epsilon", "4",
                    "target-delta", "1e-5",
                    "epochs", "1",
                    "batch-size", "20"),
                5,
                3,
                3,
                11));

    List<Synthetic.Device> devices = Synthetic.generateIid(3, 2);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      nodes.add(
          LocalNodes.register(server, api, federation.id(), "node-" + k, model, devices.get(k)));
    }
    for (FederationNode.Summary run : LocalNodes.runToEnd(api, federation.id(), nodes)) {
      assertThat(run.federationState()).isEqualTo("completed");
    }

    var done = api.federation(federation.id());
    assertThat(done.state()).isEqualTo("completed");
    assertThat(done.currentRound()).isEqualTo(2);
    assertThat(done.modelSha256()).hasSize(64);
    JsonNode privacy =
        http.withToken(token).get("/api/v1/federations/" + federation.id()).json().path("privacy");
    assertThat(privacy.path("targetEpsilon").asDouble()).isEqualTo(4.0);
    assertThat(privacy.path("rounds").asInt()).isEqualTo(2);
    assertThat(privacy.path("exhausted").asBoolean()).isTrue();
    double expected = RdpAccountant.epsilon(1, 2, 2, 1e-5, Conversion.CLASSIC).epsilon();
    assertThat(privacy.path("epsilonSpent").asDouble()).isCloseTo(expected, within(1e-9));
    assertThat(privacy.path("epsilonSpent").asDouble()).isLessThanOrEqualTo(4.0);
    // Each round's record carries what the federation had spent with it.
    assertThat(api.rounds(federation.id()))
        .extracting(r -> r.metrics().get("privacy.epsilon"))
        .containsExactly(
            RdpAccountant.epsilon(1, 2, 1, 1e-5, Conversion.CLASSIC).epsilon(), expected);
  }

  @Test
  void aBudgetNeedsNoise() {
    String token =
        TestTokens.token(
            port,
            TestTokens.client(
                context,
                context
                    .getBean(Tenants.class)
                    .create(new NewTenant("dp-budget-bad-" + System.nanoTime(), "DP"))
                    .id(),
                Role.DATA_SCIENTIST));
    var response =
        http.withToken(token)
            .postJson(
                "/api/v1/federations",
                """
                {"name":"no-noise","model":{"kind":"softmax","inputs":4,"classes":2},
                 "strategy":{"name":"dp-fedavg","parameters":{"noise-multiplier":"0",
                 "target-epsilon":"1"}},"rounds":3,"clientsPerRound":2,"minClients":2}
                """);
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().path("detail").asString())
        .contains("a privacy budget needs a noise multiplier above 0");
  }

  /**
   * A data owner caps what its data may spend across federations: its nodes train while a round
   * fits under the cap, and the federation stops when they are all that is left and the next round
   * would pass it. A second federation cannot spend the rest.
   */
  @Test
  void aDataOwnersCapStopsItsNodesAcrossFederations() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "dp-owner", Role.TENANT_ADMIN);
    var admin = http.withToken(token);
    var refused = admin.putJson("/api/v1/privacy/budget", "{\"epsilonCap\":-1,\"delta\":1e-5}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().path("detail").asString()).contains("epsilonCap must be positive");
    var set = admin.putJson("/api/v1/privacy/budget", "{\"epsilonCap\":3,\"delta\":1e-5}");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().path("epsilonCap").asDouble()).isEqualTo(3.0);

    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    // σ = 2 with every node in every round: 2.52 after one round, 3.64 after two. A cap of 3
    // allows one round, though the federation asks for five and sets no budget of its own.
    String first = runPrivate(api, server, "owner-a");
    assertThat(api.federation(first).currentRound()).isEqualTo(1);
    assertThat(api.federation(first).state()).isEqualTo("completed");
    double one = RdpAccountant.epsilon(1, 2, 1, 1e-5, Conversion.CLASSIC).epsilon();
    JsonNode budget = admin.get("/api/v1/privacy/budget").json();
    assertThat(budget.path("epsilonSpent").asDouble()).isCloseTo(one, within(1e-9));
    assertThat(budget.path("rounds").asInt()).isEqualTo(1);

    // The next federation over the same data has nothing left to spend.
    String second = runPrivate(api, server, "owner-b");
    assertThat(api.federation(second).currentRound()).isZero();
    assertThat(admin.get("/api/v1/privacy/budget").json().path("rounds").asInt()).isEqualTo(1);
  }

  /**
   * DP-SGD through the SDK: nodes train with per-example clipping and noise, and the coordinator
   * keeps each node's ledger and exports the largest ε.
   */
  @Test
  void nodesTrainWithDpSgdAndTheLargestSampleLevelEpsilonIsExported() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "dp-sgd", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    var federation =
        api.createFederation(
            LocalNodes.synthetic(
                "dpsgd",
                "dpsgd(fedavg)",
                Map.of(
                    "example-clip-norm", "1",
                    "example-noise-multiplier", "1.5",
                    "batch-size", "20"),
                2,
                3,
                3,
                17));
    List<Synthetic.Device> devices = Synthetic.generateIid(3, 6);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      nodes.add(
          LocalNodes.register(server, api, federation.id(), "sgd-" + k, model, devices.get(k)));
    }
    for (FederationNode.Summary run : LocalNodes.runToEnd(api, federation.id(), nodes)) {
      assertThat(run.roundsTrained()).isEqualTo(2);
    }
    assertThat(api.federation(federation.id()).state()).isEqualTo("completed");
    // Each node: one epoch of ⌈n/20⌉ steps at rate 20/n per round, two rounds.
    double largest = 0;
    for (Synthetic.Device device : devices) {
      int rows = device.train().rows();
      double q = Math.min(1, 20.0 / rows);
      long steps = 2L * ((rows + 19) / 20);
      largest =
          Math.max(
              largest, RdpAccountant.epsilon(q, 1.5, steps, 1e-5, Conversion.CLASSIC).epsilon());
    }
    double exported =
        context
            .getBean(io.micrometer.core.instrument.MeterRegistry.class)
            .get("truststram.federation.privacy.sample.epsilon")
            .tag("federation", federation.id())
            .gauge()
            .value();
    assertThat(exported).isCloseTo(largest, within(1e-9));
  }

  /** A dp-fedavg federation of three of the tenant's nodes, run until it ends; its id. */
  private String runPrivate(TrustStramApi api, URI server, String name) throws Exception {
    var federation =
        api.createFederation(
            LocalNodes.synthetic(
                name,
                "dp-fedavg",
                Map.of("clip-norm", "5", "noise-multiplier", "2", "batch-size", "20"),
                5,
                3,
                3,
                13));
    List<Synthetic.Device> devices = Synthetic.generateIid(3, 4);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      nodes.add(
          LocalNodes.register(server, api, federation.id(), name + "-" + k, model, devices.get(k)));
    }
    LocalNodes.runToEnd(api, federation.id(), nodes);
    return federation.id();
  }
}
