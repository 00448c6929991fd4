package io.truststram.cli;

import io.truststram.explain.LoadedModel;
import io.truststram.explain.Model;
import io.truststram.explain.Rows;
import io.truststram.explain.counterfactual.Counterfactuals;
import io.truststram.explain.counterfactual.Desired;
import io.truststram.explain.counterfactual.Space;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/** {@code truststram explain counterfactual}: the nearest changes that change the outcome. */
@Command(
    name = "counterfactual",
    mixinStandardHelpOptions = true,
    description = {
      "Counterfactuals of each row of --data: a few diverse, sparse changes within the ranges"
          + " --training spans that give the outcome asked for, or an explicit 'none'.",
      "genetic (default) works with any model, in the manner of DiCE; gradient (Wachter et al.)"
          + " needs a differentiable model (--model-format truststram). Outputs are"
          + " probabilities."
    })
final class ExplainCounterfactual implements java.util.concurrent.Callable<Integer> {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ModelInput input;

  @Option(
      names = "--training",
      required = true,
      description =
          "CSV of training rows: each feature's allowed range and the median absolute deviation"
              + " distances are measured in.")
  Path training;

  @Option(
      names = "--method",
      defaultValue = "genetic",
      description = "genetic (any model) or gradient (differentiable models).")
  String method;

  @Option(
      names = "--desired-class",
      defaultValue = "-1",
      description = "The class asked for; default the other class of a binary model.")
  int desiredClass;

  @Option(
      names = "--desired-range",
      description = "LOW:HIGH: the --output's value asked for, instead of a class.")
  String desiredRange;

  @Option(
      names = "--output",
      defaultValue = "0",
      description = "The output --desired-range applies to (0).")
  int output;

  @Option(
      names = "--threshold",
      defaultValue = "0.5",
      description = "A one-output model's decision threshold (0.5).")
  double threshold;

  @Option(names = "--immutable", split = ",", description = "Features that may not change.")
  List<String> immutable = new ArrayList<>();

  @Option(names = "--integer", split = ",", description = "Features that take whole numbers.")
  List<String> integers = new ArrayList<>();

  @Option(
      names = "--one-hot",
      split = ",",
      description =
          "Prefixes of one-hot groups: the columns PREFIX_x or PREFIX=x change together, one 1.")
  List<String> oneHot = new ArrayList<>();

  @Option(
      names = "--range",
      description = "NAME=LOW:HIGH: an allowed range narrower than the training data's.")
  List<String> ranges = new ArrayList<>();

  @Option(
      names = "--max-changed",
      defaultValue = "0",
      description = "The most features one counterfactual changes (0: no limit).")
  int maxChanged;

  @Option(names = "--count", defaultValue = "4", description = "Counterfactuals per row (4).")
  int count;

  @Option(names = "--iterations", defaultValue = "300", description = "Generations or steps.")
  int iterations;

  @Option(names = "--seed", defaultValue = "0", description = "The search's seed.")
  long seed;

  @Option(names = "--json", description = "Print the result as one JSON object (last line).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (!method.equals("genetic") && !method.equals("gradient")) {
      throw new IllegalArgumentException("--method is genetic or gradient, not '" + method + "'");
    }
    LoadedModel file = input.read();
    Model predictions = file.probabilities();
    double[][] rows = ModelInput.rows(file, input.data, "--data", Set.of());
    double[][] reference = ModelInput.rows(file, training, "--training", Set.of());
    Space space = Space.of(file.features(), reference);
    for (String range : ranges) {
      String[] parts = range.split("[=:]");
      if (parts.length != 3) {
        throw new IllegalArgumentException("--range is NAME=LOW:HIGH, not '" + range + "'");
      }
      space = space.withRange(parts[0], number(parts[1], "--range"), number(parts[2], "--range"));
    }
    space = space.withImmutable(immutable).withIntegers(integers).withGroupsByPrefix(oneHot);
    Counterfactuals.Options options =
        new Counterfactuals.Options(
            count,
            maxChanged,
            0.5,
            0.5,
            1.0,
            iterations,
            Counterfactuals.Options.DEFAULT.population(),
            seed);
    double[][] predicted = predictions.predict(rows);
    List<Map<String, Object>> explanations = new ArrayList<>();
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> provenance = new LinkedHashMap<>();
    for (int r = 0; r < rows.length; r++) {
      Desired desired = desired(predicted[r], r);
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("row", r + 1);
      one.put("prediction", predicted[r]);
      one.put("desired", desired.describe());
      if (desired.reached(predicted[r])) {
        one.put("status", "already");
        one.put("message", "the row already has the outcome asked for");
        one.put("counterfactuals", List.of());
        explanations.add(one);
        if (!json) {
          out.printf("row %d: already %s%n", r + 1, desired.describe());
        }
        continue;
      }
      Counterfactuals.Result result =
          method.equals("gradient")
              ? Counterfactuals.gradient(
                  file.differentiable("--method gradient"),
                  file.sha256(),
                  space,
                  rows[r],
                  desired,
                  options)
              : Counterfactuals.genetic(
                  predictions, file.sha256(), space, rows[r], desired, options);
      provenance = new LinkedHashMap<>(result.provenance());
      provenance.remove("model_evaluations");
      provenance.remove("valid_rows_met");
      one.put("status", result.status());
      one.put("message", result.message());
      List<Map<String, Object>> found = new ArrayList<>();
      for (Counterfactuals.Counterfactual cf : result.counterfactuals()) {
        Map<String, Object> c = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        for (int j = 0; j < cf.values().length; j++) {
          values.put(file.features().get(j), cf.values()[j]);
        }
        c.put("values", values);
        c.put("outputs", cf.outputs());
        c.put("changes", cf.changes());
        c.put("distance", cf.distance());
        found.add(c);
      }
      one.put("counterfactuals", found);
      one.put("modelEvaluations", result.provenance().get("model_evaluations"));
      explanations.add(one);
      if (!json) {
        out.printf("row %d (%s): %s%n", r + 1, desired.describe(), result.message());
        for (Counterfactuals.Counterfactual cf : result.counterfactuals()) {
          StringBuilder line = new StringBuilder("  ");
          for (Counterfactuals.Change change : cf.changes()) {
            line.append(
                String.format(" %s %s -> %s;", change.feature(), change.from(), change.to()));
          }
          line.append(String.format("  outputs %s", java.util.Arrays.toString(cf.outputs())));
          out.println(line);
        }
      }
    }
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("features", file.features());
      result.put("method", method);
      result.put("explanations", explanations);
      provenance.put("training_sha256", Rows.sha256(reference));
      result.put("provenance", provenance);
      out.println(JSON.writeValueAsString(result));
    }
    out.flush();
    return 0;
  }

  private Desired desired(double[] outputs, int row) {
    if (desiredRange != null) {
      String[] parts = desiredRange.split(":");
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "--desired-range is LOW:HIGH, not '" + desiredRange + "'");
      }
      return new Desired.Range(
          output, number(parts[0], "--desired-range"), number(parts[1], "--desired-range"));
    }
    if (desiredClass >= 0) {
      return new Desired.Class(desiredClass, threshold);
    }
    try {
      return Desired.opposite(outputs, threshold);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "row " + (row + 1) + ": " + e.getMessage() + " with --desired-class");
    }
  }

  private static double number(String text, String option) {
    try {
      double v = Double.parseDouble(text.strip());
      if (Double.isNaN(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": '" + text + "' is not a number");
    }
  }
}
