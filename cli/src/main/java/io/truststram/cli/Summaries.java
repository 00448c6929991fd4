package io.truststram.cli;

import io.truststram.explain.fairness.Confusion;
import io.truststram.explain.fairness.FairnessSummary;
import io.truststram.explain.global.ImportanceSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files federation participants exchange instead of rows: a fairness summary (confusion counts
 * per group) and an importance summary (sums of SHAP values), as JSON, written by {@code fairness
 * summarize} and {@code explain shap --summary}, merged by {@code fairness merge} and {@code
 * explain merge}.
 */
final class Summaries {

  static final String FAIRNESS = "truststram-fairness-summary";
  static final String IMPORTANCE = "truststram-importance-summary";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Summaries() {}

  static void write(Path file, FairnessSummary summary) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", FAIRNESS);
    out.put("attributes", summary.attributes());
    out.put("overall", table(summary.overall()));
    Map<String, Object> groups = new LinkedHashMap<>();
    summary.groups().forEach((key, table) -> groups.put(key, table(table)));
    out.put("groups", groups);
    Files.writeString(file, JSON.writeValueAsString(out) + "\n");
  }

  static void write(Path file, ImportanceSummary summary) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", IMPORTANCE);
    out.put("features", summary.features());
    out.put("method", summary.method());
    out.put("rows", summary.rows());
    out.put("sumAbs", summary.sumAbs());
    out.put("sum", summary.sum());
    out.put("sumSquares", summary.sumSquares());
    Files.writeString(file, JSON.writeValueAsString(out) + "\n");
  }

  private static Map<String, Object> table(Confusion table) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tp", table.tp());
    out.put("fp", table.fp());
    out.put("tn", table.tn());
    out.put("fn", table.fn());
    out.put("count", table.count());
    return out;
  }

  /** The merged fairness summaries of {@code files}. */
  static FairnessSummary fairness(List<Path> files) throws IOException {
    FairnessSummary merged = null;
    for (Path file : files) {
      JsonNode root = read(file, FAIRNESS);
      List<String> attributes = strings(root.path("attributes"), file);
      Map<String, Confusion> groups = new LinkedHashMap<>();
      root.path("groups")
          .properties()
          .forEach(e -> groups.put(e.getKey(), confusion(e.getValue(), file)));
      FairnessSummary one =
          new FairnessSummary(attributes, groups, confusion(root.path("overall"), file));
      merged = merged == null ? one : merged.merge(one);
    }
    if (merged == null) {
      throw new IllegalArgumentException("name at least one summary file");
    }
    return merged;
  }

  /** The merged importance summaries of {@code files}. */
  static ImportanceSummary importance(List<Path> files) throws IOException {
    ImportanceSummary merged = null;
    for (Path file : files) {
      JsonNode root = read(file, IMPORTANCE);
      ImportanceSummary one =
          new ImportanceSummary(
              strings(root.path("features"), file),
              root.path("method").asString(""),
              matrix(root.path("sumAbs"), file),
              matrix(root.path("sum"), file),
              matrix(root.path("sumSquares"), file),
              root.path("rows").asLong(-1));
      int m = one.features().size();
      for (double[][] part : new double[][][] {one.sumAbs(), one.sum(), one.sumSquares()}) {
        if (part.length == 0 || part.length != one.sumAbs().length) {
          throw new IllegalArgumentException(file + ": the sums have no outputs or differ in them");
        }
        for (double[] row : part) {
          if (row.length != m) {
            throw new IllegalArgumentException(file + ": a row of sums is not one per feature");
          }
        }
      }
      merged = merged == null ? one : merged.merge(one);
    }
    if (merged == null) {
      throw new IllegalArgumentException("name at least one summary file");
    }
    return merged;
  }

  private static JsonNode read(Path file, String kind) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no summary file " + file);
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage());
    }
    if (!kind.equals(root.path("kind").asString(""))) {
      throw new IllegalArgumentException(file + " is not a " + kind + " file");
    }
    return root;
  }

  private static List<String> strings(JsonNode array, Path file) {
    if (!array.isArray()) {
      throw new IllegalArgumentException(file + ": expected a list of names");
    }
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }

  private static Confusion confusion(JsonNode node, Path file) {
    double[] v = new double[5];
    String[] names = {"tp", "fp", "tn", "fn", "count"};
    for (int i = 0; i < 5; i++) {
      JsonNode value = node.path(names[i]);
      if (!value.isNumber() || !(value.asDouble() >= 0) || Double.isInfinite(value.asDouble())) {
        throw new IllegalArgumentException(
            file + ": a group's '" + names[i] + "' is not a count (a number, not negative)");
      }
      v[i] = value.asDouble();
    }
    return new Confusion(v[0], v[1], v[2], v[3], Math.round(v[4]));
  }

  private static double[][] matrix(JsonNode node, Path file) {
    if (!node.isArray()) {
      throw new IllegalArgumentException(file + ": expected a matrix of sums");
    }
    double[][] out = new double[node.size()][];
    for (int k = 0; k < node.size(); k++) {
      JsonNode row = node.get(k);
      if (!row.isArray()) {
        throw new IllegalArgumentException(file + ": expected a matrix of sums");
      }
      out[k] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        if (!row.get(j).isNumber()) {
          throw new IllegalArgumentException(file + ": a sum is not a number");
        }
        out[k][j] = row.get(j).asDouble();
      }
    }
    return out;
  }
}
