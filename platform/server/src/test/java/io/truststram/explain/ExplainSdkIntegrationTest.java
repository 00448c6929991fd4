package io.truststram.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import io.truststram.sdk.ExplainApi;
import io.truststram.sdk.TokenSource;
import io.truststram.sdk.TrustStramException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Java SDK's explanation client against a running server: every flow a user takes. */
class ExplainSdkIntegrationTest extends ServerIntegrationTest {

  @Test
  void explainGateAndReportThroughTheSdk() throws Exception {
    var tenant =
        context.getBean(Tenants.class).create(new NewTenant("explain-sdk", "Explain SDK")).id();
    String token = TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST));
    ExplainApi api =
        ExplainApi.connect(URI.create("http://127.0.0.1:" + port), TokenSource.bearer(token));
    ExplainApi.Model model =
        api.uploadModel(
            "adult",
            Files.readAllBytes(
                ExplanationApiIntegrationTest.EXAMPLES.resolve("adult-xgboost.json")),
            "auto");
    assertThat(model.features()).hasSize(8);
    double[][] rows = csv("adult-background.csv");
    List<String> decisions = new ArrayList<>();
    double[][] many = new double[rows.length * 2][];
    for (int r = 0; r < many.length; r++) {
      many[r] = rows[r % rows.length];
      decisions.add("application-" + r);
    }
    // 200 rows: a job, which the client waits for.
    ExplainApi.Explanation explanation =
        api.explain(
            new ExplainApi.Request(model.id(), "tree-path-dependent", many, decisions, Map.of()),
            Duration.ofSeconds(60));
    assertThat(explanation.status()).isEqualTo("succeeded");
    assertThat(explanation.rows()).hasSize(200);
    ExplainApi.Row row = explanation.rows().get(42);
    double sum = explanation.expectedValue()[0];
    for (double v : row.attributions()[0]) {
      sum += v;
    }
    assertThat(sum).isCloseTo(row.output()[0], within(1e-5));
    var archived = api.decision("application-42");
    assertThat(archived.getValue().attributions()[0]).containsExactly(row.attributions()[0]);
    byte[] svg = api.plot(explanation.id(), "waterfall", "row=42", "svg");
    assertThat(new String(svg, java.nio.charset.StandardCharsets.UTF_8)).contains("<svg");
    assertThatThrownBy(() -> api.decision("nobody"))
        .isInstanceOf(TrustStramException.class)
        .hasMessageContaining("no explanation of decision 'nobody'");

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("labels", List.of(true, false, true, false, true, false));
    report.put("predictions", List.of(true, true, false, false, true, false));
    report.put("attributes", Map.of("sex", List.of("M", "M", "M", "F", "F", "F")));
    JsonNode fairness = api.fairnessReport(report);
    assertThat(fairness.path("metrics").path("demographic_parity_difference").asDouble())
        .isCloseTo(1.0 / 3, within(1e-12));
    api.putPolicy(
        "strict",
        Map.of("rules", List.of(Map.of("metric", "demographic_parity_difference", "max", 0.1))));
    assertThat(api.gate(report, "strict").path("passed").asBoolean()).isFalse();

    List<List<Double>> evaluation = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    List<String> sex = new ArrayList<>();
    for (double[] r : rows) {
      List<Double> values = new ArrayList<>();
      for (double v : r) {
        values.add(v);
      }
      evaluation.add(values);
      labels.add(r[6] == 1 && r[1] > 12);
      sex.add(r[5] == 1 ? "Male" : "Female");
    }
    ExplainApi.Report signed =
        api.complianceReport(
            Map.of(
                "model",
                model.id(),
                "title",
                "Adult model",
                "intendedUse",
                "Review support.",
                "evaluation",
                Map.of(
                    "rows",
                    evaluation,
                    "labels",
                    labels,
                    "attributes",
                    Map.of("sex", sex),
                    "bootstrap",
                    20)));
    assertThat(api.verify(signed)).isTrue();
    byte[] forged = signed.signature().clone();
    forged[10] ^= 1;
    assertThat(
            api.verify(
                new ExplainApi.Report(
                    signed.id(),
                    signed.manifest(),
                    signed.signedManifest(),
                    signed.algorithm(),
                    signed.keyVersion(),
                    forged)))
        .isFalse();
  }

  private static double[][] csv(String file) throws Exception {
    List<String> lines = Files.readAllLines(ExplanationApiIntegrationTest.EXAMPLES.resolve(file));
    double[][] out = new double[lines.size() - 1][];
    for (int r = 1; r < lines.size(); r++) {
      String[] f = lines.get(r).split(",");
      out[r - 1] = new double[f.length];
      for (int j = 0; j < f.length; j++) {
        out[r - 1][j] = Double.parseDouble(f[j]);
      }
    }
    return out;
  }
}
