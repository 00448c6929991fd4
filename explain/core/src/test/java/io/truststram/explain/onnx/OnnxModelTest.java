package io.truststram.explain.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.ClassifierModel;
import io.truststram.explain.Explanation;
import io.truststram.explain.Link;
import io.truststram.explain.ShapExplainer;
import io.truststram.explain.shap.KernelShap;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.LogisticRegression;
import io.truststram.ml.model.Mlp;
import io.truststram.ml.model.SoftmaxRegression;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ONNX models in ONNX Runtime: our classifiers exported to ONNX predict what our code predicts, so
 * explanations of the black box agree with explanations of the original; a transformer-like graph
 * gives its attention back; files that are not models are refused with a message.
 */
class OnnxModelTest {

  private static ClassifierModel randomised(Classifier classifier, long seed) {
    float[] w = classifier.initialParameters(seed);
    Random random = new Random(seed);
    for (int i = 0; i < w.length; i++) {
      w[i] += (float) (0.5 * random.nextGaussian());
    }
    return new ClassifierModel(classifier, w, Map.of());
  }

  private static double[][] rows(int n, int m, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[n][m];
    for (double[] row : out) {
      for (int j = 0; j < m; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return out;
  }

  @Test
  void exportedClassifiersPredictAsOurCodeDoes() {
    for (Classifier classifier :
        List.of(
            new LogisticRegression(6),
            new SoftmaxRegression(6, 3),
            new Mlp(6, new int[] {9, 5}, 4))) {
      ClassifierModel ours = randomised(classifier, 3);
      try (OnnxModel onnx = OnnxModel.tabular(OnnxExport.classifier(ours), null)) {
        assertThat(onnx.features()).isEqualTo(6);
        assertThat(onnx.outputs()).isEqualTo(classifier.classes());
        assertThat(onnx.outputName()).isEqualTo("probabilities");
        double[][] rows = rows(2_500, 6, 4); // more than one batch
        double[][] expected = ours.predict(rows);
        double[][] actual = onnx.predict(rows);
        for (int r = 0; r < rows.length; r++) {
          assertThat(actual[r])
              .as(classifier.describe())
              .containsExactly(expected[r], within(2e-6));
        }
      }
    }
  }

  @Test
  void explainingTheBlackBoxAgreesWithExplainingTheOriginal() {
    ClassifierModel ours = randomised(new Mlp(5, new int[] {8}, 2), 9);
    double[][] background = rows(30, 5, 1);
    double[][] rows = rows(4, 5, 2);
    ShapExplainer.Request request =
        new ShapExplainer.Request(
            ShapExplainer.Method.EXACT,
            rows,
            background,
            Link.LOGIT,
            KernelShap.Options.DEFAULT,
            500,
            null);
    Explanation expected = ShapExplainer.explain(ours, "m", request);
    try (OnnxModel onnx = OnnxModel.tabular(OnnxExport.classifier(ours), null)) {
      Explanation actual = ShapExplainer.explain(onnx, "m", request);
      for (int r = 0; r < rows.length; r++) {
        assertThat(actual.values()[1][r]).containsExactly(expected.values()[1][r], within(1e-4));
      }
      assertThat(actual.additivityError()).isLessThan(1e-9);
    }
  }

  @Test
  void aTransformerLikeGraphGivesItsAttentionBack() {
    // Two layers of single-head self-attention over n = 3 tokens of d = 4: A = softmax(x Wq (x
    // Wk)ᵀ), x' = x + A x; the outputs attention_0 and attention_1 are the A's.
    int n = 3;
    int d = 4;
    Random random = new Random(5);
    float[][] wq = new float[2][d * d];
    float[][] wk = new float[2][d * d];
    OnnxWriter graph = new OnnxWriter("attention").input("x", (long) n, (long) d);
    String x = "x";
    for (int l = 0; l < 2; l++) {
      for (int i = 0; i < d * d; i++) {
        wq[l][i] = (float) random.nextGaussian();
        wk[l][i] = (float) random.nextGaussian();
      }
      graph.initializer("wq" + l, new long[] {d, d}, wq[l]);
      graph.initializer("wk" + l, new long[] {d, d}, wk[l]);
      graph.node("MatMul", List.of(x, "wq" + l), List.of("q" + l));
      graph.node("MatMul", List.of(x, "wk" + l), List.of("k" + l));
      graph.node("Transpose", List.of("k" + l), List.of("kt" + l), "perm", new long[] {1, 0});
      graph.node("MatMul", List.of("q" + l, "kt" + l), List.of("s" + l));
      graph.node("Softmax", List.of("s" + l), List.of("attention_" + l), "axis", 1);
      graph.node("MatMul", List.of("attention_" + l, x), List.of("ax" + l));
      graph.node("Add", List.of(x, "ax" + l), List.of("h" + l));
      x = "h" + l;
    }
    graph.output("attention_0", (long) n, (long) n).output("attention_1", (long) n, (long) n);
    graph.output(x, (long) n, (long) d);
    double[] input = new double[n * d];
    for (int i = 0; i < input.length; i++) {
      input[i] = random.nextGaussian() * 0.5;
    }
    try (OnnxModel onnx = OnnxModel.general(graph.toBytes())) {
      double[][][][] attention =
          onnx.attentions(Map.of("x", new OnnxModel.Input(new long[] {n, d}, input)), null);
      assertThat(attention).hasNumberOfRows(2);
      // Layer 0 by hand.
      double[][] h = new double[n][d];
      for (int i = 0; i < n; i++) {
        h[i] = Arrays.copyOfRange(input, i * d, (i + 1) * d);
      }
      double[][] q = times(h, wq[0], d);
      double[][] k = times(h, wk[0], d);
      for (int i = 0; i < n; i++) {
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          for (int c = 0; c < d; c++) {
            s[j] += q[i][c] * k[j][c];
          }
          max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          s[j] = Math.exp(s[j] - max);
          sum += s[j];
        }
        for (int j = 0; j < n; j++) {
          assertThat(attention[0][0][i][j]).isCloseTo(s[j] / sum, within(1e-4));
        }
      }
      assertThatThrownBy(() -> onnx.attentions(Map.of(), null))
          .hasMessageContaining("'x' is not given");
      assertThatThrownBy(
              () ->
                  onnx.attentions(
                      Map.of("x", new OnnxModel.Input(new long[] {n, d}, input)), "weights"))
          .hasMessageContaining("no output of the ONNX model is named like 'weights'");
    }
  }

  private static double[][] times(double[][] x, float[] w, int d) {
    double[][] out = new double[x.length][d];
    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < d; c++) {
        for (int k = 0; k < d; k++) {
          out[i][c] += x[i][k] * w[k * d + c];
        }
      }
    }
    return out;
  }

  @Test
  void nestedListsBecomeInputsOfTheirShape() {
    OnnxModel.Input input =
        OnnxModel.Input.nested("ids", List.of(List.of(101, 7592, 102), List.of(1, 2, 3)));
    assertThat(input.shape()).containsExactly(2, 3);
    assertThat(input.values()).containsExactly(101, 7592, 102, 1, 2, 3);
    assertThatThrownBy(() -> OnnxModel.Input.nested("x", List.of(List.of(1, 2), List.of(3))))
        .hasMessageContaining("ragged");
    assertThatThrownBy(() -> OnnxModel.Input.nested("x", List.of(List.of())))
        .hasMessageContaining("empty dimension");
    assertThatThrownBy(() -> OnnxModel.Input.nested("x", List.of("a")))
        .hasMessageContaining("not a finite number");
  }

  @Test
  void filesThatAreNotModelsAreRefused() {
    byte[] model = OnnxExport.classifier(randomised(new LogisticRegression(3), 1));
    Random random = new Random(8);
    for (int trial = 0; trial < 50; trial++) {
      byte[] broken;
      if (trial % 2 == 0) {
        broken = Arrays.copyOf(model, random.nextInt(model.length));
      } else {
        broken = model.clone();
        for (int flips = 0; flips < 3; flips++) {
          broken[random.nextInt(broken.length)] ^= (byte) (1 + random.nextInt(255));
        }
      }
      try (OnnxModel loaded = OnnxModel.tabular(broken, null)) {
        // A flip in a weight's bytes leaves a valid model with other weights.
        assertThat(loaded.features()).isEqualTo(3);
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
    assertThatThrownBy(() -> OnnxModel.tabular("hello".getBytes(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ONNX Runtime cannot load the model");
    byte[] twoInputs =
        new OnnxWriter("two")
            .input("a", "N", 2L)
            .input("b", "N", 2L)
            .output("c", "N", 2L)
            .node("Add", List.of("a", "b"), List.of("c"))
            .toBytes();
    assertThatThrownBy(() -> OnnxModel.tabular(twoInputs, null))
        .hasMessageContaining("takes one input tensor");
    assertThatThrownBy(() -> OnnxModel.tabular(model, "label"))
        .hasMessageContaining("no float output 'label'");
  }
}
