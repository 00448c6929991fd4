package io.truststram.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.truststram.common.tenant.TenantId;
import io.truststram.platform.testing.HttpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The explanation API over HTTP on the example XGBoost model: upload, explain (at once and as a
 * job), the cache, the archive by decision id, paging, plots, retention, tenancy, and bad input as
 * problem documents.
 */
class ExplanationApiIntegrationTest extends ExplainIntegrationTest {

  static final Path EXAMPLES = Path.of("..", "..", "examples", "explain");
  static final String API = "/api/v1/explanations";
  static final String TYPES = "https://truststram.io/problems/";

  private HttpTestClient scientist;
  private TenantId tenant;

  @BeforeEach
  void tenant() {
    tenant = newTenant();
    scientist = scientist(tenant);
  }

  /** Uploads the example XGBoost model; returns its id. */
  static String upload(HttpTestClient client) throws Exception {
    var response =
        client.sendBytes(
            "POST",
            API + "/models?name=adult",
            "application/octet-stream",
            Files.readAllBytes(EXAMPLES.resolve("adult-xgboost.json")));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    JsonNode model = response.json();
    assertThat(model.path("format").asString()).isEqualTo("xgboost-json");
    assertThat(model.path("features")).hasSize(8);
    return model.path("id").asString();
  }

  /** The rows of an example CSV file as a JSON array of arrays. */
  static String rows(String file, int copies) throws Exception {
    List<String> lines = Files.readAllLines(EXAMPLES.resolve(file), StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (int c = 0; c < copies; c++) {
      for (String line : lines.subList(1, lines.size())) {
        out.add("[" + line + "]");
      }
    }
    return "[" + String.join(",", out) + "]";
  }

  private static String decisions(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("\"loan-" + i + "\"");
    }
    return "[" + String.join(",", ids) + "]";
  }

  @Test
  void treeShapIsServedCachedAndArchivedByDecision() throws Exception {
    String model = upload(scientist);
    String body =
        "{\"model\":\""
            + model
            + "\",\"method\":\"tree-path-dependent\",\"rows\":"
            + rows("adult-rows.csv", 1)
            + ",\"decisionIds\":"
            + decisions(20)
            + "}";
    var first = scientist.postJson(API, body);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header("Location")).isPresent();
    JsonNode explanation = first.json().path("explanation");
    assertThat(explanation.path("status").asString()).isEqualTo("succeeded");
    assertThat(explanation.path("cached").asBoolean()).isFalse();
    assertThat(explanation.path("provenance").path("modelSha256").asString()).hasSize(64);
    double expected = explanation.path("expectedValue").get(0).asDouble();
    JsonNode items = first.json().path("items");
    assertThat(items).hasSize(20);
    for (JsonNode row : items) {
      double sum = expected;
      for (JsonNode v : row.path("attributions").get(0)) {
        sum += v.asDouble();
      }
      assertThat(sum).isCloseTo(row.path("output").get(0).asDouble(), within(1e-5));
    }
    var again = scientist.postJson(API, body);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().path("explanation").path("cached").asBoolean()).isTrue();
    assertThat(again.json().path("items").get(3).path("attributions"))
        .isEqualTo(items.get(3).path("attributions"));
    var decision = scientist.get(API + "/decisions/loan-3");
    assertThat(decision.status()).as(decision.body()).isEqualTo(200);
    assertThat(decision.json().path("row").path("index").asInt()).isEqualTo(3);
    assertThat(decision.json().path("row").path("attributions"))
        .isEqualTo(items.get(3).path("attributions"));
    assertThat(decision.json().path("explanation").path("id").asString())
        .isEqualTo(again.json().path("explanation").path("id").asString());
    // Another tenant sees none of it.
    TenantId other = newTenant();
    HttpTestClient stranger = scientist(other);
    assertThat(stranger.get(API + "/decisions/loan-3").status()).isEqualTo(404);
    String id = explanation.path("id").asString();
    var hidden = stranger.get(API + "/" + id);
    assertThat(hidden.status()).isEqualTo(404);
    assertThat(hidden.json().path("type").asString())
        .isEqualTo(TYPES + "explain-explanation-not-found");
  }

  @Test
  void largeRequestsBecomeJobsWhoseRowsArePaged() throws Exception {
    String model = upload(scientist);
    String body =
        "{\"model\":\""
            + model
            + "\",\"method\":\"tree-interventional\",\"rows\":"
            + rows("adult-background.csv", 2)
            + ",\"background\":"
            + rows("adult-rows.csv", 1)
            + "}";
    var accepted = scientist.postJson(API, body);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String location = accepted.header("Location").orElseThrow();
    String id = accepted.json().path("explanation").path("id").asString();
    assertThat(location).endsWith(id);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                scientist.get(API + "/" + id).json().path("status").asString().equals("succeeded"));
    JsonNode done = scientist.get(API + "/" + id).json();
    assertThat(done.path("rows").asInt()).isEqualTo(200);
    assertThat(done.path("rowsDone").asInt()).isEqualTo(200);
    List<Integer> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          scientist
              .get(API + "/" + id + "/rows?limit=64" + (cursor == null ? "" : "&cursor=" + cursor))
              .json();
      page.path("items").forEach(r -> seen.add(r.path("index").asInt()));
      cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
    } while (cursor != null);
    assertThat(seen).hasSize(200).isSorted().doesNotHaveDuplicates();
    var beeswarm = scientist.get(API + "/" + id + "/plots/beeswarm");
    assertThat(beeswarm.status()).as(beeswarm.body()).isEqualTo(200);
    assertThat(beeswarm.contentType()).startsWith("image/svg+xml");
    assertThat(beeswarm.body()).contains("<svg");
    byte[] png = scientist.getBytes(API + "/" + id + "/plots/waterfall?row=5&format=png");
    assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    for (String kind : List.of("force?row=1", "bar", "dependence?feature=age")) {
      var chart = scientist.get(API + "/" + id + "/plots/" + kind);
      assertThat(chart.status()).as(kind + ": " + chart.body()).isEqualTo(200);
    }
    var unknown = scientist.get(API + "/" + id + "/plots/pie");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
  }

  @Test
  void limeAndKernelShapAreServedWithTheirDetails() throws Exception {
    String model = upload(scientist);
    String rows = rows("adult-rows.csv", 1);
    var lime =
        scientist.postJson(
            API,
            "{\"model\":\""
                + model
                + "\",\"method\":\"lime\",\"rows\":"
                + rows
                + ",\"background\":"
                + rows("adult-background.csv", 1)
                + ",\"samples\":500}");
    assertThat(lime.status()).as(lime.body()).isEqualTo(201);
    JsonNode detail = lime.json().path("items").get(0).path("detail");
    assertThat(detail.path("weights")).isNotEmpty();
    assertThat(detail.path("score").isNumber()).isTrue();
    String id = lime.json().path("explanation").path("id").asString();
    assertThat(scientist.get(API + "/" + id + "/plots/lime?row=2").status()).isEqualTo(200);
    var kernel =
        scientist.postJson(
            API,
            "{\"model\":\""
                + model
                + "\",\"method\":\"kernel\",\"rows\":"
                + rows
                + ",\"background\":"
                + rows("adult-rows.csv", 1)
                + ",\"link\":\"identity\"}");
    assertThat(kernel.status()).as(kernel.body()).isEqualTo(201);
    assertThat(
            kernel.json().path("explanation").path("provenance").path("additivityError").asDouble())
        .isLessThan(1e-6);
  }

  @Test
  void counterfactualsAndAttentionAreServed() throws Exception {
    String model = upload(scientist);
    var response =
        scientist.postJson(
            API,
            "{\"model\":\""
                + model
                + "\",\"method\":\"counterfactual\",\"rows\":"
                + "[[39,13,2174,0,40,1,0,77516],[50,13,0,0,13,1,1,83311]],\"background\":"
                + rows("adult-background.csv", 1)
                + ",\"seed\":3,\"counterfactual\":"
                + "{\"immutable\":[\"age\",\"sex_male\",\"fnlwgt\"],"
                + "\"integer\":[\"education_num\"],\"count\":2}}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    int found = 0;
    for (JsonNode row : response.json().path("items")) {
      double before = row.path("output").get(0).asDouble();
      for (JsonNode cf : row.path("detail").path("counterfactuals")) {
        found++;
        assertThat(cf.path("outputs").get(0).asDouble() >= 0.5).isNotEqualTo(before >= 0.5);
        for (JsonNode change : cf.path("changes")) {
          assertThat(change.path("feature").asString()).isNotIn("age", "sex_male", "fnlwgt");
        }
      }
    }
    assertThat(found).isPositive();
    String id = response.json().path("explanation").path("id").asString();
    var table = scientist.get(API + "/" + id + "/plots/counterfactual?row=0");
    assertThat(table.status()).as(table.body()).isEqualTo(200);
    assertThat(table.body()).contains("<svg").contains("counterfactual 1");
    assertThat(scientist.get(API + "/" + id + "/plots/waterfall?row=0").status()).isEqualTo(400);
    String uniform = "[[[0.5,0.5],[0.5,0.5]]]";
    var rollout =
        scientist.postJson(
            API + "/attention",
            "{\"attentions\":[" + uniform + "," + uniform + "],\"tokens\":[\"[CLS]\",\"good\"]}");
    assertThat(rollout.status()).as(rollout.body()).isEqualTo(200);
    assertThat(rollout.json().path("map").get(0).get(0).asDouble()).isCloseTo(0.625, within(1e-12));
    var flow =
        scientist.postJson(
            API + "/attention",
            "{\"attentions\":[" + uniform + "," + uniform + "],\"method\":\"flow\"}");
    assertThat(flow.json().path("map").get(0).get(0).asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    // An ONNX transformer run by the service: A = softmax(x xᵀ) of two tokens.
    byte[] transformer =
        new io.truststram.explain.onnx.OnnxWriter("attention")
            .input("x", 2L, 2L)
            .output("attention_0", 2L, 2L)
            .node("Transpose", List.of("x"), List.of("xt"), "perm", new long[] {1, 0})
            .node("MatMul", List.of("x", "xt"), List.of("s"))
            .node("Softmax", List.of("s"), List.of("attention_0"), "axis", 1)
            .toBytes();
    var uploaded =
        scientist.sendBytes(
            "POST",
            API + "/models?name=t&format=onnx-transformer",
            "application/octet-stream",
            transformer);
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
    var run =
        scientist.postJson(
            API + "/attention",
            "{\"model\":\""
                + uploaded.json().path("id").asString()
                + "\",\"inputs\":{\"x\":[[1,0],[0,0]]},\"tokens\":[\"a\",\"b\"]}");
    assertThat(run.status()).as(run.body()).isEqualTo(200);
    double p = Math.E / (Math.E + 1);
    assertThat(run.json().path("map").get(0).get(0).asDouble())
        .isCloseTo(0.5 * p + 0.5, within(1e-6));
    var ragged =
        scientist.postJson(
            API + "/attention",
            "{\"model\":\""
                + uploaded.json().path("id").asString()
                + "\",\"inputs\":{\"x\":[[1,0],[0]]}}");
    assertThat(ragged.status()).isEqualTo(400);
    var notForShap =
        scientist.postJson(
            API,
            "{\"model\":\""
                + uploaded.json().path("id").asString()
                + "\",\"method\":\"exact\",\"rows\":[[1]],\"background\":[[1]]}");
    assertThat(notForShap.status()).isEqualTo(400);
    var bad = scientist.postJson(API + "/attention", "{\"attentions\":[[[[0.5,0.2],[0.5,0.5]]]]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("detail").asString()).contains("sums to 0.7000");
  }

  @Test
  void ourOwnAndOnnxModelsAreServed() throws Exception {
    String rows = rows("adult-encoded-rows.csv", 1);
    String background = rows("adult-encoded-background.csv", 1);
    // Our MLP: integrated gradients, which need its input gradients.
    var ours =
        scientist.sendBytes(
            "POST",
            API + "/models?name=mlp",
            "application/vnd.safetensors",
            Files.readAllBytes(EXAMPLES.resolve("adult-mlp.safetensors")));
    assertThat(ours.status()).as(ours.body()).isEqualTo(201);
    assertThat(ours.json().path("format").asString()).isEqualTo("truststram");
    assertThat(ours.json().path("features").get(0).asString()).isEqualTo("age");
    var ig =
        scientist.postJson(
            API,
            "{\"model\":\""
                + ours.json().path("id").asString()
                + "\",\"method\":\"integrated-gradients\",\"link\":\"logit\",\"rows\":"
                + rows
                + "}");
    assertThat(ig.status()).as(ig.body()).isEqualTo(201);
    for (JsonNode row : ig.json().path("items")) {
      for (JsonNode delta : row.path("detail").path("completenessDelta")) {
        assertThat(Math.abs(delta.asDouble())).isLessThan(0.05);
      }
    }
    // The same model as ONNX, a black box to ONNX Runtime: permutation SHAP, additive.
    var onnx =
        scientist.sendBytes(
            "POST",
            API + "/models?name=mlp-onnx",
            "application/octet-stream",
            Files.readAllBytes(EXAMPLES.resolve("adult-mlp.onnx")));
    assertThat(onnx.status()).as(onnx.body()).isEqualTo(201);
    assertThat(onnx.json().path("format").asString()).isEqualTo("onnx");
    assertThat(onnx.json().path("outputs").asInt()).isEqualTo(2);
    var permutation =
        scientist.postJson(
            API,
            "{\"model\":\""
                + onnx.json().path("id").asString()
                + "\",\"method\":\"permutation\",\"maxEvals\":300,\"rows\":"
                + rows("adult-encoded-rows.csv", 1).replaceFirst("\\],\\[.*", "]]")
                + ",\"background\":"
                + background
                + "}");
    assertThat(permutation.status()).as(permutation.body()).isEqualTo(201);
    assertThat(
            permutation
                .json()
                .path("explanation")
                .path("provenance")
                .path("additivityError")
                .asDouble())
        .isLessThan(1e-6);
  }

  @Test
  void globalExplanationsAndAGateOnTheModelItself() throws Exception {
    String model = upload(scientist);
    List<String> lines = Files.readAllLines(EXAMPLES.resolve("adult-background.csv"));
    List<String> targets = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> sex = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      boolean positive = f[6].equals("1") && Double.parseDouble(f[1]) > 12;
      targets.add(positive ? "1" : "0");
      labels.add(Boolean.toString(positive));
      sex.add(f[5].equals("1") ? "\"Male\"" : "\"Female\"");
    }
    String rows = rows("adult-background.csv", 1);
    var importance =
        scientist.postJson(
            API + "/global",
            "{\"model\":\""
                + model
                + "\",\"method\":\"permutation-importance\",\"rows\":"
                + rows
                + ",\"targets\":["
                + String.join(",", targets)
                + "],\"repeats\":3}");
    assertThat(importance.status()).as(importance.body()).isEqualTo(200);
    assertThat(importance.json().path("importances")).hasSize(8);
    var dependence =
        scientist.postJson(
            API + "/global",
            "{\"model\":\""
                + model
                + "\",\"method\":\"partial-dependence\",\"rows\":"
                + rows
                + ",\"feature\":\"age\",\"resolution\":20,\"ice\":true}");
    assertThat(dependence.status()).as(dependence.body()).isEqualTo(200);
    assertThat(dependence.json().path("grid")).hasSize(20);
    assertThat(dependence.json().path("individual")).hasSize(100);
    var gate =
        scientist.postJson(
            "/api/v1/fairness/gate",
            "{\"evaluation\":{\"model\":\""
                + model
                + "\",\"rows\":"
                + rows
                + ",\"labels\":["
                + String.join(",", labels)
                + "],\"attributes\":{\"sex\":["
                + String.join(",", sex)
                + "]}}}");
    assertThat(gate.status()).as(gate.body()).isEqualTo(200);
    assertThat(gate.json().path("policy").asString()).isEqualTo("four-fifths");
    assertThat(gate.json().path("passed").isBoolean()).isTrue();
    assertThat(gate.json().path("report").path("groups").path("sex=Female").isObject()).isTrue();
    var both =
        scientist.postJson(
            "/api/v1/fairness/gate",
            "{\"evaluation\":{\"model\":\""
                + model
                + "\",\"rows\":[[1]],\"labels\":[true],"
                + "\"attributes\":{\"g\":[\"a\"]}},\"report\":{\"labels\":[true],"
                + "\"predictions\":[true],\"attributes\":{\"g\":[\"a\"]}}}");
    assertThat(both.status()).isEqualTo(400);
  }

  @Test
  void badInputIsAProblemDocument() throws Exception {
    String model = upload(scientist);
    var garbage =
        scientist.sendBytes(
            "POST",
            API + "/models?name=x",
            "application/octet-stream",
            "{\"learner\": 1}".getBytes());
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.json().path("type").asString()).isEqualTo(TYPES + "explain-invalid-model");
    var wrongWidth =
        scientist.postJson(
            API,
            "{\"model\":\""
                + model
                + "\",\"method\":\"exact\",\"rows\":[[1,2,3]],\"background\":[[1,2,3]]}");
    assertThat(wrongWidth.status()).isEqualTo(400);
    assertThat(wrongWidth.json().path("type").asString())
        .isEqualTo(TYPES + "explain-invalid-request");
    assertThat(wrongWidth.json().path("detail").asString()).contains("3 values; the model takes 8");
    var noBackground =
        scientist.postJson(
            API,
            "{\"model\":\""
                + model
                + "\",\"method\":\"kernel\",\"rows\":"
                + rows("adult-rows.csv", 1)
                + "}");
    assertThat(noBackground.status()).isEqualTo(400);
    assertThat(noBackground.json().path("detail").asString()).contains("needs a background");
    var method =
        scientist.postJson(
            API, "{\"model\":\"" + model + "\",\"method\":\"magic\",\"rows\":[[1]]}");
    assertThat(method.status()).isEqualTo(400);
    assertThat(method.json().path("detail").asString()).contains("not 'magic'");
    var ig =
        scientist.postJson(
            API,
            "{\"model\":\""
                + model
                + "\",\"method\":\"integrated-gradients\",\"rows\":"
                + rows("adult-rows.csv", 1)
                + "}");
    assertThat(ig.status()).isEqualTo(400);
    assertThat(ig.json().path("detail").asString()).contains("needs a differentiable model");
    var noModel =
        scientist.postJson(
            API,
            "{\"model\":\""
                + java.util.UUID.randomUUID()
                + "\",\"method\":\"exact\",\"rows\":[[1]]}");
    assertThat(noModel.status()).isEqualTo(404);
    assertThat(noModel.json().path("type").asString()).isEqualTo(TYPES + "explain-model-not-found");
    assertThat(scientist.get(API + "/decisions/never").status()).isEqualTo(404);
    var unknownField =
        scientist.postJson(
            API, "{\"model\":\"" + model + "\",\"method\":\"exact\",\"rows\":[[1]],\"colour\":1}");
    assertThat(unknownField.status()).isEqualTo(400);
  }

  @Test
  void retentionIsAtLeastSixMonths() {
    assertThat(scientist.get(API + "/retention").json().path("days").asInt()).isEqualTo(183);
    var tooShort = scientist.putJson(API + "/retention", "{\"days\":30}");
    assertThat(tooShort.status()).isEqualTo(400);
    assertThat(tooShort.json().path("type").asString())
        .isEqualTo(TYPES + "explain-retention-too-short");
    var longer = scientist.putJson(API + "/retention", "{\"days\":400}");
    assertThat(longer.status()).as(longer.body()).isEqualTo(200);
    assertThat(scientist.get(API + "/retention").json().path("days").asInt()).isEqualTo(400);
  }
}
