package io.truststram.federation.internal;

import io.truststram.explain.global.ImportanceSummary;
import io.truststram.federation.FederatedAnalysis;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Global feature importance across the federation ({@code importance}): each node explains its own
 * rows and sends the sums of |φ|, φ and φ² per output and feature with its row count ({@link
 * ImportanceSummary#toVector}); the sum gives the mean |SHAP| importance, mean and spread over all
 * the nodes' rows, equal to the pooled computation whenever a row's attributions do not depend on
 * the other rows (TreeSHAP, linear SHAP, integrated gradients, or any method on a background the
 * nodes share).
 *
 * <p>Spec: {@code features} (names, in order), {@code method} (the explanation method every node
 * uses, e.g. {@code tree-path-dependent} or {@code integrated-gradients}), {@code outputs} (1 by
 * default).
 */
final class ImportanceAnalysis implements FederatedAnalysis {

  @Override
  public String kind() {
    return "importance";
  }

  @Override
  public int length(Map<String, Object> spec) {
    List<String> features = features(spec);
    method(spec);
    return 1 + 3 * outputs(spec) * features.size();
  }

  @Override
  public void check(Map<String, Object> spec, double[] summary) {
    int m = features(spec).size();
    int block = outputs(spec) * m;
    double rows = summary[0];
    if (rows < 0 || rows != Math.rint(rows)) {
      throw new IllegalArgumentException("the rows explained are a whole number, not negative");
    }
    for (int i = 1; i <= block; i++) {
      if (summary[i] < 0 || summary[2 * block + i] < 0) {
        throw new IllegalArgumentException("sums of |φ| and of φ² are not negative");
      }
    }
  }

  @Override
  public Map<String, Object> result(Map<String, Object> spec, double[] sum, int contributors) {
    ImportanceSummary summary =
        ImportanceSummary.fromVector(features(spec), method(spec), outputs(spec), sum);
    if (summary.rows() == 0) {
      throw new IllegalArgumentException("the nodes explained no rows");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("features", summary.features());
    out.put("method", summary.method());
    out.put("rows", summary.rows());
    out.put("contributors", contributors);
    out.put("meanAbsolute", summary.meanAbsolute());
    out.put("mean", summary.mean());
    out.put("standardDeviation", summary.standardDeviation());
    return out;
  }

  private static List<String> features(Map<String, Object> spec) {
    List<String> features = Specs.strings(spec, "features");
    if (new HashSet<>(features).size() != features.size()) {
      throw new IllegalArgumentException("'features' names each feature once");
    }
    return features;
  }

  private static String method(Map<String, Object> spec) {
    Object method = spec.get("method");
    if (method == null) {
      throw new IllegalArgumentException(
          "name the explanation 'method' every node uses (tree-path-dependent, ...)");
    }
    return Specs.string(spec, "method", "");
  }

  private static int outputs(Map<String, Object> spec) {
    return Specs.integer(spec, "outputs", 1, 1, 100);
  }
}
