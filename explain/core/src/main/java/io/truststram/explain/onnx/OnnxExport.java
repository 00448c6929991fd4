package io.truststram.explain.onnx;

import io.truststram.explain.ClassifierModel;
import java.util.Arrays;
import java.util.List;

/**
 * Our classifiers as ONNX models: input {@code x} of shape [N, inputs] (N dynamic), output {@code
 * probabilities} of shape [N, classes], the same probabilities our code computes (to float
 * rounding), for serving in any ONNX runtime.
 */
public final class OnnxExport {

  private OnnxExport() {}

  /** The ONNX bytes of {@code model}. */
  public static byte[] classifier(ClassifierModel model) {
    String description = model.classifier().describe();
    int[] sizes =
        Arrays.stream(description.replaceAll("^[a-z]+\\(|\\)$", "").split("->"))
            .map(String::strip)
            .mapToInt(Integer::parseInt)
            .toArray();
    float[] w = model.parameters();
    OnnxWriter graph = new OnnxWriter(description);
    graph.input("x", "N", (long) sizes[0]);
    graph.output("probabilities", "N", (long) model.outputs());
    if (description.startsWith("logistic")) {
      int n = sizes[0];
      graph.initializer("w", new long[] {n, 1}, Arrays.copyOf(w, n));
      graph.initializer("b", new long[] {1}, new float[] {w[n]});
      graph.initializer("one", new long[] {1}, new float[] {1});
      graph.node("MatMul", List.of("x", "w"), List.of("xw"));
      graph.node("Add", List.of("xw", "b"), List.of("z"));
      graph.node("Sigmoid", List.of("z"), List.of("p1"));
      graph.node("Sub", List.of("one", "p1"), List.of("p0"));
      graph.node("Concat", List.of("p0", "p1"), List.of("probabilities"), "axis", 1);
      return graph.toBytes();
    }
    if (description.startsWith("softmax")) {
      sizes = new int[] {sizes[0], sizes[1]};
    }
    String previous = "x";
    int offset = 0;
    for (int l = 0; l + 1 < sizes.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      graph.initializer(
          "w" + l, new long[] {in, out}, Arrays.copyOfRange(w, offset, offset + in * out));
      offset += in * out;
      graph.initializer("b" + l, new long[] {out}, Arrays.copyOfRange(w, offset, offset + out));
      offset += out;
      graph.node("MatMul", List.of(previous, "w" + l), List.of("xw" + l));
      graph.node("Add", List.of("xw" + l, "b" + l), List.of("z" + l));
      if (l + 2 < sizes.length) {
        graph.node("Relu", List.of("z" + l), List.of("a" + l));
        previous = "a" + l;
      } else {
        graph.node("Softmax", List.of("z" + l), List.of("probabilities"), "axis", 1);
      }
    }
    return graph.toBytes();
  }
}
