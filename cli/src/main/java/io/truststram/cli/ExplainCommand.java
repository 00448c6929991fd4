package io.truststram.cli;

import io.truststram.explain.Explanation;
import io.truststram.explain.Link;
import io.truststram.explain.LoadedModel;
import io.truststram.explain.Rows;
import io.truststram.explain.ShapExplainer;
import io.truststram.explain.shap.KernelShap;
import io.truststram.explain.tree.TreeEnsemble;
import io.truststram.explain.tree.XGBoostJson;
import io.truststram.ml.data.CsvTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram explain}: explanations of a model file on the command line, with no server.
 * {@code shap} gives the Shapley values of rows of a CSV file, by TreeSHAP (path-dependent or
 * interventional), Kernel SHAP or exact enumeration.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Explain a model's predictions, locally (no server).",
    subcommands = {
      ExplainCommand.Shap.class,
      ExplainCommand.Lime.class,
      ExplainCommand.Importance.class,
      ExplainCommand.Dependence.class,
      ExplainIg.class,
      ExplainCommand.Merge.class,
      ExplainCounterfactual.class,
      ExplainAttention.class
    })
final class ExplainCommand extends CommandGroup {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** {@code truststram explain shap}. */
  @Command(
      name = "shap",
      mixinStandardHelpOptions = true,
      description = {
        "Shapley values of each row of --data: how much each feature moved the model's output"
            + " away from the expected value.",
        "Tree methods explain the margin (log-odds for a logistic objective), as XGBoost's"
            + " pred_contribs does; kernel and exact explain the output in the --link space."
      })
  static final class Shap implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ModelInput input;

    @Option(
        names = "--background",
        description =
            "CSV of background rows, as --data: what a feature left out of a coalition takes."
                + " Needed by every method but tree-path-dependent.")
    Path background;

    @Option(
        names = "--method",
        defaultValue = "tree-path-dependent",
        description =
            "tree-path-dependent (default; no background), tree-interventional, kernel,"
                + " permutation or exact.")
    String method;

    @Option(
        names = "--link",
        defaultValue = "identity",
        description = "identity or logit (kernel and exact).")
    String link;

    @Option(
        names = "--samples",
        defaultValue = "0",
        description = "Kernel SHAP's coalitions per row; 0 for 2M + 2048.")
    int samples;

    @Option(
        names = "--num-features",
        defaultValue = "10",
        description =
            "Kernel SHAP: at most this many non-zero values per row (shap's"
                + " num_features(10)); 0 for no selection.")
    int numFeatures;

    @Option(
        names = "--max-evals",
        defaultValue = "500",
        description = "Permutation SHAP's coalitions per row (shap's max_evals, default 500).")
    int maxEvaluations;

    @Option(
        names = "--seed",
        defaultValue = "0",
        description = "The seed of Kernel and permutation SHAP's draws.")
    long seed;

    @Option(
        names = "--background-kmeans",
        defaultValue = "0",
        description =
            "Kernel SHAP: summarise --background into K weighted rows by k-means, as"
                + " shap.kmeans (0: use it whole).")
    int kmeans;

    @Option(
        names = "--interactions",
        description =
            "Also give SHAP interaction values (tree methods, with --json): per row a matrix of"
                + " M + 1 by M + 1 (as XGBoost's pred_interactions for tree-path-dependent), and"
                + " their summary, the mean |value| of each pair over the rows.")
    boolean interactions;

    @Option(
        names = "--summary",
        description =
            "Also write the sums of the values (no rows) to this file, for 'explain merge': a"
                + " federation participant's share of a global importance.")
    Path summary;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (interactions && (!json || !method.startsWith("tree-"))) {
        throw new IllegalArgumentException(
            "--interactions goes with --json and a tree method (tree-path-dependent or"
                + " tree-interventional)");
      }
      ShapExplainer.Method chosen = ShapExplainer.Method.of(method);
      Link space = Link.of(link);
      LoadedModel file = input.read();
      TreeEnsemble ensemble = file.ensemble();
      if (ensemble == null && chosen.id().startsWith("tree")) {
        throw new IllegalArgumentException(
            "--method "
                + chosen.id()
                + " explains tree ensembles; a "
                + file.format()
                + " model takes kernel, permutation or exact, with a --background");
      }
      double[][] rows = ModelInput.rows(file, input.data, "--data", java.util.Set.of());
      double[][] reference =
          background == null
              ? null
              : ModelInput.rows(file, background, "--background", java.util.Set.of());
      double[] weights = null;
      if (kmeans > 0) {
        if (reference == null || chosen != ShapExplainer.Method.KERNEL) {
          throw new IllegalArgumentException(
              "--background-kmeans summarises --background for --method kernel");
        }
        var summary = io.truststram.explain.shap.KMeansSummary.of(reference, kmeans, seed);
        reference = summary.centres();
        weights = summary.weights();
      }
      Explanation explanation =
          ShapExplainer.explain(
              file.model(),
              file.sha256(),
              new ShapExplainer.Request(
                  chosen,
                  rows,
                  reference,
                  space,
                  new KernelShap.Options(samples, numFeatures, seed),
                  maxEvaluations,
                  weights));
      if (summary != null) {
        Summaries.write(summary, io.truststram.explain.global.ImportanceSummary.of(explanation));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = toJson(explanation);
        if (interactions) {
          List<Object> matrices = new ArrayList<>();
          List<double[][][]> all = new ArrayList<>();
          for (double[] row : rows) {
            double[][][] matrix =
                chosen == ShapExplainer.Method.TREE_INTERVENTIONAL
                    ? io.truststram.explain.tree.TreeShap.interventionalInteractions(
                        java.util.Objects.requireNonNull(ensemble), row, reference)
                    : io.truststram.explain.tree.TreeShap.interactions(
                        java.util.Objects.requireNonNull(ensemble), row);
            matrices.add(matrix.length == 1 ? matrix[0] : matrix);
            all.add(matrix);
          }
          result.put("interactionValues", matrices);
          List<Object> summaries = new ArrayList<>();
          for (int k = 0; k < ensemble.outputs(); k++) {
            double[][][] perRow = new double[all.size()][][];
            for (int r = 0; r < perRow.length; r++) {
              perRow[r] = all.get(r)[k];
            }
            summaries.add(
                io.truststram.explain.global.GlobalImportance.meanAbsoluteInteractions(perRow));
          }
          result.put(
              "interactionSummary", summaries.size() == 1 ? summaries.getFirst() : summaries);
        }
        out.println(JSON.writeValueAsString(result));
      } else {
        printText(out, explanation);
      }
      out.flush();
      return 0;
    }

    static byte[] readModel(Path file) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no model file " + file);
      }
      if (Files.size(file) > XGBoostJson.MAX_BYTES) {
        throw new IllegalArgumentException(file + " is larger than " + XGBoostJson.MAX_BYTES);
      }
      return Files.readAllBytes(file);
    }

    static CsvTable table(Path file, String option) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(option + ": no file " + file);
      }
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        return CsvTable.read(reader, CsvTable.Format.CSV, List.of());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + ": " + e.getMessage());
      }
    }
  }

  /** {@code truststram explain merge}: global importance from participants' summaries. */
  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      description =
          "Global SHAP importance (mean |value|, mean value, standard deviation per feature) of"
              + " several summaries ('explain shap --summary') taken together, without the rows.")
  static final class Merge implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(arity = "1..*", paramLabel = "SUMMARY", description = "Summary files.")
    List<Path> files;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      io.truststram.explain.global.ImportanceSummary merged = Summaries.importance(files);
      double[][] meanAbs = merged.meanAbsolute();
      double[][] mean = merged.mean();
      double[][] std = merged.standardDeviation();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("features", merged.features());
        result.put("method", merged.method());
        result.put("rows", merged.rows());
        result.put("participants", files.size());
        boolean single = meanAbs.length == 1;
        result.put("meanAbsolute", single ? meanAbs[0] : meanAbs);
        result.put("mean", single ? mean[0] : mean);
        result.put("std", single ? std[0] : std);
        out.println(JSON.writeValueAsString(result));
      } else {
        out.printf("%d rows from %d summaries, %s%n", merged.rows(), files.size(), merged.method());
        for (int k = 0; k < meanAbs.length; k++) {
          Integer[] order = new Integer[meanAbs[k].length];
          for (int j = 0; j < order.length; j++) {
            order[j] = j;
          }
          double[] importance = meanAbs[k];
          java.util.Arrays.sort(order, (a, b) -> Double.compare(importance[b], importance[a]));
          for (int j : order) {
            out.printf(
                "%s%-28s mean |φ| %.4f  mean φ %+.4f  sd %.4f%n",
                meanAbs.length > 1 ? "output " + k + " " : "",
                merged.features().get(j),
                importance[j],
                mean[k][j],
                std[k][j]);
          }
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code truststram explain lime}. */
  @Command(
      name = "lime",
      mixinStandardHelpOptions = true,
      description = {
        "LIME explanations of each row of --data: a weighted linear surrogate fitted around the"
            + " row, with lime's defaults (quartile bins, 5,000 samples, kernel width 0.75·√F).",
        "It explains what the model predicts: the probability of --output for a logistic or"
            + " softmax objective."
      })
  static final class Lime implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ModelInput input;

    @Option(
        names = "--training",
        required = true,
        description = "CSV of training rows, for the quartiles and frequencies LIME samples from.")
    Path training;

    @Option(
        names = "--output",
        defaultValue = "-1",
        description =
            "The output to explain (a class for softmax); default the last (the positive class"
                + " of a binary model).")
    int output;

    @Option(names = "--num-features", defaultValue = "10", description = "Features kept (10).")
    int numFeatures;

    @Option(names = "--samples", defaultValue = "5000", description = "Samples per row (5000).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "The seed of the samples.")
    long seed;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      LoadedModel file = input.read();
      double[][] rows = ModelInput.rows(file, input.data, "--data", java.util.Set.of());
      double[][] reference = ModelInput.rows(file, training, "--training", java.util.Set.of());
      io.truststram.explain.lime.LimeTabular lime =
          new io.truststram.explain.lime.LimeTabular(
              file.probabilities(), reference, file.features(), null);
      int explained = output < 0 ? file.probabilities().outputs() - 1 : output;
      var options = new io.truststram.explain.lime.LimeTabular.Options(samples, numFeatures, seed);
      List<Map<String, Object>> results = new ArrayList<>();
      PrintWriter out = spec.commandLine().getOut();
      for (int r = 0; r < rows.length; r++) {
        var e = lime.explain(rows[r], explained, options);
        results.add(e.toMap());
        if (!json) {
          StringBuilder line =
              new StringBuilder(
                  String.format(
                      "row %d: %.4f (surrogate %.4f, R² %.3f):",
                      r + 1, e.modelPrediction(), e.localPrediction(), e.score()));
          for (int i = 0; i < e.weights().length; i++) {
            line.append(String.format(" %+.4f [%s]", e.weights()[i], e.features().get(i)));
          }
          out.println(line);
        }
      }
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("output", explained);
        result.put("explanations", results);
        result.put("method", "lime");
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("modelSha256", file.sha256());
        provenance.put("trainingSha256", Rows.sha256(reference));
        provenance.put("samples", samples);
        provenance.put("numFeatures", numFeatures);
        provenance.put("kernelWidth", 0.75 * Math.sqrt(file.features().size()));
        provenance.put("discretizer", "quartile");
        provenance.put("seed", seed);
        provenance.put("library", Explanation.library());
        result.put("provenance", provenance);
        out.println(JSON.writeValueAsString(result));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code truststram explain importance}. */
  @Command(
      name = "importance",
      mixinStandardHelpOptions = true,
      description = {
        "Permutation importance, as scikit-learn's permutation_importance: the score on --data"
            + " less the score with one feature's column shuffled, over --repeats shuffles.",
        "Classification models are scored on their probabilities (accuracy or neg_log_loss),"
            + " regressions on their output (r2)."
      })
  static final class Importance implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ModelInput input;

    @Option(names = "--label", required = true, description = "The column of targets.")
    String label;

    @Option(
        names = "--scoring",
        defaultValue = "accuracy",
        description = "accuracy (default), neg_log_loss or r2.")
    String scoring;

    @Option(names = "--repeats", defaultValue = "5", description = "Shuffles per feature (5).")
    int repeats;

    @Option(names = "--seed", defaultValue = "0", description = "The shuffles' seed.")
    long seed;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      io.truststram.explain.global.GlobalImportance.Scoring scorer =
          switch (scoring) {
            case "accuracy" -> io.truststram.explain.global.GlobalImportance.Scoring.ACCURACY;
            case "neg_log_loss" ->
                io.truststram.explain.global.GlobalImportance.Scoring.NEG_LOG_LOSS;
            case "r2" -> io.truststram.explain.global.GlobalImportance.Scoring.R2;
            default ->
                throw new IllegalArgumentException(
                    "--scoring is accuracy, neg_log_loss or r2, not '" + scoring + "'");
          };
      LoadedModel file = input.read();
      CsvTable table = Shap.table(input.data, "--data");
      double[][] rows = ModelInput.rows(file, input.data, "--data", java.util.Set.of(label));
      String[] column = table.column(label);
      double[] targets = new double[column.length];
      for (int r = 0; r < column.length; r++) {
        try {
          targets[r] = Double.parseDouble(column[r].strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--data, row " + (r + 1) + ", '" + label + "': '" + column[r] + "' is not a number");
        }
      }
      double[][] importance =
          io.truststram.explain.global.GlobalImportance.permutation(
              file.probabilities(), rows, targets, scorer, null, repeats, seed);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < importance.length; i++) {
        order.add(i);
      }
      order.sort((a, b) -> Double.compare(importance[b][0], importance[a][0]));
      PrintWriter out = spec.commandLine().getOut();
      List<Map<String, Object>> features = new ArrayList<>();
      for (int i : order) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("feature", file.features().get(i));
        one.put("importance", importance[i][0]);
        one.put("std", importance[i][1]);
        features.add(one);
        if (!json) {
          out.printf(
              "%-24s %.4f ± %.4f%n", file.features().get(i), importance[i][0], importance[i][1]);
        }
      }
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scoring", scoring);
        result.put("repeats", repeats);
        result.put("importances", features);
        result.put("modelSha256", file.sha256());
        result.put("seed", seed);
        out.println(JSON.writeValueAsString(result));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code truststram explain pdp}. */
  @Command(
      name = "pdp",
      mixinStandardHelpOptions = true,
      description =
          "Partial dependence (and with --ice, individual conditional expectation) of the model's"
              + " prediction on one feature, as scikit-learn's partial_dependence.")
  static final class Dependence implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin ModelInput input;

    @Option(names = "--feature", required = true, description = "The feature's name.")
    String feature;

    @Option(
        names = "--output",
        defaultValue = "-1",
        description = "The output (class) to follow; default the last.")
    int output;

    @Option(
        names = "--resolution",
        defaultValue = "100",
        description = "Grid points over the 5th to 95th percentile (100).")
    int resolution;

    @Option(names = "--ice", description = "Include each row's curve.")
    boolean ice;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      if (resolution < 2 || resolution > 10_000) {
        throw new IllegalArgumentException("--resolution is 2 to 10000");
      }
      LoadedModel file = input.read();
      int index = file.features().indexOf(feature);
      if (index < 0) {
        throw new IllegalArgumentException(
            "the model has no feature '" + feature + "'; it has " + file.features());
      }
      double[][] rows = ModelInput.rows(file, input.data, "--data", java.util.Set.of());
      var dependence =
          io.truststram.explain.global.GlobalImportance.partialDependence(
              file.probabilities(),
              rows,
              index,
              output < 0 ? file.probabilities().outputs() - 1 : output,
              resolution);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("feature", feature);
        result.put("grid", dependence.grid());
        result.put("average", dependence.average());
        if (ice) {
          result.put("individual", dependence.individual());
        }
        out.println(JSON.writeValueAsString(result));
      } else {
        for (int g = 0; g < dependence.grid().length; g++) {
          out.printf("%s = %.4g: %.4f%n", feature, dependence.grid()[g], dependence.average()[g]);
        }
      }
      out.flush();
      return 0;
    }
  }

  /**
   * The JSON form: for one output, {@code expectedValue} a number and {@code shapValues} one row of
   * values per input row; for several, one of each per output.
   */
  static Map<String, Object> toJson(Explanation explanation) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("features", explanation.features());
    boolean single = explanation.expectedValue().length == 1;
    out.put("expectedValue", single ? explanation.expectedValue()[0] : explanation.expectedValue());
    out.put("shapValues", single ? explanation.values()[0] : explanation.values());
    out.put("method", explanation.method());
    out.put("provenance", explanation.provenance());
    return out;
  }

  private static void printText(PrintWriter out, Explanation explanation) {
    List<String> features = explanation.features();
    int outputs = explanation.expectedValue().length;
    for (int r = 0; r < explanation.outputs().length; r++) {
      for (int k = 0; k < outputs; k++) {
        double[] phi = explanation.values()[k][r];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < phi.length; i++) {
          order.add(i);
        }
        order.sort((a, b) -> Double.compare(Math.abs(phi[b]), Math.abs(phi[a])));
        StringBuilder line =
            new StringBuilder(
                String.format(
                    "row %d%s: %.4f = %.4f (expected)",
                    r + 1,
                    outputs > 1 ? " output " + k : "",
                    explanation.outputs()[r][k],
                    explanation.expectedValue()[k]));
        for (int i : order.subList(0, Math.min(8, order.size()))) {
          line.append(String.format(" %+.4f %s", phi[i], features.get(i)));
        }
        if (order.size() > 8) {
          line.append(" …");
        }
        out.println(line);
      }
    }
    out.println(
        "method "
            + explanation.method()
            + ", additivity error "
            + explanation.provenance().get("additivityError"));
  }
}
