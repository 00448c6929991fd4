package io.truststram.cli;

import io.truststram.explain.ClassifierModel;
import io.truststram.explain.gradient.IntegratedGradients;
import io.truststram.federation.LocalClient;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.model.Classifier;
import io.truststram.sdk.FederatedAnalyst;
import io.truststram.sdk.FederatedAnalysts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How {@code fl node} answers federated analyses: with summaries of its partition's training rows.
 * Fairness takes class 1 as the positive outcome ({@code >50K} for Adult) and the model's most
 * probable class as its decision, and reads each sensitive attribute from the one-hot columns named
 * {@code attribute=value}; importance explains the first {@value #MAX_EXPLAINED} rows by integrated
 * gradients (zero baseline, 50 steps) for every class.
 */
final class NodeAnalysts {

  static final int MAX_EXPLAINED = 200;
  static final Set<String> KINDS = Set.of("fairness", "importance");
  private static final int POSITIVE = 1;

  private NodeAnalysts() {}

  /**
   * The analyst of {@code kinds} for the client's data; null when none is asked.
   *
   * @throws IllegalArgumentException for a kind the node cannot answer
   */
  static @org.jspecify.annotations.Nullable FederatedAnalyst of(
      LocalClient client, Set<String> kinds) {
    if (kinds.isEmpty()) {
      return null;
    }
    Dataset data = client.trainingData();
    Classifier classifier = client.model();
    Map<String, FederatedAnalyst> analysts = new LinkedHashMap<>();
    for (String kind : kinds) {
      switch (kind) {
        case "fairness" ->
            analysts.put(
                kind,
                FederatedAnalysts.fairness(
                    FederatedAnalysts.labelled(data, POSITIVE),
                    categorical(data),
                    model -> FederatedAnalysts.decisions(classifier, model, data, POSITIVE)));
        case "importance" ->
            analysts.put(
                kind,
                FederatedAnalysts.importance(
                    model ->
                        IntegratedGradients.explain(
                            new ClassifierModel(classifier, model, Map.of()),
                            "federation-model",
                            data.featureNames(),
                            rows(data, Math.min(MAX_EXPLAINED, data.rows())),
                            IntegratedGradients.Options.DEFAULT)));
        default ->
            throw new IllegalArgumentException(
                "--analyses takes " + KINDS + ", not '" + kind + "'");
      }
    }
    return FederatedAnalysts.byKind(analysts);
  }

  /**
   * Each categorical attribute's value per row, from its one-hot columns ({@code sex=Female} ...);
   * {@code ?} where none is set (a value missing or unseen in training).
   */
  static Map<String, String[]> categorical(Dataset data) {
    Map<String, String[]> out = new LinkedHashMap<>();
    int columns = data.columns();
    for (int j = 0; j < columns; j++) {
      String name = data.featureNames().get(j);
      int eq = name.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String[] values =
          out.computeIfAbsent(
              name.substring(0, eq),
              k -> {
                String[] fresh = new String[data.rows()];
                java.util.Arrays.fill(fresh, "?");
                return fresh;
              });
      for (int r = 0; r < data.rows(); r++) {
        if (data.features()[r * columns + j] >= 0.5f) {
          values[r] = name.substring(eq + 1);
        }
      }
    }
    return out;
  }

  private static double[][] rows(Dataset data, int n) {
    double[][] out = new double[n][];
    for (int r = 0; r < n; r++) {
      float[] row = data.row(r);
      out[r] = new double[row.length];
      for (int j = 0; j < row.length; j++) {
        out[r][j] = row[j];
      }
    }
    return out;
  }
}
