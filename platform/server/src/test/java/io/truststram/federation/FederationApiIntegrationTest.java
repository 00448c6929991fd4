package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Federations over REST: creation with validation, lifecycle, tenant scoping and permissions. */
class FederationApiIntegrationTest extends ServerIntegrationTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private HttpTestClient owner;
  private HttpTestClient otherTenant;
  private HttpTestClient otherTenantNode;
  private HttpTestClient viewer;
  private TenantId tenantA;
  private TenantId tenantB;

  @BeforeEach
  void callers() {
    Tenants tenants = context.getBean(Tenants.class);
    tenantA = tenants.create(new NewTenant("fl-a-" + NAMES.incrementAndGet(), "A")).id();
    tenantB = tenants.create(new NewTenant("fl-b-" + NAMES.incrementAndGet(), "B")).id();
    owner = withToken(tenantA, Role.DATA_SCIENTIST);
    otherTenant = withToken(tenantB, Role.TENANT_ADMIN);
    otherTenantNode = withToken(tenantB, Role.FEDERATION_PARTICIPANT);
    viewer = withToken(tenantA, Role.VIEWER);
  }

  @Test
  void anOwnerCreatesStartsAndCancelsAFederation() {
    java.util.List<FederationStarted> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    // Published on the server's request thread, so recorded by a listener rather than the
    // test-thread-bound ApplicationEvents.
    org.springframework.context.ApplicationListener<org.springframework.context.ApplicationEvent>
        listener =
            event -> {
              if (event instanceof org.springframework.context.PayloadApplicationEvent<?> payload
                  && payload.getPayload() instanceof FederationStarted federationStarted) {
                started.add(federationStarted);
              }
            };
    var application = (org.springframework.context.ConfigurableApplicationContext) context;
    application.addApplicationListener(listener);
    try {
      createStartAndCancel(started);
    } finally {
      application.removeApplicationListener(listener);
    }
  }

  private void createStartAndCancel(java.util.List<FederationStarted> startedEvents) {
    var created =
        owner.postJson(
            "/api/v1/federations",
            body("prox", "fedprox", "{\"mu\":\"1\",\"epochs\":\"20\"}", 10, 8));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode federation = created.json();
    String id = federation.path("id").asString();
    assertThat(created.header("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/federations/" + id));
    assertThat(federation.path("state").asString()).isEqualTo("created");
    assertThat(federation.path("strategy").path("parameters").path("mu").asString()).isEqualTo("1");
    assertThat(federation.path("model").path("kind").asString()).isEqualTo("softmax");

    assertThat(owner.get("/api/v1/federations/" + id).json().path("name").asString())
        .isEqualTo(federation.path("name").asString());
    assertThat(owner.get("/api/v1/federations").json().path("items").toString()).contains(id);

    var started = owner.postJson("/api/v1/federations/" + id + "/start", "");
    assertThat(started.status()).isEqualTo(200);
    assertThat(started.json().path("state").asString()).isEqualTo("running");
    assertThat(startedEvents)
        .anySatisfy(e -> assertThat(e.federationId().toString()).isEqualTo(id));

    var again = owner.postJson("/api/v1/federations/" + id + "/start", "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().path("type").asString()).isEqualTo(TYPES + "federation-state-conflict");

    assertThat(
            owner
                .postJson("/api/v1/federations/" + id + "/cancel", "")
                .json()
                .path("state")
                .asString())
        .isEqualTo("cancelled");
    assertThat(owner.postJson("/api/v1/federations/" + id + "/cancel", "").status()).isEqualTo(409);
  }

  @Test
  void impossibleFederationsAreRefusedWithTheReason() {
    assertInvalid(body("x1", "fedsgd", "{}", 10, 8), "unknown strategy 'fedsgd'");
    assertInvalid(
        body("x2", "fedavg", "{\"learning_rate\":\"0.1\"}", 10, 8),
        "has no parameter learning_rate");
    assertInvalid(body("x3", "fedavg", "{\"fraction\":\"2\"}", 10, 8), "fraction");
    assertInvalid(
        body("x4", "fedavg", "{}", 5, 8), "minClients (8) cannot exceed clientsPerRound (5)");
    // Krum with f = 2 needs n > 2f + 2: rounds of fewer than 7 updates would void its guarantee.
    assertInvalid(
        body("x7", "krum", "{\"f\":\"2\"}", 10, 6),
        "krum needs at least 7 updates a round to tolerate its f; minClients is 6");
    assertInvalid(body("x8", "bulyan", "{\"f\":\"1\"}", 10, 5), "bulyan needs at least 7 updates");
    assertInvalid(
        """
        {"name":"x5","model":{"kind":"logistic","inputs":10,"classes":3},
         "strategy":{"name":"fedavg"},"rounds":10,"clientsPerRound":5,"minClients":2}""",
        "exactly 2 classes");
    assertInvalid(
        """
        {"name":"x6","model":{"kind":"mlp","inputs":10000000,"classes":10,"hidden":[65536]},
         "strategy":{"name":"fedavg"},"rounds":10,"clientsPerRound":5,"minClients":2}""",
        "at most 300000000");
    var malformed = owner.postJson("/api/v1/federations", "{\"name\":\"\",\"rounds\":0}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.contentType()).isEqualTo("application/problem+json");

    assertThat(owner.postJson("/api/v1/federations", body("twice", "fedavg", "{}", 5, 2)).status())
        .isEqualTo(201);
    var twice = owner.postJson("/api/v1/federations", body("twice", "fedavg", "{}", 5, 2));
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.json().path("type").asString()).isEqualTo(TYPES + "federation-name-taken");
  }

  @Test
  void anotherTenantNeitherSeesNorStartsTheFederationAndAViewerCannotCreate() {
    String id =
        owner
            .postJson("/api/v1/federations", body("private", "fedavg", "{}", 5, 2))
            .json()
            .path("id")
            .asString();
    assertThat(otherTenant.get("/api/v1/federations/" + id).status()).isEqualTo(404);
    assertThat(otherTenant.postJson("/api/v1/federations/" + id + "/start", "").status())
        .isEqualTo(404);
    assertThat(otherTenant.get("/api/v1/federations").json().path("items").toString())
        .doesNotContain(id);
    assertThat(owner.get("/api/v1/federations/not-a-uuid").status()).isEqualTo(404);

    assertThat(viewer.get("/api/v1/federations/" + id).status()).isEqualTo(200);
    assertThat(viewer.postJson("/api/v1/federations", body("v", "fedavg", "{}", 5, 2)).status())
        .isEqualTo(403);
    assertThat(viewer.postJson("/api/v1/federations/" + id + "/start", "").status()).isEqualTo(403);
    assertThat(http.anonymous().get("/api/v1/federations").status()).isEqualTo(401);
  }

  @Test
  void anInvitationGrantsExactlyThatFederationAndNothingElseOfTheOwner() {
    String shared = create("shared");
    String notShared = create("not-shared");
    assertThat(otherTenant.get("/api/v1/federations/" + shared).status()).isEqualTo(404);

    var invited =
        owner.postJson(
            "/api/v1/federations/" + shared + "/participants",
            "{\"tenantId\":\"" + tenantB + "\"}");
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    assertThat(invited.json().path("state").asString()).isEqualTo("invited");

    // Tenant B now sees that federation, as a participant, and nothing else of A's.
    var seen = otherTenant.get("/api/v1/federations/" + shared);
    assertThat(seen.status()).isEqualTo(200);
    assertThat(seen.json().path("relation").asString()).isEqualTo("participant");
    assertThat(seen.json().path("createdBy").isNull()).isTrue();
    assertThat(otherTenant.get("/api/v1/federations/" + notShared).status()).isEqualTo(404);
    assertThat(otherTenant.get("/api/v1/tenants/" + tenantA).status()).isEqualTo(404);
    String listed = otherTenant.get("/api/v1/federations").json().path("items").toString();
    assertThat(listed).contains(shared).doesNotContain(notShared);

    // Looking is all it may do to the owner's federation.
    var start = otherTenant.postJson("/api/v1/federations/" + shared + "/start", "");
    assertThat(start.status()).isEqualTo(403);
    assertThat(start.json().path("type").asString()).isEqualTo(TYPES + "federation-owner-only");
    assertThat(
            otherTenant
                .postJson(
                    "/api/v1/federations/" + shared + "/participants",
                    "{\"tenantId\":\"" + tenantB + "\"}")
                .status())
        .isEqualTo(403);

    // Its client node accepts; participants see only themselves, the owner sees everyone.
    var joined = otherTenantNode.postJson("/api/v1/federations/" + shared + "/join", "");
    assertThat(joined.status()).as(joined.body()).isEqualTo(200);
    assertThat(joined.json().path("state").asString()).isEqualTo("active");
    assertThat(otherTenantNode.postJson("/api/v1/federations/" + shared + "/join", "").status())
        .isEqualTo(409);
    assertThat(otherTenant.get("/api/v1/federations/" + shared + "/participants").json().size())
        .isEqualTo(1);
    assertThat(owner.get("/api/v1/federations/" + shared + "/participants").json().toString())
        .contains(tenantB.toString());

    // Invitations that make no sense are refused.
    String again = "{\"tenantId\":\"" + tenantB + "\"}";
    assertThat(owner.postJson("/api/v1/federations/" + shared + "/participants", again).status())
        .isEqualTo(409);
    String self = "{\"tenantId\":\"" + tenantA + "\"}";
    assertThat(owner.postJson("/api/v1/federations/" + shared + "/participants", self).status())
        .isEqualTo(409);
    String nobody = "{\"tenantId\":\"" + TenantId.newId() + "\"}";
    assertThat(owner.postJson("/api/v1/federations/" + shared + "/participants", nobody).status())
        .isEqualTo(400);

    // Leaving ends the grant.
    assertThat(otherTenantNode.postJson("/api/v1/federations/" + shared + "/leave", "").status())
        .isEqualTo(204);
    assertThat(otherTenant.get("/api/v1/federations/" + shared).status()).isEqualTo(404);
    assertThat(otherTenant.get("/api/v1/federations").json().path("items").toString())
        .doesNotContain(shared);

    // An ended federation takes no one in.
    assertThat(owner.postJson("/api/v1/federations/" + shared + "/participants", again).status())
        .isEqualTo(201);
    assertThat(owner.postJson("/api/v1/federations/" + shared + "/cancel", "").status())
        .isEqualTo(200);
    assertThat(otherTenantNode.postJson("/api/v1/federations/" + shared + "/join", "").status())
        .isEqualTo(409);
  }

  @Test
  void nodesRegisterWithTheirOwnCredentialsAndReportWithHeartbeats() {
    String id = create("with-nodes");
    String invite = "{\"tenantId\":\"" + tenantB + "\"}";
    String node =
        "{\"name\":\"hospital-b-1\",\"examples\":1200,\"capabilities\":{\"gpu\":\"none\"}}";
    HttpTestClient participantScientist = withToken(tenantB, Role.DATA_SCIENTIST);

    // Only after joining may a participant register nodes.
    owner.postJson("/api/v1/federations/" + id + "/participants", invite);
    var early = participantScientist.postJson("/api/v1/federations/" + id + "/nodes", node);
    assertThat(early.status()).isEqualTo(409);
    otherTenantNode.postJson("/api/v1/federations/" + id + "/join", "");

    var registered = participantScientist.postJson("/api/v1/federations/" + id + "/nodes", node);
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    String nodeId = registered.json().path("node").path("id").asString();
    String clientId = registered.json().path("clientId").asString();
    String secret = registered.json().path("clientSecret").asString();
    assertThat(registered.json().path("node").path("tenantId").asString())
        .isEqualTo(tenantB.toString());
    assertThat(registered.json().path("node").path("available").asBoolean()).isFalse();

    // The node signs in as itself and reports.
    String nodeToken = TestTokens.token(port, new TestTokens.TestClient(clientId, secret, tenantB));
    HttpTestClient asNode = http.withToken(nodeToken);
    var beat =
        asNode.postJson(
            "/api/v1/federations/" + id + "/nodes/" + nodeId + "/heartbeat", "{\"examples\":1300}");
    assertThat(beat.status()).as(beat.body()).isEqualTo(200);
    assertThat(beat.json().path("nextHeartbeatSeconds").asInt()).isEqualTo(15);

    // The owner sees the node, available; another node cannot speak for it.
    var seen = owner.get("/api/v1/federations/" + id + "/nodes").json();
    assertThat(seen.size()).isEqualTo(1);
    assertThat(seen.get(0).path("available").asBoolean()).isTrue();
    assertThat(seen.get(0).path("examples").asLong()).isEqualTo(1300);
    String otherNode =
        owner
            .postJson(
                "/api/v1/federations/" + id + "/nodes", "{\"name\":\"owner-1\",\"examples\":10}")
            .json()
            .path("clientId")
            .asString();
    assertThat(otherNode).isNotBlank();
    assertThat(otherTenant.get("/api/v1/federations/" + id + "/nodes").json().size()).isEqualTo(1);
    assertThat(
            owner
                .postJson("/api/v1/federations/" + id + "/nodes/" + nodeId + "/heartbeat", "{}")
                .status())
        .isIn(403, 404);

    // Removing the node ends its credentials.
    assertThat(owner.method("DELETE", "/api/v1/federations/" + id + "/nodes/" + nodeId).status())
        .isEqualTo(404); // not the owner's node to remove
    assertThat(
            participantScientist
                .method("DELETE", "/api/v1/federations/" + id + "/nodes/" + nodeId)
                .status())
        .isEqualTo(204);
    assertThat(TestTokens.tokenResponse(port, clientId, secret).status()).isEqualTo(401);
  }

  private String create(String name) {
    var created = owner.postJson("/api/v1/federations", body(name, "fedavg", "{}", 5, 2));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().path("id").asString();
  }

  private void assertInvalid(String body, String reason) {
    var response = owner.postJson("/api/v1/federations", body);
    assertThat(response.status()).as(body).isEqualTo(400);
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + "invalid-federation");
    assertThat(response.json().path("detail").asString()).contains(reason);
  }

  private static String body(
      String name, String strategy, String parameters, int clientsPerRound, int minClients) {
    return """
        {"name":"%s","model":{"kind":"softmax","inputs":60,"classes":10},
         "strategy":{"name":"%s","parameters":%s},
         "rounds":200,"clientsPerRound":%d,"minClients":%d,"roundTimeoutSeconds":600}"""
        .formatted(name, strategy, parameters, clientsPerRound, minClients);
  }

  private HttpTestClient withToken(TenantId tenant, Role role) {
    return http.withToken(TestTokens.token(port, TestTokens.client(context, tenant, role)));
  }
}
