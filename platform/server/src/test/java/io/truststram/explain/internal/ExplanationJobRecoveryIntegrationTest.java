package io.truststram.explain.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.common.tenant.TenantId;
import io.truststram.explain.ExplanationApiIntegrationTestAccess;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Explanation jobs a stopped server left running: on start, a job whose request was kept runs again
 * and gives the result the first run gave; one stopped three times, one whose model was deleted and
 * one kept without its request are failed with their reasons.
 */
class ExplanationJobRecoveryIntegrationTest extends ServerIntegrationTest {

  private static final String API = "/api/v1/explanations";

  @Test
  void jobsLeftRunningRunAgainOrFailWithTheirReason() throws Exception {
    TenantId tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("explain-recovery-" + System.nanoTime(), "Recovery"))
            .id();
    HttpTestClient scientist =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
    String model = ExplanationApiIntegrationTestAccess.upload(scientist);
    String doomedModel = ExplanationApiIntegrationTestAccess.upload(scientist);

    String resumed = job(scientist, model);
    JsonNode first = rows(scientist, resumed);
    String givenUp = job(scientist, model);
    String orphan = job(scientist, model);
    String modelless = job(scientist, doomedModel);

    // As a server stopped mid-job leaves them: running, part done, no rows, the request kept.
    for (String id : List.of(resumed, givenUp, orphan, modelless)) {
      interrupt(tenant, UUID.fromString(id), !id.equals(orphan), id.equals(givenUp) ? 3 : 1);
    }
    assertThat(scientist.method("DELETE", API + "/models/" + doomedModel).status()).isEqualTo(204);

    context.getBean(Explanations.class).resumeAbandonedJobs();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> status(scientist, resumed).equals("succeeded"));
    JsonNode again = rows(scientist, resumed);
    assertThat(again).hasSize(200);
    assertThat(again.get(7).path("attributions")).isEqualTo(first.get(7).path("attributions"));
    assertThat(again.get(199).path("attributions")).isEqualTo(first.get(199).path("attributions"));

    assertThat(status(scientist, givenUp)).isEqualTo("failed");
    assertThat(error(scientist, givenUp)).contains("given up");
    assertThat(status(scientist, orphan)).isEqualTo("failed");
    assertThat(error(scientist, orphan)).contains("submit it again");
    assertThat(status(scientist, modelless)).isEqualTo("failed");
    assertThat(error(scientist, modelless)).contains("was deleted");
    // Every kept request is gone once its job ended.
    assertThat(
            context
                .getBean(JdbcClient.class)
                .sql("SELECT COUNT(*) FROM explain_job WHERE tenant_id = ?")
                .param(tenant.value())
                .query(Long.class)
                .single())
        .isZero();
  }

  private void interrupt(TenantId tenant, UUID id, boolean keepRequest, int attempts)
      throws Exception {
    JdbcClient jdbc = context.getBean(JdbcClient.class);
    jdbc.sql(
            "UPDATE explain_explanation SET status = 'running', rows_done = 64, finished_at ="
                + " NULL, expected_value = NULL, provenance = NULL WHERE id = ?")
        .param(id)
        .update();
    jdbc.sql("DELETE FROM explain_row WHERE explanation_id = ?").param(id).update();
    if (keepRequest) {
      String model =
          jdbc.sql("SELECT model_id FROM explain_explanation WHERE id = ?")
              .param(id)
              .query(UUID.class)
              .single()
              .toString();
      jdbc.sql(
              "INSERT INTO explain_job (tenant_id, id, request, attempts, created_at) VALUES"
                  + " (?, ?, ?, ?, ?)")
          .params(tenant.value(), id, body(model), attempts, Timestamp.from(Instant.now()))
          .update();
    }
  }

  /** A request too large to answer at once: 200 rows, so a job. */
  private static String body(String model) throws Exception {
    return "{\"model\":\""
        + model
        + "\",\"method\":\"tree-interventional\",\"rows\":"
        + ExplanationApiIntegrationTestAccess.rows("adult-background.csv", 2)
        + ",\"background\":"
        + ExplanationApiIntegrationTestAccess.rows("adult-rows.csv", 1)
        + "}";
  }

  private static String job(HttpTestClient client, String model) throws Exception {
    var accepted = client.postJson(API, body(model));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String id = accepted.json().path("explanation").path("id").asString();
    await().atMost(Duration.ofSeconds(60)).until(() -> status(client, id).equals("succeeded"));
    return id;
  }

  private static String status(HttpTestClient client, String id) {
    return client.get(API + "/" + id).json().path("status").asString();
  }

  private static String error(HttpTestClient client, String id) {
    return client.get(API + "/" + id).json().path("error").asString();
  }

  private static JsonNode rows(HttpTestClient client, String id) {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          client
              .get(API + "/" + id + "/rows?limit=100" + (cursor == null ? "" : "&cursor=" + cursor))
              .json();
      page.path("items").forEach(all::add);
      cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
    } while (cursor != null);
    return tools.jackson.databind.json.JsonMapper.builder().build().valueToTree(all);
  }
}
