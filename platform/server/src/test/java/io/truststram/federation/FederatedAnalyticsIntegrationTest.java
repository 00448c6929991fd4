package io.truststram.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.truststram.explain.ClassifierModel;
import io.truststram.explain.Explanation;
import io.truststram.explain.fairness.FairnessSummary;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.explain.global.ImportanceSummary;
import io.truststram.explain.gradient.IntegratedGradients;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.SoftmaxRegression;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.sdk.FederatedAnalyst;
import io.truststram.sdk.FederatedAnalysts;
import io.truststram.sdk.FederationNode;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramApi;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Federated analytics end to end: three SDK nodes train a federation, then answer a fairness and an
 * importance analysis of the final model with summaries of their own rows; the coordinator's
 * results equal the reports computed on the pooled rows. Bad requests and bad summaries get their
 * problem types, and nothing of them is kept.
 */
class FederatedAnalyticsIntegrationTest extends ServerIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> ATTRIBUTES = List.of("side", "band");
  private static final Map<String, List<String>> VALUES =
      Map.of("side", List.of("neg", "pos"), "band", List.of("high", "low"));
  private static final int EXPLAINED = 12;

  @Test
  void nodesSummariseTheFinalModelAndTheResultsEqualThePooledOnes() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "fa", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    HttpTestClient owner = http.withToken(token);
    var federation =
        api.createFederation(
            LocalNodes.synthetic(
                "analytics",
                "fedavg",
                Map.of("epochs", "1", "batch-size", "10", "learning-rate", "0.05"),
                2,
                3,
                3,
                11));
    String base = "/api/v1/federations/" + federation.id() + "/analyses";

    // Bad requests: nothing is created.
    assertThat(
            owner
                .postJson(base, "{\"kind\":\"astrology\",\"spec\":{}}")
                .json()
                .path("type")
                .asString())
        .endsWith("federation-invalid-analysis");
    assertThat(
            owner
                .postJson(base, "{\"kind\":\"fairness\",\"spec\":{\"attributes\":[\"side\"]}}")
                .status())
        .isEqualTo(400);
    assertThat(
            owner
                .postJson(
                    base,
                    "{\"kind\":\"importance\",\"spec\":{\"features\":[\"a\",\"a\"],\"method\":\"x\"}}")
                .status())
        .isEqualTo(400);
    assertThat(owner.postJson(base, fairnessRequest(", \"modelVersion\": 0")).status())
        .isEqualTo(404);
    assertThat(owner.get(base).json().path("items")).isEmpty();

    Map<String, Object> fairnessSpec = fairnessSpec();
    List<String> features = IntStream.range(0, Synthetic.DIMENSION).mapToObj(i -> "x" + i).toList();
    Map<String, Object> importanceSpec =
        Map.of(
            "features", features, "method", "integrated-gradients", "outputs", Synthetic.CLASSES);
    TrustStramApi.Analysis fairness =
        api.requestAnalysis(federation.id(), "fairness", fairnessSpec, null);
    TrustStramApi.Analysis importance =
        api.requestAnalysis(federation.id(), "importance", importanceSpec, null);
    assertThat(fairness.state()).isEqualTo("waiting");

    List<Synthetic.Device> devices = Synthetic.generate(1, 1, 3, 5);
    Classifier classifier = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    List<TrustStramApi.NodeCredentials> registered = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Dataset data = devices.get(k).train();
      var credentials = api.registerNode(federation.id(), "node-" + k, data.rows());
      registered.add(credentials);
      nodes.add(
          node(server, federation.id(), credentials, k, classifier, devices.get(k), features)
              .build());
    }
    var summaries = LocalNodes.runToEnd(api, federation.id(), nodes);
    assertThat(summaries).allMatch(s -> s.federationState().equals("completed"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.analysis(federation.id(), fairness.id()).ended()
                    && api.analysis(federation.id(), importance.id()).ended());
    float[] model = api.model(federation.id(), "latest");

    // Fairness: the same report as on the pooled rows, number for number.
    TrustStramApi.Analysis fair = api.analysis(federation.id(), fairness.id());
    assertThat(fair.state()).as(String.valueOf(fair.failure())).isEqualTo("completed");
    assertThat(fair.modelVersion()).isEqualTo(2);
    assertThat(fair.contributors()).isEqualTo(3);
    assertPooled(java.util.Objects.requireNonNull(fair.result()), devices, classifier, model);

    // Importance: the pooled mean |attribution| per output and feature, up to summation order.
    TrustStramApi.Analysis imp = api.analysis(federation.id(), importance.id());
    assertThat(imp.state()).as(String.valueOf(imp.failure())).isEqualTo("completed");
    ImportanceSummary pooledSummary = null;
    for (Synthetic.Device device : devices) {
      ImportanceSummary one =
          ImportanceSummary.of(explain(classifier, model, device.train(), features));
      pooledSummary = pooledSummary == null ? one : pooledSummary.merge(one);
    }
    double[][] means = java.util.Objects.requireNonNull(pooledSummary).meanAbsolute();
    JsonNode served = java.util.Objects.requireNonNull(imp.result()).path("meanAbsolute");
    assertThat(imp.result().path("rows").asLong()).isEqualTo(3L * EXPLAINED);
    for (int k = 0; k < Synthetic.CLASSES; k++) {
      for (int j = 0; j < features.size(); j++) {
        assertThat(served.get(k).get(j).asDouble()).isCloseTo(means[k][j], within(1e-12));
      }
    }

    // After the end, an analysis opens at once; bad summaries are refused and leave no trace.
    var credentials = registered.getFirst();
    HttpTestClient node =
        http.withToken(
            TokenSource.clientCredentials(
                    server, credentials.clientId(), credentials.clientSecret())
                .token());
    JsonNode late = owner.postJson(base, fairnessRequest("")).json();
    assertThat(late.path("state").asString()).isEqualTo("open");
    String summaryPath =
        base + "/" + late.path("id").asString() + "/summaries/" + credentials.nodeId();
    int length = 5 * (FairnessSummary.keys(ATTRIBUTES, VALUES).size() + 1);
    double[] good = new double[length];
    good[4] = 1;
    good[3] = 1;
    double[] negative = good.clone();
    negative[0] = -1;
    assertThat(node.putJson(summaryPath, summary(new double[length - 1])).status()).isEqualTo(422);
    assertThat(node.putJson(summaryPath, summary(negative)).json().path("type").asString())
        .endsWith("federation-invalid-summary");
    assertThat(node.putJson(summaryPath, "{}").status()).isEqualTo(422);
    assertThat(owner.putJson(summaryPath, summary(good)).status()).isIn(403, 404);
    assertThat(
            owner.get(base + "/" + late.path("id").asString()).json().path("contributors").asInt())
        .isZero();
    assertThat(node.putJson(summaryPath, summary(good)).status()).isEqualTo(201);
    assertThat(node.putJson(summaryPath, summary(good)).status()).isEqualTo(200);
    assertThat(node.putJson(summaryPath, "{\"declined\":\"changed my mind\"}").status())
        .isEqualTo(409);
    assertThat(owner.get(base).json().path("items")).hasSize(3);
  }

  @Test
  void underSecureAggregationTheCoordinatorSeesOnlyTheSumOfTheCounts() throws Exception {
    String token = LocalNodes.newTenantToken(context, port, "fs", Role.DATA_SCIENTIST);
    URI server = URI.create("http://localhost:" + port);
    TrustStramApi api = TrustStramApi.connect(server, TokenSource.bearer(token));
    var federation =
        api.createFederation(
            LocalNodes.synthetic(
                "secure-analytics",
                "fedavg",
                Map.of("epochs", "1", "batch-size", "20"),
                1,
                5,
                3,
                7),
            "secagg+",
            Map.of(
                "shares",
                "5",
                "threshold",
                "3",
                "min-survivors",
                "3",
                "stage-timeout",
                "4",
                "range",
                "2",
                "levels",
                "65537",
                "max-weight",
                "1000"));
    // Sums of attributions are not whole numbers: SecAgg's integer grid would round them.
    var refused =
        http.withToken(token)
            .postJson(
                "/api/v1/federations/" + federation.id() + "/analyses",
                "{\"kind\":\"importance\",\"spec\":{\"features\":[\"a\"],\"method\":\"x\"}}");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().path("detail").asString()).contains("not whole numbers");
    TrustStramApi.Analysis fairness =
        api.requestAnalysis(federation.id(), "fairness", fairnessSpec(), null);

    List<Synthetic.Device> devices = Synthetic.generate(1, 1, 5, 9);
    Classifier classifier = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<FederationNode> nodes = new ArrayList<>();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int k = 0; k < 5; k++) {
      Dataset data = devices.get(k).train();
      var credentials = api.registerNode(federation.id(), "node-" + k, data.rows());
      nodes.add(
          node(server, federation.id(), credentials, k, classifier, devices.get(k), List.of())
              .events(event -> seen.add(event.detail()))
              .build());
    }
    LocalNodes.runToEnd(api, federation.id(), nodes);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> api.analysis(federation.id(), fairness.id()).ended());
    TrustStramApi.Analysis done = api.analysis(federation.id(), fairness.id());
    assertThat(done.state()).as(String.valueOf(done.failure())).isEqualTo("completed");
    assertThat(done.contributors()).isEqualTo(5);
    // The nodes sent their counts masked, not in the clear.
    assertThat(seen).anyMatch(line -> line.contains("analysis " + fairness.id() + ": summarised"));
    assertThat(
            context
                .getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                .sql("SELECT COUNT(*) FROM federation_analysis_summary WHERE analysis_id = ?")
                .param(java.util.UUID.fromString(fairness.id()))
                .query(Long.class)
                .single())
        .isZero();
    assertPooled(
        java.util.Objects.requireNonNull(done.result()),
        devices,
        classifier,
        api.model(federation.id(), "latest"));
  }

  /** The served fairness report is the one computed on all the nodes' rows, number for number. */
  private static void assertPooled(
      JsonNode result, List<Synthetic.Device> devices, Classifier classifier, float[] model) {
    Dataset pooled = pooled(devices);
    Map<String, Object> expected =
        GroupFairness.report(
                FairnessSummary.of(
                    FederatedAnalysts.labelled(pooled, 0),
                    FederatedAnalysts.decisions(classifier, model, pooled, 0),
                    attributes(pooled),
                    null),
                GroupFairness.Options.DEFAULT)
            .toMap();
    assertThat(result.path("rows").asLong()).isEqualTo(pooled.rows());
    assertThat(result.path("metrics")).isEqualTo(JSON.valueToTree(expected.get("metrics")));
    assertThat(result.path("groups")).isEqualTo(JSON.valueToTree(expected.get("groups")));
    assertThat(result.path("overall")).isEqualTo(JSON.valueToTree(expected.get("overall")));
  }

  /** Node {@code k}, training on its device's rows and answering analyses about them. */
  private static FederationNode.Builder node(
      URI server,
      String federation,
      TrustStramApi.NodeCredentials credentials,
      int k,
      Classifier classifier,
      Synthetic.Device device,
      List<String> features) {
    return FederationNode.builder(server, federation, credentials.nodeId())
        .tokens(
            TokenSource.clientCredentials(
                server, credentials.clientId(), credentials.clientSecret()))
        .client(new LocalClient("node-" + k, classifier, device.train(), device.test()))
        .analyst(analyst(classifier, device.train(), features))
        .pollWait(Duration.ofSeconds(5));
  }

  private static FederatedAnalyst analyst(
      Classifier classifier, Dataset data, List<String> features) {
    return FederatedAnalysts.byKind(
        Map.of(
            "fairness",
            FederatedAnalysts.fairness(
                FederatedAnalysts.labelled(data, 0),
                attributes(data),
                model -> FederatedAnalysts.decisions(classifier, model, data, 0)),
            "importance",
            FederatedAnalysts.importance(model -> explain(classifier, model, data, features))));
  }

  /** The first rows of a node's data explained by integrated gradients (rows do not interact). */
  private static Explanation explain(
      Classifier classifier, float[] model, Dataset data, List<String> features) {
    double[][] rows = new double[EXPLAINED][];
    for (int r = 0; r < EXPLAINED; r++) {
      rows[r] = toDoubles(data.row(r));
    }
    return IntegratedGradients.explain(
        new ClassifierModel(classifier, model, Map.of()),
        "test",
        features,
        rows,
        IntegratedGradients.Options.DEFAULT);
  }

  /** Two sensitive attributes derived from the first two features. */
  private static Map<String, String[]> attributes(Dataset data) {
    String[] side = new String[data.rows()];
    String[] band = new String[data.rows()];
    for (int r = 0; r < data.rows(); r++) {
      float[] row = data.row(r);
      side[r] = row[0] >= 0 ? "pos" : "neg";
      band[r] = row[1] >= 0 ? "high" : "low";
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    out.put("side", side);
    out.put("band", band);
    return out;
  }

  private static Dataset pooled(List<Synthetic.Device> devices) {
    int rows = devices.stream().mapToInt(d -> d.train().rows()).sum();
    float[] features = new float[rows * Synthetic.DIMENSION];
    int[] labels = new int[rows];
    int at = 0;
    for (Synthetic.Device device : devices) {
      Dataset data = device.train();
      System.arraycopy(
          data.features(), 0, features, at * Synthetic.DIMENSION, data.features().length);
      System.arraycopy(data.labels(), 0, labels, at, data.rows());
      at += data.rows();
    }
    Dataset first = devices.getFirst().train();
    return new Dataset(features, labels, first.featureNames(), first.classNames());
  }

  private static Map<String, Object> fairnessSpec() {
    return Map.of("attributes", ATTRIBUTES, "values", VALUES);
  }

  private static String fairnessRequest(String extra) {
    return "{\"kind\":\"fairness\",\"spec\":"
        + JSON.writeValueAsString(fairnessSpec())
        + extra
        + "}";
  }

  private static String summary(double[] values) {
    return JSON.writeValueAsString(Map.of("summary", values));
  }

  private static double[] toDoubles(float[] row) {
    double[] out = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = row[i];
    }
    return out;
  }
}
