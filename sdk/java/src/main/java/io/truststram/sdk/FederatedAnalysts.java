package io.truststram.sdk;

import io.truststram.explain.Explanation;
import io.truststram.explain.fairness.FairnessSummary;
import io.truststram.explain.global.ImportanceSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The built-in {@link FederatedAnalyst}s: {@code fairness} (confusion counts per group of the
 * sensitive attributes) and {@code importance} (sums of attributions per feature). Each works on
 * the node's own rows, given as arrays and as what the global model makes of them.
 */
public final class FederatedAnalysts {

  private FederatedAnalysts() {}

  /** Answers each kind with its analyst, and declines the kinds not given. */
  public static FederatedAnalyst byKind(Map<String, FederatedAnalyst> analysts) {
    Map<String, FederatedAnalyst> copy = Map.copyOf(analysts);
    return (task, model) -> {
      FederatedAnalyst analyst = copy.get(task.kind());
      if (analyst == null) {
        throw new FederatedAnalyst.Declined(
            "this node runs no '" + task.kind() + "' analyses, only " + copy.keySet());
      }
      return analyst.summarise(task, model);
    };
  }

  /**
   * Fairness counts of the node's rows: {@code labels} (the true outcome of each row, positive
   * true), each sensitive attribute's value per row ({@code attributes}, by name), and {@code
   * predict}, which gives the model's decision per row from the global model's parameters. The
   * spec's {@code attributes} and {@code values} fix the groups; a row whose value is not among
   * them makes the node decline (its counts would be dropped otherwise).
   */
  public static FederatedAnalyst fairness(
      boolean[] labels, Map<String, String[]> attributes, Function<float[], boolean[]> predict) {
    boolean[] y = labels.clone();
    Map<String, String[]> columns = Map.copyOf(attributes);
    return (task, model) -> {
      List<String> names = strings(task.spec().get("attributes"), "attributes");
      Map<String, List<String>> values = new LinkedHashMap<>();
      if (task.spec().get("values") instanceof Map<?, ?> map) {
        map.forEach((k, v) -> values.put(String.valueOf(k), strings(v, "values." + k)));
      }
      Map<String, String[]> ordered = new LinkedHashMap<>();
      for (String name : names) {
        String[] column = columns.get(name);
        if (column == null) {
          throw new FederatedAnalyst.Declined("this node has no attribute '" + name + "'");
        }
        ordered.put(name, column);
      }
      try {
        List<String> keys = FairnessSummary.keys(names, values);
        return FairnessSummary.of(y, predict.apply(model), ordered, null).toVector(keys);
      } catch (IllegalArgumentException e) {
        throw new FederatedAnalyst.Declined(e.getMessage());
      }
    };
  }

  /**
   * Importance sums of the node's rows: {@code explain} explains them with the global model's
   * parameters; its features and method must be the spec's.
   */
  public static FederatedAnalyst importance(Function<float[], Explanation> explain) {
    return (task, model) -> {
      Explanation explanation = explain.apply(model);
      List<String> features = strings(task.spec().get("features"), "features");
      Object method = task.spec().get("method");
      if (!explanation.features().equals(features)) {
        throw new FederatedAnalyst.Declined(
            "this node explains " + explanation.features() + ", not " + features);
      }
      if (!explanation.method().equals(method)) {
        throw new FederatedAnalyst.Declined(
            "this node explains by " + explanation.method() + ", not " + method);
      }
      return ImportanceSummary.of(explanation).toVector();
    };
  }

  /**
   * Whether each row of {@code data} is labelled {@code positive}: what fairness calls the truth.
   */
  public static boolean[] labelled(io.truststram.ml.data.Dataset data, int positive) {
    boolean[] out = new boolean[data.rows()];
    for (int r = 0; r < out.length; r++) {
      out[r] = data.labels()[r] == positive;
    }
    return out;
  }

  /**
   * Whether the model's most probable class for each row of {@code data} is {@code positive}: an
   * ml/core classifier's decisions with the global model's parameters.
   */
  public static boolean[] decisions(
      io.truststram.ml.model.Classifier classifier,
      float[] parameters,
      io.truststram.ml.data.Dataset data,
      int positive) {
    boolean[] out = new boolean[data.rows()];
    double[] p = new double[classifier.classes()];
    for (int r = 0; r < out.length; r++) {
      classifier.probabilities(parameters, data, r, p);
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      out[r] = best == positive;
    }
    return out;
  }

  private static List<String> strings(Object value, String field) {
    if (!(value instanceof List<?> list)) {
      throw new FederatedAnalyst.Declined("the analysis's '" + field + "' is not a list");
    }
    List<String> out = new ArrayList<>();
    list.forEach(item -> out.add(String.valueOf(item)));
    return out;
  }
}
