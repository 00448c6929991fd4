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

  /**
   * Distributed DP: nodes clip and add their share of discrete Gaussian noise, and each completed
   * round is charged to the federation's ledger as a Gaussian mechanism of multiplier z.
   */
  @Test
  void distributedNoiseIsChargedToTheLedgerRoundByRound() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "secagg-dp", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    String body =
        FEDERATION
            .formatted(
                "secure-dp-" + System.nanoTime(), Synthetic.DIMENSION, Synthetic.CLASSES, "fedavg")
            .replace(
                "\"max-weight\":\"1000\"",
                "\"weighting\":\"uniform\",\"clip-norm\":\"1\",\"noise-multiplier\":\"2\"");
    var created = http.withToken(token).postJson("/api/v1/federations", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String federation = created.json().path("id").asString();
    List<Synthetic.Device> devices = Synthetic.generateIid(4, 6);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      nodes.add(LocalNodes.register(server, api, federation, "dp-" + k, model, devices.get(k)));
    }
    for (FederationNode.Summary run : LocalNodes.runToEnd(api, federation, nodes)) {
      assertThat(run.federationState()).isEqualTo("completed");
    }
    var rounds = api.rounds(federation);
    assertThat(rounds).hasSize(2);
    for (int r = 0; r < 2; r++) {
      assertThat(rounds.get(r).metrics().get("secagg.survivors")).isEqualTo(4.0);
      assertThat(rounds.get(r).metrics().get("privacy.epsilon"))
          .isCloseTo(
              io.truststram.federation.privacy.RdpAccountant.epsilon(
                      1, 2, r + 1, 1e-5, io.truststram.federation.privacy.Conversion.CLASSIC)
                  .epsilon(),
              org.assertj.core.api.Assertions.within(1e-9));
    }
  }

  /**
   * Paillier: nodes encrypt under the owner's public key, the coordinator multiplies ciphertexts,
   * and the owner's key holder decrypts only the sum; a decryption with the wrong key is refused.
   */
  @Test
  void aKeyHolderDecryptsOnlyTheSumOfPaillierCiphertexts() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "paillier", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    var keys =
        io.truststram.crypto.homomorphic.Paillier.generate(2048, new java.security.SecureRandom());
    String publicKey = io.truststram.federation.secagg.PaillierSettings.encodeKey(keys.publicKey());
    String body =
        """
        {"name":"paillier-%d","model":{"kind":"softmax","inputs":%d,"classes":%d},
         "strategy":{"name":"fedavg","parameters":{"epochs":"1","batch-size":"20"}},
         "secureAggregation":{"protocol":"paillier","parameters":{"public-key":"%s",
           "range":"2","levels":"65537","max-weight":"1000","min-survivors":"3"}},
         "rounds":2,"clientsPerRound":3,"minClients":3,"roundTimeoutSeconds":30,"seed":5}
        """
            .formatted(System.nanoTime(), Synthetic.DIMENSION, Synthetic.CLASSES, publicKey);
    var created = http.withToken(token).postJson("/api/v1/federations", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String federation = created.json().path("id").asString();
    List<Synthetic.Device> devices = Synthetic.generateIid(3, 8);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      nodes.add(LocalNodes.register(server, api, federation, "enc-" + k, model, devices.get(k)));
    }
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    List<String> decrypted = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      // A key holder with the wrong key is refused, and the round waits for the right one.
      var wrong =
          io.truststram.crypto.homomorphic.Paillier.generate(
              2048, new java.security.SecureRandom());
      List<Future<FederationNode.Summary>> runs = new ArrayList<>();
      for (FederationNode node : nodes) {
        runs.add(pool.submit(node::run));
      }
      assertThat(api.start(federation).state()).isEqualTo("running");
      var impostor =
          new io.truststram.sdk.PaillierKeyHolder(
              server, TokenSource.bearer(token), federation, wrong.privateKey(), e -> {});
      org.assertj.core.api.Assertions.assertThatThrownBy(impostor::run)
          .isInstanceOf(io.truststram.sdk.TrustStramException.class)
          .hasMessageContaining("not the sum of this round's inputs");
      var holder =
          new io.truststram.sdk.PaillierKeyHolder(
              server, TokenSource.bearer(token), federation, keys.privateKey(), decrypted::add);
      Future<String> held = pool.submit(holder::run);
      assertThat(held.get(2, TimeUnit.MINUTES)).isEqualTo("completed");
      for (var run : runs) {
        assertThat(run.get(1, TimeUnit.MINUTES).federationState()).isEqualTo("completed");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(decrypted).hasSize(2);
    var rounds = api.rounds(federation);
    assertThat(rounds).hasSize(2);
    // Weights above max-weight are capped, and the caps counted.
    long examples = 0;
    int capped = 0;
    for (Synthetic.Device device : devices) {
      examples += Math.min(1000, device.train().rows());
      capped += device.train().rows() > 1000 ? 1 : 0;
    }
    assertThat(rounds.get(0).metrics().get("secagg.survivors")).isEqualTo(3.0);
    assertThat(rounds.get(0).metrics().get("secagg.weight")).isEqualTo((double) examples);
    assertThat(rounds.get(0).metrics().get("secagg.weight-capped")).isEqualTo((double) capped);
    // A participant's own token cannot fetch the sum: only the owner holds the key.
    var notOwner =
        http.withToken(LocalNodes.newTenantToken(context, port, "other", Role.DATA_SCIENTIST))
            .get("/api/v1/federations/" + federation + "/rounds/1/paillier/sum?wait=0");
    assertThat(notOwner.status()).isIn(403, 404);
  }

  /**
   * Paillier with a committee: two of three members, each acting as one of the federation's nodes,
   * decrypt the sum together with proofs; a member showing another's verification key is refused,
   * and the owner cannot decrypt alone. The key is a fixture dealt once (safe primes take a
   * minute).
   */
  @Test
  void aCommitteeDecryptsPaillierSumsWithoutAnyOneKeyHolder() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "committee", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    java.nio.file.Path dealt =
        java.nio.file.Path.of(
                java.util.Objects.requireNonNull(
                        getClass().getResource("/paillier-committee-test-key/parameters.json"))
                    .toURI())
            .getParent();
    JsonNode parameters =
        tools.jackson.databind.json.JsonMapper.builder()
            .build()
            .readTree(java.nio.file.Files.readString(dealt.resolve("parameters.json")));
    ((tools.jackson.databind.node.ObjectNode) parameters)
        .put("range", "2")
        .put("levels", "65537")
        .put("max-weight", "1000")
        .put("min-survivors", "3");
    String body =
        """
        {"name":"committee-%d","model":{"kind":"softmax","inputs":%d,"classes":%d},
         "strategy":{"name":"fedavg","parameters":{"epochs":"1","batch-size":"20"}},
         "secureAggregation":{"protocol":"paillier","parameters":%s},
         "rounds":2,"clientsPerRound":3,"minClients":3,"roundTimeoutSeconds":30,"seed":5}
        """
            .formatted(System.nanoTime(), Synthetic.DIMENSION, Synthetic.CLASSES, parameters);
    var created = http.withToken(token).postJson("/api/v1/federations", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String federation = created.json().path("id").asString();
    List<Synthetic.Device> devices = Synthetic.generateIid(3, 8);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<TrustStramApi.NodeCredentials> credentials = new ArrayList<>();
    List<FederationNode> nodes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      var registered = api.registerNode(federation, "member-" + k, devices.get(k).train().rows());
      credentials.add(registered);
      nodes.add(
          LocalNodes.build(server, federation, registered, "member-" + k, model, devices.get(k)));
    }
    java.util.function.BiFunction<Integer, Integer, io.truststram.sdk.PaillierCommitteeMember>
        member =
            (node, index) -> {
              try {
                var share =
                    io.truststram.sdk.PaillierCommitteeMember.readShare(
                        dealt.resolve("member-" + index + ".json"));
                var c = credentials.get(node);
                return new io.truststram.sdk.PaillierCommitteeMember(
                    server,
                    TokenSource.clientCredentials(server, c.clientId(), c.clientSecret()),
                    federation,
                    c.nodeId(),
                    share.key(),
                    share.share(),
                    line -> {});
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            };
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      List<Future<FederationNode.Summary>> runs = new ArrayList<>();
      for (FederationNode node : nodes) {
        runs.add(pool.submit(node::run));
      }
      assertThat(api.start(federation).state()).isEqualTo("running");
      // Node 1 shows member 3's share as member 2's: its verification key is not member 2's.
      var impostorShare =
          io.truststram.sdk.PaillierCommitteeMember.readShare(dealt.resolve("member-3.json"));
      var c1 = credentials.get(1);
      var impostor =
          new io.truststram.sdk.PaillierCommitteeMember(
              server,
              TokenSource.clientCredentials(server, c1.clientId(), c1.clientSecret()),
              federation,
              c1.nodeId(),
              impostorShare.key(),
              new io.truststram.crypto.homomorphic.Paillier.KeyShare(
                  2, impostorShare.share().secret()),
              line -> {});
      org.assertj.core.api.Assertions.assertThatThrownBy(impostor::run)
          .isInstanceOf(io.truststram.sdk.TrustStramException.class)
          .hasMessageContaining("the verification key is not member 2's");
      // The owner's trust graph holds it against node 1: a rejected proof, weighing three
      // updates' outcomes.
      var trustOwner = http.withToken(token);
      String evidence = "/api/v1/trust/entities/" + c1.nodeId() + "/evidence";
      java.util.function.Supplier<java.util.Optional<JsonNode>> proofEvidence =
          () -> {
            var listed = trustOwner.get(evidence);
            if (listed.status() != 200) {
              return java.util.Optional.empty();
            }
            for (JsonNode record : listed.json()) {
              if (record.path("kind").asString().equals("federation.proof-rejected")) {
                return java.util.Optional.of(record);
              }
            }
            return java.util.Optional.empty();
          };
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(proofEvidence.get()).isPresent());
      JsonNode rejected = proofEvidence.get().orElseThrow();
      assertThat(rejected.path("outcome").asString()).isEqualTo("negative");
      assertThat(rejected.path("weight").asDouble()).isEqualTo(3.0);
      assertThat(rejected.path("details").path("check").asString()).isEqualTo("verification-key");
      // The owner holds no key to decrypt with.
      var owner =
          http.withToken(token)
              .get("/api/v1/federations/" + federation + "/rounds/1/paillier/sum?wait=0");
      assertThat(owner.status()).isEqualTo(409);
      assertThat(owner.body()).contains("decrypted by its committee of 3");
      Future<String> first = pool.submit(member.apply(0, 1)::run);
      Future<String> third = pool.submit(member.apply(2, 3)::run);
      assertThat(first.get(3, TimeUnit.MINUTES)).isEqualTo("completed");
      assertThat(third.get(1, TimeUnit.MINUTES)).isEqualTo("completed");
      for (var run : runs) {
        assertThat(run.get(1, TimeUnit.MINUTES).federationState()).isEqualTo("completed");
      }
    } finally {
      pool.shutdownNow();
    }
    var rounds = api.rounds(federation);
    assertThat(rounds).hasSize(2);
    long examples = 0;
    for (Synthetic.Device device : devices) {
      examples += Math.min(1000, device.train().rows());
    }
    for (var round : rounds) {
      assertThat(round.metrics().get("secagg.survivors")).isEqualTo(3.0);
      assertThat(round.metrics().get("secagg.weight")).isEqualTo((double) examples);
    }
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
    var weakKey =
        http.withToken(token)
            .postJson(
                "/api/v1/federations",
                FEDERATION
                    .formatted("weak-" + System.nanoTime(), 4, 2, "fedavg")
                    .replace("\"protocol\":\"secagg+\"", "\"protocol\":\"paillier\"")
                    .replaceAll(
                        "\"parameters\":\\{\"shares\"[^}]*\\}",
                        "\"parameters\":{\"public-key\":\"AQAB\"}"));
    assertThat(weakKey.status()).as(weakKey.body()).isEqualTo(400);
    assertThat(weakKey.json().path("detail").asString()).contains("at least 256 bits");
    assertThat(problem.path("detail").asString()).contains("configured in secureAggregation");
  }
}
