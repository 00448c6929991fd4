package io.truststram.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.truststram.common.tenant.TenantId;
import io.truststram.federation.UpdatesScored;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The trust API end to end: a graph written over REST, scores, explanations, communities, history
 * and policies; bad input refused whole; federation rounds turned into evidence.
 */
class TrustApiIntegrationTest extends ServerIntegrationTest {

  private static final String API = "/api/v1/trust";
  private static final AtomicInteger NAMES = new AtomicInteger();

  private TenantId tenant;
  private HttpTestClient scientist;

  @BeforeEach
  void tenant() {
    tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("trust-" + NAMES.incrementAndGet(), "Trust"))
            .id();
    scientist =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
  }

  /** A data scientist of a tenant of its own. */
  private HttpTestClient scientistOfNewTenant(String prefix) {
    TenantId other =
        context
            .getBean(Tenants.class)
            .create(new NewTenant(prefix + NAMES.incrementAndGet(), "Other"))
            .id();
    return http.withToken(
        TestTokens.token(port, TestTokens.client(context, other, Role.DATA_SCIENTIST)));
  }

  private void graph() {
    var entities =
        scientist.postJson(
            API + "/entities",
            """
            {"entities": [
              {"id": "acme", "type": "organisation", "pretrusted": true},
              {"id": "node-1", "type": "client-node", "attributes": {"region": "eu"}},
              {"id": "node-2", "type": "client-node"},
              {"id": "agent-x", "type": "agent", "name": "Scheduling agent"},
              {"id": "model-7", "type": "model"}
            ]}""");
    assertThat(entities.status()).as(entities.body()).isEqualTo(200);
    assertThat(entities.json().path("written").asInt()).isEqualTo(5);
    var relationships =
        scientist.postJson(
            API + "/relationships",
            """
            {"relationships": [
              {"source": "acme", "target": "node-1", "type": "TRUSTS", "weight": 3},
              {"source": "acme", "target": "node-2", "type": "TRUSTS", "weight": 1},
              {"source": "node-1", "target": "agent-x", "type": "TRUSTS"},
              {"source": "node-1", "target": "node-2", "type": "COLLABORATED_WITH", "weight": 4},
              {"source": "node-1", "target": "acme", "type": "MEMBER_OF"},
              {"source": "acme", "target": "model-7", "type": "PRODUCED"}
            ]}""");
    assertThat(relationships.status()).as(relationships.body()).isEqualTo(200);
    var evidence =
        scientist.postJson(
            API + "/evidence",
            """
            {"evidence": [
              {"subject": "agent-x", "source": "node-2", "kind": "agent.call", "outcome": "negative", "weight": 2},
              {"subject": "node-2", "kind": "audit.verification", "outcome": "negative"},
              {"subject": "node-1", "kind": "attestation", "outcome": "positive", "details": {"by": "kms"}}
            ]}""");
    assertThat(evidence.status()).as(evidence.body()).isEqualTo(200);
    assertThat(evidence.json().path("recorded").asInt()).isEqualTo(3);
  }

  @Test
  void scoresCommunitiesExplanationsAndHistoryOverRest() {
    graph();
    assertThat(scientist.get(API + "/entities/node-1/score").status()).isEqualTo(409);
    var computed = scientist.postJson(API + "/computations", "{}");
    assertThat(computed.status()).as(computed.body()).isEqualTo(200);
    assertThat(computed.json().path("entities").asInt()).isEqualTo(5);
    assertThat(computed.json().path("iterations").asInt()).isPositive();

    JsonNode node1 = scientist.get(API + "/entities/node-1/score").json();
    JsonNode node2 = scientist.get(API + "/entities/node-2/score").json();
    assertThat(node1.path("eigentrust").asDouble())
        .isGreaterThan(node2.path("eigentrust").asDouble());
    assertThat(node1.path("reputation").asDouble()).isCloseTo(2.0 / 3, within(1e-3));
    assertThat(node2.path("reputation").asDouble()).isCloseTo(1.0 / 3, within(1e-3));

    JsonNode top = scientist.get(API + "/scores?kind=eigentrust&type=client-node&top=1").json();
    assertThat(top.size()).isEqualTo(1);
    assertThat(top.get(0).path("entity").asString()).isEqualTo("node-1");
    assertThat(scientist.get(API + "/scores?kind=reputation&top=5").json().size()).isEqualTo(5);

    JsonNode why = scientist.get(API + "/entities/agent-x/explanation").json();
    assertThat(why.path("eigentrust").path("contributions").get(0).path("source").asString())
        .isEqualTo("node-1");
    assertThat(why.path("eigentrust").path("paths").get(0).path("entities").toString())
        .contains("acme", "node-1", "agent-x");
    assertThat(why.path("reputation").path("recentEvidence").get(0).path("kind").asString())
        .isEqualTo("agent.call");

    JsonNode communities = scientist.get(API + "/communities").json();
    assertThat(communities.size()).isPositive();
    JsonNode of = scientist.get(API + "/entities/node-1/communities").json();
    assertThat(of.get(0).path("level").asInt()).isZero();
    int community = of.get(0).path("community").asInt();
    assertThat(scientist.get(API + "/communities/0/" + community + "/members").json().toString())
        .contains("node-1");

    assertThat(scientist.get(API + "/entities/node-1/relationships?direction=out").json().size())
        .isEqualTo(3);
    assertThat(
            scientist
                .get(API + "/entities/agent-x/evidence")
                .json()
                .get(0)
                .path("weight")
                .asDouble())
        .isEqualTo(2);
    assertThat(scientist.get(API + "/entities?type=client-node").json().path("items").size())
        .isEqualTo(2);
    // Replacing an entity keeps its creation time.
    String created = scientist.get(API + "/entities/agent-x").json().path("createdAt").asString();
    JsonNode replaced =
        scientist
            .putJson(
                API + "/entities/agent-x",
                "{\"type\":\"agent\",\"name\":\"Triage agent v2\",\"attributes\":{\"v\":\"2\"}}")
            .json();
    assertThat(replaced.path("name").asString()).isEqualTo("Triage agent v2");
    assertThat(replaced.path("attributes").path("v").asString()).isEqualTo("2");
    assertThat(replaced.path("createdAt").asString()).isEqualTo(created);

    // More evidence, a warm recomputation, a history of two.
    scientist.postJson(
        API + "/evidence",
        "{\"evidence\":[{\"subject\":\"node-2\",\"kind\":\"audit.verification\","
            + "\"outcome\":\"negative\"}]}");
    assertThat(scientist.get(API + "/computations/latest").json().path("stale").asBoolean())
        .isTrue();
    JsonNode second = scientist.postJson(API + "/computations", "{\"alpha\": 0.2}").json();
    assertThat(second.path("warmStart").asBoolean()).isTrue();
    assertThat(second.path("sequence").asInt()).isEqualTo(2);
    JsonNode history = scientist.get(API + "/entities/node-2/history").json();
    assertThat(history.size()).isEqualTo(2);
    assertThat(history.get(0).path("reputation").asDouble())
        .isLessThan(history.get(1).path("reputation").asDouble());

    // Another tenant sees none of it.
    HttpTestClient stranger = scientistOfNewTenant("trust-other-");
    assertThat(stranger.get(API + "/entities/node-1").status()).isEqualTo(404);
    assertThat(stranger.get(API + "/entities").json().path("items").size()).isZero();
  }

  @Test
  void policiesJudgeEntities() {
    graph();
    scientist.postJson(API + "/computations", "{}");
    var put =
        scientist.putJson(
            API + "/policies/agents-may-call-models",
            "{\"kind\":\"reputation\",\"minimum\":0.4,\"entityTypes\":[\"agent\"]}");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    JsonNode verdict =
        scientist
            .postJson(API + "/policies/agents-may-call-models/check", "{\"entity\":\"agent-x\"}")
            .json();
    assertThat(verdict.path("passed").asBoolean()).isFalse();
    assertThat(verdict.path("value").asDouble()).isCloseTo(0.25, within(1e-3));
    assertThat(
            scientist
                .postJson(API + "/policies/agents-may-call-models/check", "{\"entity\":\"node-1\"}")
                .json()
                .path("passed")
                .asBoolean())
        .isTrue();
    assertThat(scientist.get(API + "/policies").json().size()).isEqualTo(1);
    assertThat(scientist.method("DELETE", API + "/policies/agents-may-call-models").status())
        .isEqualTo(204);
    assertThat(scientist.get(API + "/policies/agents-may-call-models").status()).isEqualTo(404);
  }

  @Test
  void badInputGetsAProblemAndWritesNothing() {
    graph();
    String[][] cases = {
      {
        "/entities",
        "{\"entities\":[{\"id\":\"ok\",\"type\":\"client-node\"},{\"id\":\"x\",\"type\":\"robot\"}]}",
        "400",
        "trust-invalid-input"
      },
      {
        "/relationships",
        "{\"relationships\":[{\"source\":\"acme\",\"target\":\"acme\",\"type\":\"TRUSTS\"}]}",
        "400",
        "trust-invalid-input"
      },
      {
        "/relationships",
        "{\"relationships\":[{\"source\":\"acme\",\"target\":\"node-2\",\"type\":\"TRUSTS\",\"weight\":-1}]}",
        "400",
        "trust-invalid-input"
      },
      {
        "/relationships",
        "{\"relationships\":[{\"source\":\"acme\",\"target\":\"node-2\",\"type\":\"TRUSTS\",\"weight\":1e400}]}",
        "400",
        "trust-invalid-input"
      },
      {
        "/relationships",
        "{\"relationships\":[{\"source\":\"acme\",\"target\":\"node-2\",\"type\":\"FOLLOWS\"}]}",
        "400",
        "trust-invalid-input"
      },
      {
        "/relationships",
        "{\"relationships\":[{\"source\":\"node-2\",\"target\":\"agent-x\",\"type\":\"TRUSTS\",\"weight\":5},{\"source\":\"acme\",\"target\":\"nobody\",\"type\":\"TRUSTS\"}]}",
        "422",
        "trust-unknown-entity"
      },
      {
        "/evidence",
        "{\"evidence\":[{\"subject\":\"node-1\",\"outcome\":\"positive\",\"observedAt\":\""
            + Instant.now().plus(Duration.ofDays(1))
            + "\"}]}",
        "400",
        "trust-invalid-input"
      },
      {
        "/evidence",
        "{\"evidence\":[{\"subject\":\"node-1\",\"outcome\":\"positive\",\"weight\":\"NaN\"}]}",
        "400",
        null
      },
      {"/evidence", "{\"evidence\":[]}", "400", "trust-invalid-input"},
    };
    for (String[] c : cases) {
      var response = scientist.postJson(API + c[0], c[1]);
      assertThat(response.status())
          .as(c[1] + " -> " + response.body())
          .isEqualTo(Integer.parseInt(c[2]));
      assertThat(response.contentType()).as(c[1]).startsWith("application/problem+json");
      if (c[3] != null) {
        assertThat(response.json().path("type").asString()).as(c[1]).isEqualTo(TYPES + c[3]);
      }
    }
    StringBuilder tooMany = new StringBuilder("{\"entities\":[");
    for (int i = 0; i <= 10_000; i++) {
      tooMany
          .append(i == 0 ? "" : ",")
          .append("{\"id\":\"e")
          .append(i)
          .append("\",\"type\":\"user\"}");
    }
    // Over the body limit of the test profile (64KB) before it is over max-batch (10,000; see
    // TrustServiceTest for that check): refused whole either way.
    var oversize = scientist.postJson(API + "/entities", tooMany.append("]}").toString());
    assertThat(oversize.status()).as(oversize.body()).isEqualTo(413);
    // Nothing of the refused batches was written.
    assertThat(scientist.get(API + "/entities/ok").status()).isEqualTo(404);
    assertThat(scientist.get(API + "/entities/e1").status()).isEqualTo(404);
    assertThat(
            scientist
                .get(API + "/entities/node-2/relationships?direction=out&type=TRUSTS")
                .json()
                .size())
        .isZero();
    assertThat(scientist.get(API + "/entities/node-1/evidence").json().size()).isEqualTo(1);
    assertThat(scientist.get(API + "/entities?type=robot").status()).isEqualTo(400);
    assertThat(scientist.get(API + "/scores?kind=karma").status()).isEqualTo(400);

    // A cycle with no pre-trusted entity cannot be scored with alpha 0.
    HttpTestClient other = scientistOfNewTenant("trust-cycle-");
    other.postJson(
        API + "/entities",
        "{\"entities\":[{\"id\":\"a\",\"type\":\"user\"},{\"id\":\"b\",\"type\":\"user\"}]}");
    other.postJson(
        API + "/relationships",
        "{\"relationships\":[{\"source\":\"a\",\"target\":\"b\",\"type\":\"TRUSTS\"},"
            + "{\"source\":\"b\",\"target\":\"a\",\"type\":\"TRUSTS\"}]}");
    var cycle = other.postJson(API + "/computations", "{\"alpha\":0}");
    assertThat(cycle.status()).as(cycle.body()).isEqualTo(422);
    assertThat(cycle.json().path("type").asString()).isEqualTo(TYPES + "trust-not-computable");
    assertThat(other.get(API + "/computations").json().size()).isZero();

    // Reading needs trust:read; a participant has none.
    HttpTestClient participant =
        http.withToken(
            TestTokens.token(
                port, TestTokens.client(context, tenant, Role.FEDERATION_PARTICIPANT)));
    assertThat(participant.get(API + "/entities").status()).isEqualTo(403);
  }

  @Test
  void scoredFederationRoundsBecomeEvidenceAndScores() {
    UUID honest = UUID.randomUUID();
    UUID attacker = UUID.randomUUID();
    UpdatesScored event =
        new UpdatesScored(
            UUID.randomUUID(),
            tenant,
            1,
            List.of(
                new UpdatesScored.Score(honest, tenant, 0.1, 0.9, 1, 0, List.of()),
                new UpdatesScored.Score(attacker, tenant, 9, -0.8, 40, 0, List.of("cosine"))),
            List.of(attacker),
            Instant.now());
    new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
        .executeWithoutResult(s -> context.publishEvent(event));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(scientist.get(API + "/entities/" + attacker + "/evidence").json().size())
                    .isEqualTo(2));
    assertThat(scientist.get(API + "/entities/" + attacker).json().path("type").asString())
        .isEqualTo("client-node");
    assertThat(
            scientist
                .get(API + "/entities/" + honest + "/relationships?type=COLLABORATED_WITH")
                .json()
                .size())
        .isEqualTo(1);
    // The scores follow within the recompute delay.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(scientist.get(API + "/entities/" + attacker + "/score").status())
                    .isEqualTo(200));
    assertThat(
            scientist
                .get(API + "/entities/" + attacker + "/score")
                .json()
                .path("reputation")
                .asDouble())
        .isCloseTo(0.25, within(1e-3));
    assertThat(
            scientist
                .get(API + "/entities/" + honest + "/score")
                .json()
                .path("reputation")
                .asDouble())
        .isCloseTo(2.0 / 3, within(1e-3));
  }
}
