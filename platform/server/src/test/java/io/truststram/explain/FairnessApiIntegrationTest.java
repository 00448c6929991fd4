package io.truststram.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.truststram.platform.testing.HttpTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The fairness API: a report with Fairlearn's numbers on a table worked by hand, gates on stored
 * and inline policies, the threshold optimiser, a chart, and bad input.
 */
class FairnessApiIntegrationTest extends ExplainIntegrationTest {

  private static final String API = "/api/v1/fairness";

  // sex M: labels 1,0,1,0 predictions 1,1,0,0 -> selection 0.5, TPR 0.5, FPR 0.5
  // sex F: labels 1,0,1,0,1 predictions 1,0,0,0,1 -> selection 0.4, TPR 2/3, FPR 0
  private static final String ROWS =
      "\"labels\":[true,false,true,false,true,false,true,false,true],"
          + "\"predictions\":[true,true,false,false,true,false,false,false,true],"
          + "\"attributes\":{\"sex\":[\"M\",\"M\",\"M\",\"M\",\"F\",\"F\",\"F\",\"F\",\"F\"]}";

  private HttpTestClient scientist;

  @BeforeEach
  void tenant() {
    scientist = scientist(newTenant());
  }

  @Test
  void aReportHasFairlearnsNumbers() {
    var response = scientist.postJson(API + "/reports", "{" + ROWS + "}");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode report = response.json();
    assertThat(report.path("groups").path("sex=M").path("selection_rate").asDouble())
        .isEqualTo(0.5);
    assertThat(report.path("metrics").path("demographic_parity_difference").asDouble())
        .isCloseTo(0.1, within(1e-12));
    assertThat(report.path("metrics").path("equalized_odds_difference").asDouble())
        .isCloseTo(0.5, within(1e-12));
    assertThat(report.path("method").asString()).isEqualTo("between_groups");
    var chart =
        scientist.post(
            API + "/reports/plot?rate=true_positive_rate", "application/json", "{" + ROWS + "}");
    assertThat(chart.status()).as(chart.body()).isEqualTo(200);
    assertThat(chart.body()).contains("<svg");
  }

  @Test
  void gatesJudgeStoredAndInlinePolicies() {
    var stored =
        scientist.putJson(
            API + "/policies/lending",
            "{\"rules\":[{\"metric\":\"equalized_odds_difference\",\"max\":0.2}],"
                + "\"minimumGroupSize\":2}");
    assertThat(stored.status()).as(stored.body()).isEqualTo(200);
    assertThat(scientist.get(API + "/policies").json().get(0).asString()).isEqualTo("lending");
    JsonNode verdict =
        scientist
            .postJson(API + "/gate", "{\"report\":{" + ROWS + "},\"policy\":\"lending\"}")
            .json();
    assertThat(verdict.path("passed").asBoolean()).isFalse();
    assertThat(verdict.path("rules").get(0).path("reason").asString())
        .contains("equalized_odds_difference 0.500 exceeds the maximum 0.200");
    JsonNode inline =
        scientist
            .postJson(
                API + "/gate",
                "{\"report\":{"
                    + ROWS
                    + "},\"rules\":{\"name\":\"loose\",\"rules\":"
                    + "[{\"metric\":\"demographic_parity_difference\",\"max\":0.2}]}}")
            .json();
    assertThat(inline.path("passed").asBoolean()).isTrue();
    var bad =
        scientist.putJson(API + "/policies/broken", "{\"rules\":[{\"metric\":\"x\",\"most\":1}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(scientist.method("DELETE", API + "/policies/lending").status()).isEqualTo(204);
    var gone =
        scientist.postJson(API + "/gate", "{\"report\":{" + ROWS + "},\"policy\":\"lending\"}");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().path("type").asString())
        .isEqualTo("https://truststram.io/problems/explain-policy-not-found");
  }

  @Test
  void theThresholdOptimiserAndBadInput() {
    var fitted =
        scientist.postJson(
            API + "/thresholds",
            "{\"rows\":{\"labels\":[true,false,true,false,true,false,true,false],"
                + "\"scores\":[0.9,0.8,0.3,0.1,0.7,0.2,0.6,0.4],"
                + "\"attributes\":{\"g\":[\"a\",\"a\",\"a\",\"a\",\"b\",\"b\",\"b\",\"b\"]}}}");
    assertThat(fitted.status()).as(fitted.body()).isEqualTo(200);
    assertThat(fitted.json().path("groups").path("g=a").isObject()).isTrue();
    var lengths =
        scientist.postJson(
            API + "/reports",
            "{\"labels\":[true,false],\"predictions\":[true],\"attributes\":{\"g\":[\"a\",\"b\"]}}");
    assertThat(lengths.status()).isEqualTo(400);
    assertThat(lengths.json().path("type").asString())
        .isEqualTo("https://truststram.io/problems/explain-invalid-fairness-request");
    var single =
        scientist.postJson(
            API + "/reports",
            "{\"labels\":[true,false],\"predictions\":[true,false],\"attributes\":{\"g\":[\"a\",\"a\"]}}");
    assertThat(single.status()).isEqualTo(400);
    assertThat(single.json().path("detail").asString()).contains("single group");
  }
}
