package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.SoftmaxRegression;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;
import tools.jackson.databind.JsonNode;

/**
 * A federation trained end to end over HTTP: two tenants' nodes, each a Java SDK {@link
 * FederationNode} training a softmax regression on its own Synthetic(1,1) device, against the
 * coordinator; then rounds, contributions, models, provenance and events are checked.
 */
class FederatedTrainingIntegrationTest extends ServerIntegrationTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  @Test
  void twoTenantsNodesTrainAFederationToCompletionOverHttp() throws Exception {
    Tenants tenants = context.getBean(Tenants.class);
    TenantId owner = tenants.create(new NewTenant("ft-a-" + NAMES.incrementAndGet(), "A")).id();
    TenantId partner = tenants.create(new NewTenant("ft-b-" + NAMES.incrementAndGet(), "B")).id();
    String ownerToken = token(owner, Role.DATA_SCIENTIST);
    String partnerToken = token(partner, Role.TENANT_ADMIN);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi ownerApi = TrustStramApi.connect(server, TokenSource.bearer(ownerToken));
    TrustStramApi partnerApi = TrustStramApi.connect(server, TokenSource.bearer(partnerToken));

    List<Object> events = new CopyOnWriteArrayList<>();
    ApplicationListener<ApplicationEvent> listener =
        event -> {
          if (event instanceof PayloadApplicationEvent<?> payload
              && (payload.getPayload() instanceof RoundCompleted
                  || payload.getPayload() instanceof FederationCompleted)) {
            events.add(payload.getPayload());
          }
        };
    ((ConfigurableApplicationContext) context).addApplicationListener(listener);
    try {
      var federation =
          ownerApi.createFederation(
              new TrustStramApi.FederationSpec(
                  "synthetic-" + NAMES.incrementAndGet(),
                  "softmax",
                  Synthetic.DIMENSION,
                  Synthetic.CLASSES,
                  List.of(),
                  "fedavg",
                  Map.of("epochs", "2", "batch-size", "10", "learning-rate", "0.05"),
                  3,
                  4,
                  3,
                  60,
                  7));
      HttpTestClient ownerHttp = http.withToken(ownerToken);
      HttpTestClient partnerHttp = http.withToken(partnerToken);
      assertThat(
              ownerHttp
                  .postJson(
                      "/api/v1/federations/" + federation.id() + "/participants",
                      "{\"tenantId\":\"" + partner + "\"}")
                  .status())
          .isEqualTo(201);
      assertThat(
              http.withToken(token(partner, Role.FEDERATION_PARTICIPANT))
                  .postJson("/api/v1/federations/" + federation.id() + "/join", "")
                  .status())
          .isEqualTo(200);

      List<Synthetic.Device> devices = Synthetic.generate(1, 1, 4, 3);
      Classifier model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
      List<FederationNode> nodes = new ArrayList<>();
      Map<String, TenantId> tenantOfNode = new ConcurrentHashMap<>();
      for (int k = 0; k < 4; k++) {
        TrustStramApi registrar = k < 2 ? ownerApi : partnerApi;
        var device = devices.get(k);
        var credentials =
            registrar.registerNode(federation.id(), "node-" + k, device.train().rows());
        tenantOfNode.put(credentials.nodeId(), k < 2 ? owner : partner);
        nodes.add(
            LocalNodes.build(server, federation.id(), credentials, "node-" + k, model, device));
      }
      // Polling before the start is fine: the nodes wait for their first task.
      List<Future<FederationNode.Summary>> runs = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (FederationNode node : nodes) {
          runs.add(pool.submit(node::run));
        }
        assertThat(ownerApi.start(federation.id()).state()).isEqualTo("running");
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> ownerApi.federation(federation.id()).ended());
        for (Future<FederationNode.Summary> run : runs) {
          FederationNode.Summary summary = run.get();
          assertThat(summary.federationState()).isEqualTo("completed");
          assertThat(summary.roundsTrained()).isEqualTo(3);
        }
      }

      var done = ownerApi.federation(federation.id());
      assertThat(done.state()).isEqualTo("completed");
      assertThat(done.modelSha256()).hasSize(64);
      List<TrustStramApi.Round> rounds = ownerApi.rounds(federation.id());
      assertThat(rounds).hasSize(3).allSatisfy(r -> assertThat(r.updates()).isEqualTo(4));
      assertThat(rounds.getLast().metrics())
          .containsKeys("train.loss", "evaluate.loss", "evaluate.accuracy");
      // Each round's evaluation is of the model the round started from: it improves with training.
      assertThat(rounds.getLast().metrics().get("evaluate.loss"))
          .isLessThan(rounds.getFirst().metrics().get("evaluate.loss"));

      float[] initial = ownerApi.model(federation.id(), "0");
      float[] last = partnerApi.model(federation.id(), "latest");
      assertThat(last).hasSize(model.parameterCount()).isNotEqualTo(initial);
      assertThat(sha256(ownerApi.modelFile(federation.id(), "3"))).isEqualTo(done.modelSha256());

      Map<String, String> provenance = ownerApi.provenance(federation.id());
      assertThat(provenance)
          .containsEntry("strategy", "fedavg")
          .containsEntry("rounds", "3")
          .containsEntry("seed", "7")
          .containsEntry("participantDataHashes", "4")
          .containsKeys("codeVersion", "participantDataDigest", "model");

      // The owner sees each tenant's contribution; the partner only its own nodes' tasks.
      JsonNode ownerView =
          ownerHttp.get("/api/v1/federations/" + federation.id() + "/rounds/2").json();
      assertThat(ownerView.path("participants").path(owner.toString()).path("updates").asInt())
          .isEqualTo(2);
      assertThat(ownerView.path("participants").path(partner.toString()).path("updates").asInt())
          .isEqualTo(2);
      JsonNode partnerView =
          partnerHttp.get("/api/v1/federations/" + federation.id() + "/rounds/2").json();
      assertThat(partnerView.path("participants").isEmpty()).isTrue();
      assertThat(partnerView.path("ownTasks")).hasSize(2);
      partnerView
          .path("ownTasks")
          .forEach(
              task ->
                  assertThat(tenantOfNode.get(task.path("nodeId").asString())).isEqualTo(partner));

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(events.stream().filter(RoundCompleted.class::isInstance)).hasSize(3);
                assertThat(events.stream().filter(FederationCompleted.class::isInstance))
                    .singleElement()
                    .satisfies(
                        e ->
                            assertThat(((FederationCompleted) e).modelSha256())
                                .isEqualTo(done.modelSha256()));
              });
      String metrics = http.get("/actuator/prometheus").body();
      assertThat(metrics)
          .contains("truststram_federation_updates_accepted_total")
          .contains("truststram_federation_round_duration_seconds_count")
          .contains("truststram_federation_aggregation_time_seconds")
          .contains("truststram_federation_bytes_total{")
          .contains("truststram_federation_nodes_active");
    } finally {
      ((ConfigurableApplicationContext) context).removeApplicationListener(listener);
    }
  }

  /**
   * FedBuff on the coordinator: a straggler's report, started from version 0, arrives after two
   * versions were made without it, and is folded (weighted down) rather than refused.
   */
  @Test
  void aFedBuffFederationFoldsAStragglersReportInsteadOfRefusingIt() throws Exception {
    TenantId owner =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("fb-" + NAMES.incrementAndGet(), "FedBuff"))
            .id();
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api =
        TrustStramApi.connect(server, TokenSource.bearer(token(owner, Role.DATA_SCIENTIST)));
    var federation =
        api.createFederation(
            new TrustStramApi.FederationSpec(
                "fedbuff-" + NAMES.incrementAndGet(),
                "softmax",
                Synthetic.DIMENSION,
                Synthetic.CLASSES,
                List.of(),
                "fedbuff",
                Map.of("buffer-size", "2", "max-staleness", "3", "learning-rate", "0.05"),
                4,
                3,
                1,
                120,
                5));
    List<Synthetic.Device> devices = Synthetic.generate(1, 1, 3, 9);
    Classifier model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    java.util.concurrent.CountDownLatch stragglerReported =
        new java.util.concurrent.CountDownLatch(1);
    List<String> skipped = new CopyOnWriteArrayList<>();
    List<FederationNode> nodes = new ArrayList<>();
    String stragglerId = null;
    TokenSource stragglerTokens = null;
    for (int k = 0; k < 3; k++) {
      var device = devices.get(k);
      var credentials = api.registerNode(federation.id(), "node-" + k, device.train().rows());
      FederatedClient local =
          new io.truststram.federation.LocalClient(
              "node-" + k, model, device.train(), device.test());
      boolean straggler = k == 2;
      TokenSource tokens =
          TokenSource.clientCredentials(server, credentials.clientId(), credentials.clientSecret());
      if (straggler) {
        stragglerId = credentials.nodeId();
        stragglerTokens = tokens;
      }
      java.util.concurrent.atomic.AtomicInteger fits =
          new java.util.concurrent.atomic.AtomicInteger();
      FederatedClient paced =
          new Paced(
              local,
              () -> {
                int fit = fits.incrementAndGet();
                if (straggler && fit == 1) {
                  // The straggler's first report comes only after versions 1 and 2 exist.
                  await()
                      .atMost(Duration.ofMinutes(1))
                      .until(
                          () ->
                              api.rounds(federation.id()).stream()
                                      .filter(r -> r.state().equals("completed"))
                                      .count()
                                  >= 2);
                } else if (!straggler && fit == 3) {
                  // The fast nodes' third reports wait for the straggler's first.
                  stragglerReported.await();
                }
              });
      nodes.add(
          FederationNode.builder(server, federation.id(), credentials.nodeId())
              .tokens(tokens)
              .client(paced)
              .pollWait(Duration.ofSeconds(5))
              .events(
                  event -> {
                    if (event.kind().equals("skipped")) {
                      skipped.add(event.detail());
                    }
                    if (straggler && event.kind().equals("uploaded")) {
                      stragglerReported.countDown();
                    }
                  })
              .build());
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<FederationNode.Summary>> runs = new ArrayList<>();
      for (FederationNode node : nodes) {
        runs.add(pool.submit(node::run));
      }
      api.start(federation.id());
      await().atMost(Duration.ofMinutes(2)).until(() -> api.federation(federation.id()).ended());
      for (Future<FederationNode.Summary> run : runs) {
        assertThat(run.get().federationState()).isEqualTo("completed");
      }
    }
    // Only reports on tasks still out when the last version was made go unused (which tasks those
    // are depends on the order the fast nodes report in): none is refused while the federation
    // runs.
    assertThat(skipped)
        .hasSizeLessThanOrEqualTo(3)
        .allSatisfy(
            detail -> assertThat(detail).contains("the federation has ended (completed): round "));
    assertThat(stragglerReported.getCount()).isZero();
    List<TrustStramApi.Round> rounds = api.rounds(federation.id());
    assertThat(rounds).hasSize(4).allSatisfy(r -> assertThat(r.updates()).isEqualTo(2));
    // Three tasks were handed out on version 0, two made version 1, and the third, the
    // straggler's, was folded into a later version rather than refused.
    JsonNode first =
        http.withToken(token(owner, Role.DATA_SCIENTIST))
            .get("/api/v1/federations/" + federation.id() + "/rounds/1")
            .json();
    assertThat(first.path("round").path("selected").asInt()).isEqualTo(3);
    assertThat(first.path("round").path("updates").asInt()).isEqualTo(2);
    assertThat(first.path("participants").path(owner.toString()).path("updates").asInt())
        .isEqualTo(3);
    assertThat(stragglerId).isNotNull();
    // A report after the end is refused, saying that the federation ended.
    var late =
        http.withToken(java.util.Objects.requireNonNull(stragglerTokens).token())
            .sendBytes(
                "PUT",
                "/api/v1/federations/" + federation.id() + "/rounds/4/updates/" + stragglerId,
                "application/vnd.safetensors",
                new byte[16]);
    assertThat(late.status()).as(late.body()).isEqualTo(409);
    assertThat(late.json().path("detail").asString())
        .isEqualTo("the federation has ended (completed): round 4 takes no more updates");
  }

  /** A client that runs {@code beforeFit} before each fit (to hold a node back). */
  private static final class Paced extends ForwardingClient {
    private final Pacing beforeFit;

    Paced(FederatedClient delegate, Pacing beforeFit) {
      super(delegate);
      this.beforeFit = beforeFit;
    }

    @Override
    public Fit fit(
        float[] parameters,
        io.truststram.federation.strategy.LocalTraining training,
        int maxSteps,
        long seed) {
      try {
        beforeFit.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.fit(parameters, training, maxSteps, seed);
    }
  }

  /** What {@link Paced} runs before a fit. */
  @FunctionalInterface
  private interface Pacing {
    void run() throws InterruptedException;
  }

  private String token(TenantId tenant, Role role) {
    return TestTokens.token(port, TestTokens.client(context, tenant, role));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
