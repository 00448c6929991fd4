package io.truststram.cli;

import io.truststram.explain.Explanation;
import io.truststram.explain.Link;
import io.truststram.explain.LoadedModel;
import io.truststram.explain.gradient.IntegratedGradients;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/** {@code truststram explain ig}: integrated gradients of a differentiable model's rows. */
@Command(
    name = "ig",
    mixinStandardHelpOptions = true,
    description = {
      "Integrated gradients of each row of --data (Sundararajan et al. 2017): each feature's"
          + " share of the change in the model's output from a baseline, by Gauss-Legendre"
          + " quadrature as Captum's default, with the completeness delta.",
      "Needs a differentiable model: one of ours (--model-format truststram)."
    })
final class ExplainIg implements java.util.concurrent.Callable<Integer> {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ModelInput input;

  @Option(
      names = "--baseline",
      description = "CSV whose first row is the baseline; zeros by default.")
  Path baseline;

  @Option(names = "--steps", defaultValue = "50", description = "Quadrature points (50).")
  int steps;

  @Option(
      names = "--link",
      defaultValue = "identity",
      description = "identity (the probability) or logit (its log-odds).")
  String link;

  @Option(
      names = "--output",
      defaultValue = "-1",
      description = "The output (class) to explain; default the last.")
  int output;

  @Option(names = "--json", description = "Print the result as one JSON object (last line).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    LoadedModel file = input.read();
    var differentiable = file.differentiable("integrated gradients");
    int explained = output < 0 ? differentiable.outputs() - 1 : output;
    if (explained >= differentiable.outputs()) {
      throw new IllegalArgumentException(
          "--output " + output + ": the model has " + differentiable.outputs() + " outputs");
    }
    double[][] rows = ModelInput.rows(file, input.data, "--data", Set.of());
    double[] base =
        baseline == null ? null : ModelInput.rows(file, baseline, "--baseline", Set.of())[0];
    Explanation e =
        IntegratedGradients.explain(
            differentiable,
            file.sha256(),
            file.features(),
            rows,
            new IntegratedGradients.Options(steps, base, Link.of(link)));
    PrintWriter out = spec.commandLine().getOut();
    double[][] deltas = (double[][]) e.provenance().get("deltas");
    if (json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("features", e.features());
      result.put("output", explained);
      result.put("baselineValue", e.expectedValue()[explained]);
      result.put("attributions", e.values()[explained]);
      double[] rowDeltas = new double[rows.length];
      double[] predictions = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        rowDeltas[r] = deltas[r][explained];
        predictions[r] = e.outputs()[r][explained];
      }
      result.put("outputs", predictions);
      result.put("deltas", rowDeltas);
      result.put("method", e.method());
      Map<String, Object> provenance = new LinkedHashMap<>(e.provenance());
      provenance.remove("deltas");
      result.put("provenance", provenance);
      out.println(JSON.writeValueAsString(result));
    } else {
      for (int r = 0; r < rows.length; r++) {
        double[] phi = e.values()[explained][r];
        StringBuilder line =
            new StringBuilder(
                String.format(
                    "row %d: %.4f = %.4f (baseline)",
                    r + 1, e.outputs()[r][explained], e.expectedValue()[explained]));
        Integer[] order = new Integer[phi.length];
        for (int i = 0; i < phi.length; i++) {
          order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(phi[b]), Math.abs(phi[a])));
        for (int i = 0; i < Math.min(8, phi.length); i++) {
          line.append(String.format(" %+.4f %s", phi[order[i]], e.features().get(order[i])));
        }
        line.append(String.format("  (delta %.2e)", deltas[r][explained]));
        out.println(line);
      }
    }
    out.flush();
    return 0;
  }
}
