package io.truststram.cli;

import io.truststram.explain.fairness.GroupFairness;
import io.truststram.explain.fairness.ThresholdOptimizer;
import io.truststram.ml.data.CsvTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/** {@code truststram fairness threshold}: Fairlearn's threshold optimiser on a CSV file. */
@Command(
    name = "threshold",
    mixinStandardHelpOptions = true,
    description = {
      "Post-processing mitigation (Hardt, Price and Srebro 2016) as Fairlearn's"
          + " ThresholdOptimizer: per-group randomised thresholds on --score that satisfy"
          + " --constraints while maximising --objective.",
      "Prints the thresholds per group and the disparities before (score >= --cut) and after;"
          + " --out writes --data with the new decisions."
    })
final class FairnessThreshold implements Callable<Integer> {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin FairnessCommand.LabelledTable input;

  @Option(names = "--score", required = true, description = "The column of scores.")
  String score;

  @Option(
      names = "--constraints",
      defaultValue = "demographic_parity",
      description =
          "demographic_parity (default), equalized_odds, true_positive_rate_parity,"
              + " false_positive_rate_parity, true_negative_rate_parity,"
              + " false_negative_rate_parity or selection_rate_parity.")
  String constraints;

  @Option(
      names = "--objective",
      defaultValue = "accuracy_score",
      description =
          "accuracy_score (default), balanced_accuracy_score, selection_rate,"
              + " true_positive_rate or true_negative_rate (as Fairlearn allows them).")
  String objective;

  @Option(names = "--grid-size", defaultValue = "1000", description = "Grid points (1000).")
  int gridSize;

  @Option(names = "--flip", description = "Also consider thresholds that predict below a score.")
  boolean flip;

  @Option(
      names = "--cut",
      defaultValue = "0.5",
      description = "The threshold the 'before' decisions take (0.5).")
  double cut;

  @Option(names = "--seed", defaultValue = "0", description = "The seed of the decisions drawn.")
  long seed;

  @Option(names = "--out", description = "Write --data with a column of the new decisions.")
  Path output;

  @Option(
      names = "--column",
      defaultValue = "fair_prediction",
      description = "The new column's name (fair_prediction).")
  String column;

  @Option(names = "--json", description = "Print the result as one JSON object (last line).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (input.weight != null) {
      throw new IllegalArgumentException(
          "the threshold optimiser takes no sample weights (nor does Fairlearn's)");
    }
    CsvTable table = input.table();
    boolean[] labels = input.binary(table, input.label, null);
    double[] scores = FairnessCommand.LabelledTable.numbers(table, score);
    Map<String, String[]> attributes = input.attributes(table);
    String[] groups = GroupFairness.groupKeys(attributes, labels.length);
    ThresholdOptimizer optimizer =
        ThresholdOptimizer.fit(
            scores,
            labels,
            groups,
            new ThresholdOptimizer.Options(constraints, objective, gridSize, flip));
    boolean[] before = new boolean[scores.length];
    for (int r = 0; r < scores.length; r++) {
      before[r] = scores[r] >= cut;
    }
    boolean[] after = optimizer.predict(scores, groups, seed);
    GroupFairness.Report reportBefore =
        GroupFairness.compute(labels, before, attributes, null, GroupFairness.Options.DEFAULT);
    GroupFairness.Report reportAfter =
        GroupFairness.compute(labels, after, attributes, null, GroupFairness.Options.DEFAULT);
    if (output != null) {
      if (table.columns().contains(column)) {
        throw new IllegalArgumentException("--data already has a column '" + column + "'");
      }
      StringBuilder csv = new StringBuilder(String.join(",", table.columns()));
      csv.append(',').append(column).append('\n');
      for (int r = 0; r < after.length; r++) {
        for (String field : table.rows().get(r)) {
          csv.append(FairnessCommand.Reweigh.quote(field)).append(',');
        }
        csv.append(after[r] ? 1 : 0).append('\n');
      }
      Files.writeString(output, csv.toString());
    }
    ThresholdOptimizer.Result result = optimizer.result();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("constraints", result.constraints());
      json.put("objective", result.objective());
      json.put("gridSize", result.gridSize());
      json.put("flip", result.flip());
      json.put("x", Map.of("metric", result.xMetric(), "value", result.x()));
      json.put("objectiveValue", result.objectiveValue());
      Map<String, Object> perGroup = new LinkedHashMap<>();
      result.groups().forEach((group, mix) -> perGroup.put(group, interpolation(mix)));
      json.put("groups", perGroup);
      json.put("metricsBefore", FairnessCommand.toJson(reportBefore).get("metrics"));
      json.put("metricsAfter", FairnessCommand.toJson(reportAfter).get("metrics"));
      json.put("seed", seed);
      out.println(JSON.writeValueAsString(json));
    } else {
      out.printf(
          Locale.ROOT,
          "%s, maximising %s: %s %.4f, objective %.4f%n",
          result.constraints(),
          result.objective(),
          result.xMetric(),
          result.x(),
          result.objectiveValue());
      result
          .groups()
          .forEach(
              (group, mix) ->
                  out.printf(
                      Locale.ROOT,
                      "  %-32s %.3f × (score %s %s) + %.3f × (score %s %s)%s%n",
                      group,
                      mix.p0(),
                      mix.operation0().operator(),
                      threshold(mix.operation0().threshold()),
                      mix.p1(),
                      mix.operation1().operator(),
                      threshold(mix.operation1().threshold()),
                      mix.pIgnore() == 0
                          ? ""
                          : String.format(
                              Locale.ROOT,
                              ", ignored with p %.3f for %.3f",
                              mix.pIgnore(),
                              mix.predictionConstant())));
      for (String metric :
          new String[] {
            "demographic_parity_difference", "equalized_odds_difference", "disparate_impact_ratio"
          }) {
        out.printf(
            Locale.ROOT,
            "%-32s before %.4f  after %.4f%n",
            metric,
            reportBefore.metrics().get(metric),
            reportAfter.metrics().get(metric));
      }
      if (output != null) {
        out.println("wrote the decisions as '" + column + "' to " + output);
      }
    }
    out.flush();
    return 0;
  }

  private static Map<String, Object> interpolation(ThresholdOptimizer.Interpolation mix) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p0", mix.p0());
    out.put("operation0", operation(mix.operation0()));
    out.put("p1", mix.p1());
    out.put("operation1", operation(mix.operation1()));
    out.put("pIgnore", mix.pIgnore());
    out.put("predictionConstant", mix.predictionConstant());
    return out;
  }

  private static Map<String, Object> operation(ThresholdOptimizer.Operation operation) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("operator", operation.operator());
    double t = operation.threshold();
    out.put("threshold", Double.isFinite(t) ? t : t > 0 ? "inf" : "-inf");
    return out;
  }

  private static String threshold(double t) {
    return Double.isFinite(t) ? String.format(Locale.ROOT, "%.4f", t) : t > 0 ? "∞" : "-∞";
  }
}
