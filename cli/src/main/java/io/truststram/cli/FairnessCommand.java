package io.truststram.cli;

import io.truststram.explain.fairness.BiasGate;
import io.truststram.explain.fairness.FairnessSummary;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.ml.data.CsvTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram fairness}: group fairness of a classifier's predictions from a CSV file, with
 * Fairlearn's metric names and semantics, locally.
 */
@Command(
    name = "fairness",
    mixinStandardHelpOptions = true,
    description = "Group fairness of predictions, locally (no server).",
    subcommands = {
      FairnessCommand.Report.class,
      FairnessCommand.Reweigh.class,
      FairnessThreshold.class,
      FairnessCommand.Gate.class,
      FairnessCommand.Summarize.class,
      FairnessCommand.Merge.class
    })
final class FairnessCommand extends CommandGroup {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** {@code truststram fairness report}. */
  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = {
        "Rates per group (and per intersection of several sensitive attributes) and the"
            + " disparities between them: demographic parity, equalized odds, equal opportunity,"
            + " disparate impact, with Fairlearn's names and semantics.",
        "Labels and predictions are 1/0 or true/false (or --positive's value); with --threshold"
            + " the prediction column holds scores, and a score at or above it predicts positive."
      })
  static class Report implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin LabelledTable input;

    @Option(names = "--prediction", required = true, description = "The column of predictions.")
    String prediction;

    @Option(
        names = "--score",
        description = "A column of predicted probabilities: adds calibration per group.")
    String score;

    @Option(names = "--threshold", description = "Predictions are scores; positive at or above.")
    Double threshold;

    @Option(
        names = "--method",
        defaultValue = "between_groups",
        description = "between_groups (default) or to_overall.")
    String method;

    @Option(
        names = "--bootstrap",
        defaultValue = "0",
        description = "Resamples for percentile confidence intervals (e.g. 1000); 0 for none.")
    int bootstrap;

    @Option(names = "--confidence", defaultValue = "0.95", description = "The intervals' level.")
    double confidence;

    @Option(names = "--seed", defaultValue = "0", description = "The resampling's seed.")
    long seed;

    @Option(
        names = "--privileged",
        description = "The privileged group (e.g. sex=Male) for AIF360's signed metrics.")
    String privileged;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    /** The report of the table's predictions, with these options. */
    GroupFairness.Report report(CsvTable table) {
      GroupFairness.Options options =
          new GroupFairness.Options(method, bootstrap, confidence, seed, privileged);
      boolean[] labels = input.binary(table, input.label, null);
      boolean[] predictions = input.binary(table, prediction, threshold);
      return GroupFairness.compute(
          labels, predictions, input.attributes(table), input.weights(table), options);
    }

    @Override
    public Integer call() throws IOException {
      CsvTable table = input.table();
      GroupFairness.Report report = report(table);
      boolean[] labels = input.binary(table, input.label, null);
      Map<String, String[]> attributes = input.attributes(table);
      double[] weights = input.weights(table);
      Map<String, Map<String, Double>> calibration =
          score == null
              ? null
              : GroupFairness.calibration(
                  labels, LabelledTable.numbers(table, score), attributes, weights, 10);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = toJson(report);
        if (calibration != null) {
          result.put("calibration", calibration);
        }
        out.println(JSON.writeValueAsString(result));
      } else {
        printText(out, report);
        if (calibration != null) {
          out.println();
          calibration.forEach(
              (key, values) ->
                  out.printf(
                      "%-40s mean score %.4f, base rate %.4f, ECE %.4f%n",
                      key,
                      values.get("mean_score"),
                      values.get("base_rate"),
                      values.get("expected_calibration_error")));
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code truststram fairness gate}: a report judged against a bias policy. */
  @Command(
      name = "gate",
      mixinStandardHelpOptions = true,
      description = {
        "Judge the fairness report of --data's predictions against a bias policy: pass (exit 0)"
            + " or fail (exit 1), with a reason per rule, for pipelines.",
        "The policy comes from --policy (YAML or JSON: name, rules: [{metric, max|min,"
            + " pessimistic}], minimumGroupSize) and/or --max and --min; without either, the"
            + " four-fifths rule (disparate_impact_ratio at least 0.8)."
      })
  static final class Gate extends Report {

    @Option(names = "--policy", description = "The policy file (YAML or JSON).")
    java.nio.file.Path policy;

    @Option(
        names = "--max",
        description = "METRIC=VALUE: the metric may not exceed VALUE (repeatable).")
    List<String> maxima = new ArrayList<>();

    @Option(
        names = "--min",
        description = "METRIC=VALUE: the metric may not fall below VALUE (repeatable).")
    List<String> minima = new ArrayList<>();

    @Option(
        names = "--pessimistic",
        description =
            "Judge --max and --min on the bootstrap interval's worse end (with --bootstrap).")
    boolean pessimistic;

    @Override
    public Integer call() throws IOException {
      BiasGate.Policy chosen = policy();
      GroupFairness.Report report = report(input.table());
      BiasGate.Verdict verdict = BiasGate.evaluate(report, chosen);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("policy", verdict.policy());
        result.put("passed", verdict.passed());
        result.put("rules", verdict.rules());
        result.put("warnings", verdict.warnings());
        result.put("report", toJson(report));
        out.println(JSON.writeValueAsString(result));
      } else {
        for (BiasGate.RuleResult rule : verdict.rules()) {
          out.println((rule.passed() ? "pass  " : "FAIL  ") + rule.reason());
        }
        verdict.warnings().forEach(w -> out.println("warning: " + w));
        out.println(
            (verdict.passed() ? "passed" : "failed") + ": policy '" + verdict.policy() + "'");
      }
      out.flush();
      return verdict.passed() ? 0 : 1;
    }

    private BiasGate.Policy policy() throws IOException {
      List<BiasGate.Rule> rules = new ArrayList<>();
      String name = "command line";
      int minimumGroupSize = 0;
      if (policy != null) {
        if (!java.nio.file.Files.isRegularFile(policy)) {
          throw new IllegalArgumentException("--policy: no file " + policy);
        }
        Object parsed;
        try {
          parsed =
              tools.jackson.dataformat.yaml.YAMLMapper.builder()
                  .build()
                  .readValue(policy.toFile(), Object.class);
        } catch (tools.jackson.core.JacksonException e) {
          throw new IllegalArgumentException(
              "--policy is not YAML or JSON: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
          throw new IllegalArgumentException("--policy holds a map (name, rules, ...)");
        }
        @SuppressWarnings("unchecked")
        BiasGate.Policy read = BiasGate.Policy.parse((Map<String, ?>) map);
        rules.addAll(read.rules());
        name = read.name();
        minimumGroupSize = read.minimumGroupSize();
      }
      for (String bound : maxima) {
        rules.add(rule(bound, "max"));
      }
      for (String bound : minima) {
        rules.add(rule(bound, "min"));
      }
      if (rules.isEmpty()) {
        return BiasGate.Policy.fourFifths();
      }
      return new BiasGate.Policy(name, rules, minimumGroupSize);
    }

    private BiasGate.Rule rule(String bound, String comparison) {
      int at = bound.indexOf('=');
      if (at < 1) {
        throw new IllegalArgumentException(
            "--" + comparison + " is METRIC=VALUE, not '" + bound + "'");
      }
      double value;
      try {
        value = Double.parseDouble(bound.substring(at + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + comparison + ": '" + bound.substring(at + 1) + "' is not a number");
      }
      return new BiasGate.Rule(bound.substring(0, at).strip(), comparison, value, pessimistic);
    }
  }

  /** {@code truststram fairness summarize}: a participant's counts, for a federated report. */
  @Command(
      name = "summarize",
      mixinStandardHelpOptions = true,
      description = {
        "Write the confusion counts per group of --data's predictions (no rows) to --out: what a"
            + " federation participant shares so that 'fairness merge' reports on everyone's"
            + " predictions together, with the same numbers as a report on the pooled rows."
      })
  static final class Summarize implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin LabelledTable input;

    @Option(names = "--prediction", required = true, description = "The column of predictions.")
    String prediction;

    @Option(names = "--threshold", description = "Predictions are scores; positive at or above.")
    Double threshold;

    @Option(names = "--out", required = true, description = "The summary file to write (JSON).")
    java.nio.file.Path output;

    @Override
    public Integer call() throws IOException {
      CsvTable table = input.table();
      FairnessSummary summary =
          FairnessSummary.of(
              input.binary(table, input.label, null),
              input.binary(table, prediction, threshold),
              input.attributes(table),
              input.weights(table));
      Summaries.write(output, summary);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "wrote the counts of "
              + summary.overall().count()
              + " rows in "
              + summary.groups().size()
              + " groups to "
              + output);
      out.flush();
      return 0;
    }
  }

  /** {@code truststram fairness merge}: the report of several participants' summaries. */
  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      description =
          "The fairness report of several summaries ('fairness summarize') taken together: the"
              + " federation's report without anyone's rows. No bootstrap intervals (they need"
              + " rows).")
  static final class Merge implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(arity = "1..*", paramLabel = "SUMMARY", description = "Summary files.")
    List<java.nio.file.Path> files;

    @Option(
        names = "--method",
        defaultValue = "between_groups",
        description = "between_groups (default) or to_overall.")
    String method;

    @Option(
        names = "--privileged",
        description = "The privileged group (e.g. sex=Male) for AIF360's signed metrics.")
    String privileged;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      FairnessSummary merged = Summaries.fairness(files);
      GroupFairness.Report report =
          GroupFairness.report(merged, new GroupFairness.Options(method, 0, 0.95, 0, privileged));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = toJson(report);
        result.put("participants", files.size());
        out.println(JSON.writeValueAsString(result));
      } else {
        out.println(
            "merged " + files.size() + " summaries of " + merged.overall().count() + " rows");
        printText(out, report);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code truststram fairness reweigh}. */
  @Command(
      name = "reweigh",
      mixinStandardHelpOptions = true,
      description = {
        "Reweighing (Kamiran and Calders; AIF360's Reweighing): write --data with a column of"
            + " weights under which the label is independent of the sensitive group, to train on.",
        "W(g, y) = P(g)·P(y) / P(g, y), over the intersections of --sensitive."
      })
  static final class Reweigh implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin LabelledTable input;

    @Option(names = "--out", required = true, description = "The CSV file to write.")
    java.nio.file.Path output;

    @Option(
        names = "--column",
        defaultValue = "reweighing_weight",
        description = "The name of the new column (default reweighing_weight).")
    String column;

    @Override
    public Integer call() throws IOException {
      CsvTable table = input.table();
      if (table.columns().contains(column)) {
        throw new IllegalArgumentException("--data already has a column '" + column + "'");
      }
      boolean[] labels = input.binary(table, input.label, null);
      String[] groups = GroupFairness.groupKeys(input.attributes(table), labels.length);
      double[] weights = GroupFairness.reweighing(labels, groups, input.weights(table));
      StringBuilder csv = new StringBuilder();
      csv.append(String.join(",", table.columns())).append(',').append(column).append('\n');
      for (int r = 0; r < weights.length; r++) {
        for (String field : table.rows().get(r)) {
          csv.append(quote(field)).append(',');
        }
        csv.append(weights[r]).append('\n');
      }
      java.nio.file.Files.writeString(output, csv.toString());
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + weights.length + " rows with '" + column + "' to " + output);
      out.flush();
      return 0;
    }

    static String quote(String field) {
      return field.contains(",") || field.contains("\"")
          ? "\"" + field.replace("\"", "\"\"") + "\""
          : field;
    }
  }

  /** The options both subcommands read their table with, and how they read its columns. */
  static final class LabelledTable {

    @Option(names = "--data", required = true, description = "The CSV file, with a header.")
    java.nio.file.Path data;

    @Option(names = "--label", required = true, description = "The column of true labels.")
    String label;

    @Option(
        names = "--sensitive",
        required = true,
        split = ",",
        description = "The sensitive attribute column(s), comma-separated.")
    List<String> sensitive;

    @Option(names = "--weight", description = "A column of sample weights.")
    String weight;

    @Option(
        names = "--positive",
        defaultValue = "1",
        description = "The value of a positive label or prediction (default 1; true also counts).")
    String positive;

    CsvTable table() throws IOException {
      return ExplainCommand.Shap.table(data, "--data");
    }

    Map<String, String[]> attributes(CsvTable table) {
      Map<String, String[]> attributes = new LinkedHashMap<>();
      for (String name : sensitive) {
        attributes.put(name.strip(), table.column(name.strip()));
      }
      return attributes;
    }

    double[] weights(CsvTable table) {
      return weight == null ? null : numbers(table, weight);
    }

    boolean[] binary(CsvTable table, String column, Double cut) {
      String[] values = table.column(column);
      boolean[] out = new boolean[values.length];
      for (int r = 0; r < values.length; r++) {
        String v = values[r].strip();
        if (cut != null) {
          try {
            double score = Double.parseDouble(v);
            if (!Double.isFinite(score)) {
              throw new NumberFormatException();
            }
            out[r] = score >= cut;
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "row " + (r + 1) + ", '" + column + "': '" + v + "' is not a finite score");
          }
          continue;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (v.equals(positive) || lower.equals("true") || lower.equals("1")) {
          out[r] = true;
        } else if (lower.equals("false") || lower.equals("0") || !positive.equals("1")) {
          out[r] = false;
        } else {
          throw new IllegalArgumentException(
              "row "
                  + (r + 1)
                  + ", '"
                  + column
                  + "': '"
                  + v
                  + "' is not 1/0 or true/false (name the positive value with --positive)");
        }
      }
      return out;
    }

    static double[] numbers(CsvTable table, String column) {
      String[] values = table.column(column);
      double[] out = new double[values.length];
      for (int r = 0; r < values.length; r++) {
        try {
          out[r] = Double.parseDouble(values[r].strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "row " + (r + 1) + ", '" + column + "': '" + values[r] + "' is not a number");
        }
      }
      return out;
    }
  }

  /** The JSON form: Fairlearn's names; an undefined ratio is null. */
  static Map<String, Object> toJson(GroupFairness.Report report) {
    return report.toMap();
  }

  private static void printText(PrintWriter out, GroupFairness.Report report) {
    List<String> columns =
        List.of("count", "selection_rate", "true_positive_rate", "false_positive_rate", "accuracy");
    out.printf("%-40s %8s %10s %8s %8s %8s%n", "group", "count", "selection", "TPR", "FPR", "acc");
    Map<String, Map<String, Double>> rows = new LinkedHashMap<>(report.groups());
    rows.put("overall", report.overall());
    rows.forEach(
        (key, rates) -> {
          List<Object> values = new ArrayList<>();
          values.add(key);
          for (String column : columns) {
            values.add(rates.get(column));
          }
          out.printf("%-40s %8.0f %10.4f %8.4f %8.4f %8.4f%n", values.toArray());
        });
    out.println();
    report
        .metrics()
        .forEach(
            (name, value) -> {
              double[] interval = report.intervals().get(name);
              out.printf(
                  "%-34s %s%s%n",
                  name,
                  !Double.isFinite(value) ? "undefined" : String.format(Locale.ROOT, "%.4f", value),
                  interval == null
                      ? ""
                      : String.format(Locale.ROOT, "  [%.4f, %.4f]", interval[0], interval[1]));
            });
    report.aif360().forEach((name, value) -> out.printf("aif360 %-27s %s%n", name, value));
    if (report.metrics().get("disparate_impact_ratio") < 0.8) {
      out.println("disparate impact below 0.8: the four-fifths rule is not met");
    }
    report.warnings().forEach(w -> out.println("warning: " + w));
  }
}
