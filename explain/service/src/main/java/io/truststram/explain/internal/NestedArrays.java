package io.truststram.explain.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.explain.ExplainProblems;
import io.truststram.explain.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.List;

/** A model input given as JSON nested arrays: its shape is the nesting, its values the leaves. */
final class NestedArrays {

  private NestedArrays() {}

  /** The input {@code name} from {@code value} (nested lists of numbers, not ragged). */
  static OnnxModel.Input input(String name, Object value) {
    List<Long> shape = new ArrayList<>();
    Object at = value;
    while (at instanceof List<?> list) {
      if (list.isEmpty()) {
        throw invalid("'" + name + "' has an empty dimension");
      }
      shape.add((long) list.size());
      at = list.getFirst();
    }
    List<Double> values = new ArrayList<>();
    flatten(name, value, 0, shape, values);
    return new OnnxModel.Input(
        shape.stream().mapToLong(Long::longValue).toArray(),
        values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static void flatten(
      String name, Object node, int depth, List<Long> shape, List<Double> out) {
    if (depth == shape.size()) {
      if (!(node instanceof Number number) || !Double.isFinite(number.doubleValue())) {
        throw invalid("'" + name + "' holds something that is not a finite number");
      }
      out.add(number.doubleValue());
      return;
    }
    if (!(node instanceof List<?> list) || list.size() != shape.get(depth)) {
      throw invalid("'" + name + "' is ragged: its arrays differ in length");
    }
    for (Object child : list) {
      flatten(name, child, depth + 1, shape, out);
    }
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(ExplainProblems.INVALID_REQUEST, "inputs: " + detail);
  }
}
