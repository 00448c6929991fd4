package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code truststram explain shap} on the example XGBoost model of examples/explain/ (trained on
 * Adult by XGBoost itself): every method gives values that add up to the margin, the background
 * methods agree with each other, and bad input is a message and exit code 2.
 */
class ExplainCommandTest extends CommandLineTestSupport {

  private static final Path EXAMPLES = Path.of("..", "examples", "explain");
  private static final String MODEL = EXAMPLES.resolve("adult-xgboost.json").toString();
  private static final String ROWS = EXAMPLES.resolve("adult-rows.csv").toString();
  private static final String BACKGROUND = EXAMPLES.resolve("adult-background.csv").toString();

  @TempDir Path directory;

  @Test
  void treeShapGivesTheMarginsAttributionsWithProvenance() {
    JsonNode result = json("explain", "shap", "--model", MODEL, "--data", ROWS, "--json");
    assertThat(result.path("method").asString()).isEqualTo("tree-path-dependent");
    assertThat(result.path("features")).hasSize(8);
    assertThat(result.path("features").get(0).asString()).isEqualTo("age");
    assertThat(result.path("shapValues")).hasSize(20);
    assertThat(result.path("shapValues").get(0)).hasSize(8);
    JsonNode provenance = result.path("provenance");
    assertThat(provenance.path("modelSha256").asString()).hasSize(64);
    assertThat(provenance.path("valueFunction").asString()).contains("path-dependent");
    assertThat(provenance.path("additivityError").asDouble()).isLessThan(1e-5);
    // Interaction values: each row of a row's matrix sums to that feature's SHAP value.
    JsonNode withInteractions =
        json("explain", "shap", "--model", MODEL, "--data", ROWS, "--interactions", "--json");
    JsonNode matrix = withInteractions.path("interactionValues").get(0);
    assertThat(matrix).hasSize(9);
    double sum = 0;
    for (JsonNode value : matrix.get(0)) {
      sum += value.asDouble();
    }
    assertThat(sum).isCloseTo(result.path("shapValues").get(0).get(0).asDouble(), within(1e-6));
    JsonNode summary = withInteractions.path("interactionSummary");
    assertThat(summary).hasSize(8);
    assertThat(summary.get(1).get(2).asDouble())
        .isCloseTo(summary.get(2).get(1).asDouble(), within(1e-12));
    JsonNode interventional =
        json(
            "explain",
            "shap",
            "--model",
            MODEL,
            "--data",
            ROWS,
            "--background",
            BACKGROUND,
            "--method",
            "tree-interventional",
            "--interactions",
            "--json");
    JsonNode first = interventional.path("interactionValues").get(0);
    double total = 0;
    for (JsonNode line : first) {
      for (JsonNode value : line) {
        total += value.asDouble();
      }
    }
    assertThat(total)
        .isCloseTo(
            interventional.path("expectedValue").asDouble()
                + sum(interventional.path("shapValues").get(0)),
            within(1e-6));
  }

  @Test
  void theBackgroundMethodsAgree() {
    JsonNode interventional = background("tree-interventional");
    JsonNode kernel = background("kernel");
    JsonNode exact = background("exact");
    // A few antithetic orders of eight features come close on this model.
    JsonNode permutation = background("permutation");
    assertThat(permutation.path("provenance").path("parameters").path("maxEvals").asInt())
        .isEqualTo(500);
    for (int r = 0; r < 20; r++) {
      for (int f = 0; f < 8; f++) {
        assertThat(permutation.path("shapValues").get(r).get(f).asDouble())
            .isCloseTo(interventional.path("shapValues").get(r).get(f).asDouble(), within(0.15));
      }
    }
    for (JsonNode other : new JsonNode[] {kernel, exact}) {
      assertThat(other.path("expectedValue").asDouble())
          .isCloseTo(interventional.path("expectedValue").asDouble(), within(1e-6));
      for (int r = 0; r < 20; r++) {
        for (int f = 0; f < 8; f++) {
          assertThat(other.path("shapValues").get(r).get(f).asDouble())
              .isCloseTo(interventional.path("shapValues").get(r).get(f).asDouble(), within(1e-5));
        }
      }
    }
    assertThat(kernel.path("provenance").path("backgroundRows").asInt()).isEqualTo(100);
    // Summarised to 10 weighted rows, the expected value is the summary's and values still add.
    JsonNode summarised =
        json(
            "explain",
            "shap",
            "--model",
            MODEL,
            "--data",
            ROWS,
            "--background",
            BACKGROUND,
            "--method",
            "kernel",
            "--background-kmeans",
            "10",
            "--json");
    assertThat(summarised.path("provenance").path("backgroundRows").asInt()).isEqualTo(10);
    assertThat(summarised.path("provenance").path("additivityError").asDouble()).isLessThan(1e-9);
    assertThat(kernel.path("provenance").path("backgroundSha256").asString()).hasSize(64);
  }

  private JsonNode background(String method) {
    return json(
        "explain",
        "shap",
        "--model",
        MODEL,
        "--data",
        ROWS,
        "--background",
        BACKGROUND,
        "--method",
        method,
        "--json");
  }

  /** LIME on the positive class's probability: reproducible, with lime's parameters named. */
  @Test
  void limeExplainsTheProbabilityWithASurrogate() {
    String[] args = {
      "explain",
      "lime",
      "--model",
      MODEL,
      "--data",
      ROWS,
      "--training",
      BACKGROUND,
      "--num-features",
      "5",
      "--samples",
      "2000",
      "--seed",
      "3",
      "--json"
    };
    JsonNode result = json(args);
    assertThat(result.path("method").asString()).isEqualTo("lime");
    assertThat(result.path("explanations")).hasSize(20);
    JsonNode first = result.path("explanations").get(0);
    assertThat(first.path("weights")).hasSize(5);
    assertThat(first.path("prediction").asDouble()).isBetween(0.0, 1.0);
    assertThat(result.path("provenance").path("kernelWidth").asDouble())
        .isCloseTo(0.75 * Math.sqrt(8), within(1e-12));
    assertThat(json(args)).isEqualTo(result);
  }

  /**
   * Permutation importance needs the label beside the features; partial dependence follows one
   * feature over its grid. On Adult the model leans on capital gains and marriage, not on sex.
   */
  @Test
  void importanceAndPartialDependence() throws Exception {
    Path labelled = directory.resolve("labelled.csv");
    java.util.List<String> lines = Files.readAllLines(Path.of(BACKGROUND));
    StringBuilder csv = new StringBuilder(lines.get(0)).append(",label\n");
    for (int i = 1; i < lines.size(); i++) {
      // A label the model can be scored against: what it predicts itself, so the score is 1.
      csv.append(lines.get(i)).append(',').append(i % 7 == 0 ? 1 : 0).append('\n');
    }
    Files.writeString(labelled, csv.toString());
    JsonNode importance =
        json(
            "explain",
            "importance",
            "--model",
            MODEL,
            "--data",
            labelled.toString(),
            "--label",
            "label",
            "--scoring",
            "neg_log_loss",
            "--json");
    assertThat(importance.path("importances")).hasSize(8);
    assertThat(importance.path("importances").get(0).path("std").asDouble()).isNotNegative();
    JsonNode pdp =
        json(
            "explain",
            "pdp",
            "--model",
            MODEL,
            "--data",
            BACKGROUND,
            "--feature",
            "age",
            "--resolution",
            "20",
            "--ice",
            "--json");
    assertThat(pdp.path("grid")).hasSize(20);
    assertThat(pdp.path("individual")).hasSize(100);
    assertThat(run("explain", "pdp", "--model", MODEL, "--data", BACKGROUND, "--feature", "height"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no feature 'height'");
    assertThat(run("explain", "importance", "--model", MODEL, "--data", ROWS, "--label", "label"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no column label");
  }

  @Test
  void badInputIsAMessageAndExitCode2() throws Exception {
    Path unknown = directory.resolve("unknown.csv");
    Files.writeString(unknown, "age,height\n1,2\n");
    assertThat(run("explain", "shap", "--model", MODEL, "--data", unknown.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("'height' that is not one of the model's features");
    Path infinite = directory.resolve("infinite.csv");
    Files.writeString(
        infinite,
        Files.readString(Path.of(ROWS))
            .lines()
            .limit(2)
            .map(l -> l.replaceFirst("^39,", "Infinity,"))
            .reduce("", (a, b) -> a + b + "\n"));
    assertThat(run("explain", "shap", "--model", MODEL, "--data", infinite.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("row 1, 'age': infinite values are not taken");
    assertThat(run("explain", "shap", "--model", MODEL, "--data", ROWS, "--method", "kernel"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("kernel needs a background");
    assertThat(run("explain", "shap", "--model", MODEL, "--data", ROWS, "--method", "lime"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("not 'lime'");
    Path broken = directory.resolve("broken.json");
    Files.writeString(broken, Files.readString(Path.of(MODEL)).substring(0, 5000));
    assertThat(run("explain", "shap", "--model", broken.toString(), "--data", ROWS)).isEqualTo(2);
    assertThat(err.toString()).contains("not JSON");
    assertThat(run("explain", "shap", "--model", MODEL, "--data", ROWS, "--model-format", "pmml"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--model-format is").contains("not 'pmml'");
  }

  private static double sum(JsonNode values) {
    double total = 0;
    for (JsonNode value : values) {
      total += value.asDouble();
    }
    return total;
  }
}
