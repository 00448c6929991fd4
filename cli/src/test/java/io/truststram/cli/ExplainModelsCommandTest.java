package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code truststram explain ig|counterfactual|attention}, and our own model files beside XGBoost's:
 * integrated gradients add up, counterfactuals flip the outcome within their constraints, attention
 * rollout matches a hand-worked value, and models that cannot do a method say so.
 */
class ExplainModelsCommandTest extends CommandLineTestSupport {

  private static final Path EXAMPLES = Path.of("..", "examples", "explain");
  private static final String XGBOOST = EXAMPLES.resolve("adult-xgboost.json").toString();
  private static final String ROWS = EXAMPLES.resolve("adult-rows.csv").toString();
  private static final String BACKGROUND = EXAMPLES.resolve("adult-background.csv").toString();
  private static final List<String> FEATURES =
      List.of(
          "age",
          "education_num",
          "capital_gain",
          "capital_loss",
          "hours_per_week",
          "sex_male",
          "married",
          "fnlwgt");

  @TempDir Path directory;

  /** {@code explain counterfactual} of the XGBoost example with {@code more} options. */
  private static String[] counterfactual(String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "explain",
                "counterfactual",
                "--model",
                XGBOOST,
                "--data",
                ROWS,
                "--training",
                BACKGROUND));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** A logistic model of the example rows' eight features, as fl simulate writes one. */
  private String logistic() throws Exception {
    float[] w = {0.03f, 0.3f, 0.0003f, 0.0005f, 0.03f, 0.3f, 1.5f, 0f, -8f};
    Path file = directory.resolve("logistic.safetensors");
    try (OutputStream out = Files.newOutputStream(file)) {
      SafeTensors.write(
          out,
          List.of(Tensor.ofFloats("parameters", new long[] {w.length}, w)),
          Map.of(
              "format",
              "truststram",
              "model",
              "logistic(8)",
              "features",
              JSON.writeValueAsString(FEATURES)));
    }
    return file.toString();
  }

  @Test
  void integratedGradientsAddUpToTheChangeFromTheBaseline() throws Exception {
    String model = logistic();
    JsonNode result =
        json("explain", "ig", "--model", model, "--data", ROWS, "--link", "logit", "--json");
    assertThat(result.path("method").asString()).isEqualTo("integrated-gradients");
    assertThat(result.path("attributions")).hasSize(20);
    assertThat(result.path("provenance").path("steps").asInt()).isEqualTo(50);
    // In log-odds a logistic model is linear: IG from zeros is w_j x_j exactly.
    JsonNode first = result.path("attributions").get(0);
    assertThat(first.get(0).asDouble()).isCloseTo(0.03 * 39, within(1e-4));
    assertThat(first.get(6).asDouble()).isCloseTo(0, within(1e-9));
    for (JsonNode delta : result.path("deltas")) {
      assertThat(Math.abs(delta.asDouble())).isLessThan(1e-6);
    }
    // In probability space the path integral is no longer exact, but 50 points come close.
    JsonNode probability = json("explain", "ig", "--model", model, "--data", ROWS, "--json");
    for (JsonNode delta : probability.path("deltas")) {
      assertThat(Math.abs(delta.asDouble())).isLessThan(1e-3);
    }
  }

  @Test
  void ourModelsTakeTheModelAgnosticMethods() throws Exception {
    String model = logistic();
    JsonNode kernel =
        json(
            "explain",
            "shap",
            "--model",
            model,
            "--model-format",
            "truststram",
            "--data",
            ROWS,
            "--background",
            BACKGROUND,
            "--method",
            "kernel",
            "--json");
    assertThat(kernel.path("shapValues")).hasSize(2); // one set per class
    assertThat(kernel.path("provenance").path("additivityError").asDouble()).isLessThan(1e-6);
    JsonNode lime =
        json(
            "explain",
            "lime",
            "--model",
            model,
            "--model-format",
            "truststram",
            "--data",
            ROWS,
            "--training",
            BACKGROUND,
            "--json");
    assertThat(lime.path("explanations")).hasSize(20);
  }

  @Test
  void onnxModelsAreExplainedAsBlackBoxes() throws Exception {
    String ours = logistic();
    Path onnx = directory.resolve("logistic.onnx");
    Files.write(
        onnx,
        io.truststram.explain.onnx.OnnxExport.classifier(
            io.truststram.explain.ClassifierModel.read(Path.of(ours))));
    JsonNode expected =
        json(
            "explain",
            "shap",
            "--model",
            ours,
            "--data",
            ROWS,
            "--background",
            BACKGROUND,
            "--method",
            "exact",
            "--link",
            "logit",
            "--json");
    JsonNode actual =
        json(
            "explain",
            "shap",
            "--model",
            onnx.toString(),
            "--data",
            ROWS,
            "--background",
            BACKGROUND,
            "--method",
            "exact",
            "--link",
            "logit",
            "--json");
    assertThat(actual.path("features").get(0).asString()).isEqualTo("f0");
    for (int r = 0; r < 20; r++) {
      for (int f = 0; f < 8; f++) {
        assertThat(actual.path("shapValues").get(1).get(r).get(f).asDouble())
            .isCloseTo(expected.path("shapValues").get(1).get(r).get(f).asDouble(), within(1e-3));
      }
    }
    // Attention from a one-layer graph: A = softmax(x xᵀ) of two tokens.
    Path attention = directory.resolve("attention.onnx");
    Files.write(
        attention,
        new io.truststram.explain.onnx.OnnxWriter("attention")
            .input("x", 2L, 2L)
            .output("attention_0", 2L, 2L)
            .node("Transpose", List.of("x"), List.of("xt"), "perm", new long[] {1, 0})
            .node("MatMul", List.of("x", "xt"), List.of("s"))
            .node("Softmax", List.of("s"), List.of("attention_0"), "axis", 1)
            .toBytes());
    Path inputs = directory.resolve("inputs.json");
    Files.writeString(inputs, "{\"x\": [[1, 0], [0, 0]]}");
    JsonNode map =
        json(
            "explain",
            "attention",
            "--model",
            attention.toString(),
            "--inputs",
            inputs.toString(),
            "--tokens",
            "a,b",
            "--json");
    // Row 0: softmax(1, 0) = (e/(e+1), 1/(e+1)); with the residual, 0.5·that + 0.5·(1, 0).
    double p = Math.E / (Math.E + 1);
    assertThat(map.path("map").get(0).get(0).asDouble()).isCloseTo(0.5 * p + 0.5, within(1e-6));
    assertThat(map.path("tokens").get(1).asString()).isEqualTo("b");
    Path garbage = directory.resolve("garbage.onnx");
    Files.write(garbage, new byte[] {8, 1, 18, 4, 'a', 'b'});
    assertThat(run("explain", "shap", "--model", garbage.toString(), "--data", ROWS)).isEqualTo(2);
    assertThat(err.toString()).contains("ONNX Runtime cannot load the model");
  }

  @Test
  void counterfactualsFlipTheOutcomeWithinTheirConstraints() throws Exception {
    JsonNode result =
        json(
            counterfactual(
                "--immutable",
                "age,sex_male,fnlwgt",
                "--integer",
                "education_num",
                "--count",
                "2",
                "--json"));
    JsonNode explanations = result.path("explanations");
    assertThat(explanations).hasSize(20);
    int found = 0;
    for (JsonNode one : explanations) {
      double before = one.path("prediction").get(0).asDouble();
      for (JsonNode cf : one.path("counterfactuals")) {
        found++;
        double after = cf.path("outputs").get(0).asDouble();
        assertThat(after >= 0.5).as("flipped").isNotEqualTo(before >= 0.5);
        for (JsonNode change : cf.path("changes")) {
          assertThat(change.path("feature").asString()).isNotIn("age", "sex_male", "fnlwgt");
        }
        double education = cf.path("values").path("education_num").asDouble();
        assertThat(education).isEqualTo(Math.rint(education));
      }
    }
    assertThat(found).isGreaterThan(20);
    // The gradient search on our own model.
    JsonNode gradient =
        json(
            "explain",
            "counterfactual",
            "--model",
            logistic(),
            "--model-format",
            "truststram",
            "--data",
            ROWS,
            "--training",
            BACKGROUND,
            "--method",
            "gradient",
            "--immutable",
            "age,sex_male",
            "--count",
            "1",
            "--json");
    for (JsonNode one : gradient.path("explanations")) {
      JsonNode before = one.path("prediction");
      for (JsonNode cf : one.path("counterfactuals")) {
        JsonNode after = cf.path("outputs");
        assertThat(after.get(1).asDouble() > 0.5).isNotEqualTo(before.get(1).asDouble() > 0.5);
      }
    }
  }

  @Test
  void attentionRolloutOfAFile() throws Exception {
    Path file = directory.resolve("attention.json");
    Files.writeString(
        file,
        "{\"tokens\": [\"[CLS]\", \"good\"], \"attentions\": [[[[0.5, 0.5], [0.5, 0.5]]],"
            + " [[[0.5, 0.5], [0.5, 0.5]]]]}");
    JsonNode result = json("explain", "attention", "--attentions", file.toString(), "--json");
    assertThat(result.path("map").get(0).get(0).asDouble()).isCloseTo(0.625, within(1e-12));
    JsonNode flow =
        json("explain", "attention", "--attentions", file.toString(), "--method", "flow", "--json");
    assertThat(flow.path("map").get(0).get(0).asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(run("explain", "attention", "--attentions", file.toString())).isZero();
    assertThat(out.toString()).contains("[CLS]").contains("0.6250");
  }

  @Test
  void whatAModelCannotDoIsAMessageAndExitCode2() throws Exception {
    assertThat(
            run(
                "explain",
                "ig",
                "--model",
                XGBOOST,
                "--model-format",
                "xgboost-json",
                "--data",
                ROWS))
        .isEqualTo(2);
    assertThat(err.toString()).contains("needs a differentiable model");
    String model = logistic();
    assertThat(
            run(
                "explain",
                "shap",
                "--model",
                model,
                "--model-format",
                "truststram",
                "--data",
                ROWS))
        .isEqualTo(2);
    assertThat(err.toString()).contains("explains tree ensembles");
    Path missing = directory.resolve("missing.csv");
    Files.writeString(missing, String.join(",", FEATURES) + "\n39,13,,0,40,1,0,77516\n");
    assertThat(run("explain", "ig", "--model", model, "--data", missing.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("'capital_gain' is missing");
    Path notModel = directory.resolve("not.safetensors");
    Files.writeString(notModel, "hello");
    assertThat(
            run(
                "explain",
                "ig",
                "--model",
                notModel.toString(),
                "--model-format",
                "truststram",
                "--data",
                ROWS))
        .isEqualTo(2);
    assertThat(err.toString()).contains("not a safetensors file");
    Path attention = directory.resolve("bad.json");
    Files.writeString(attention, "{\"attentions\": [[[[0.5, 0.2], [0.5, 0.5]]]]}");
    assertThat(run("explain", "attention", "--attentions", attention.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("sums to 0.7000");
    assertThat(run(counterfactual("--immutable", "height"))).isEqualTo(2);
    assertThat(err.toString()).contains("no feature 'height'");
  }
}
