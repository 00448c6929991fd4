package io.truststram.explain.gradient;

import io.truststram.explain.Differentiable;
import io.truststram.explain.Explanation;
import io.truststram.explain.GaussLegendre;
import io.truststram.explain.Link;
import io.truststram.explain.Rows;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Integrated gradients (Sundararajan, Taly and Yan 2017): feature i of row x gets (x_i − x'_i) ∫₀¹
 * ∂F(x' + α(x − x'))/∂x_i dα from a baseline x', the integral by Gauss–Legendre quadrature on [0,
 * 1] as Captum's default {@code gausslegendre} method (50 steps by default). The attributions sum
 * to F(x) − F(x') up to the quadrature's error, which each result reports as its completeness delta
 * (Captum's {@code return_convergence_delta}); more steps shrink it.
 *
 * <p>F is the model's output in the link's space: the probability itself ({@link Link#IDENTITY}),
 * or its log-odds ({@link Link#LOGIT}, the gradient divided by p(1 − p)).
 */
public final class IntegratedGradients {

  /** The most steps a request may ask for. */
  public static final int MAX_STEPS = 10_000;

  private IntegratedGradients() {}

  /**
   * What to compute.
   *
   * @param steps the quadrature's points (Captum's {@code n_steps}), 50 by default
   * @param baseline the baseline row x', or null for zeros (Captum's default)
   * @param link the space F is in
   */
  public record Options(
      int steps, double @org.jspecify.annotations.Nullable [] baseline, Link link) {
    public static final Options DEFAULT = new Options(50, null, Link.IDENTITY);

    public Options {
      if (steps < 1 || steps > MAX_STEPS) {
        throw new IllegalArgumentException("steps lie in 1.." + MAX_STEPS + ", not " + steps);
      }
      baseline = baseline == null ? null : baseline.clone();
    }
  }

  /**
   * The attributions of {@code rows} for every output of {@code model}, as an {@link Explanation}
   * whose expected value is F at the baseline and whose additivity error is the largest
   * completeness delta; each row's delta per output is in the provenance as {@code deltas}.
   *
   * @throws IllegalArgumentException for rows or a baseline of the wrong length, or values that are
   *     not finite
   */
  public static Explanation explain(
      Differentiable model,
      String modelSha256,
      List<String> features,
      double[][] rows,
      Options options) {
    int m = model.features();
    int k = model.outputs();
    if (features.size() != m) {
      throw new IllegalArgumentException(features.size() + " feature names for " + m + " inputs");
    }
    if (rows.length == 0) {
      throw new IllegalArgumentException("there are no rows to explain");
    }
    double[] baseline = options.baseline() == null ? new double[m] : options.baseline();
    check(baseline, m, "the baseline");
    for (double[] row : rows) {
      check(row, m, "a row");
    }
    double[][] rule = GaussLegendre.unitInterval(options.steps());
    double[] alphas = rule[0];
    double[] weights = rule[1];
    Link link = options.link();
    double[] baseOutputs = model.predict(new double[][] {baseline})[0];
    double[] expected = new double[k];
    for (int o = 0; o < k; o++) {
      expected[o] = link.apply(baseOutputs[o]);
    }
    double[][][] values = new double[k][rows.length][m];
    double[][] outputs = new double[rows.length][k];
    double[][] deltas = new double[rows.length][k];
    IntStream.range(0, rows.length)
        .parallel()
        .forEach(
            r -> {
              double[] x = rows[r];
              double[] point = new double[m];
              double[] out = new double[k];
              double[] gradient = new double[m];
              double[] here = model.predict(new double[][] {x})[0];
              for (int o = 0; o < k; o++) {
                outputs[r][o] = link.apply(here[o]);
                double[] integral = new double[m];
                for (int s = 0; s < alphas.length; s++) {
                  for (int j = 0; j < m; j++) {
                    point[j] = baseline[j] + alphas[s] * (x[j] - baseline[j]);
                  }
                  model.gradient(point, o, out, gradient);
                  double scale = weights[s] * chain(link, out[o]);
                  for (int j = 0; j < m; j++) {
                    integral[j] += scale * gradient[j];
                  }
                }
                double sum = 0;
                for (int j = 0; j < m; j++) {
                  values[o][r][j] = (x[j] - baseline[j]) * integral[j];
                  sum += values[o][r][j];
                }
                deltas[r][o] = sum - (outputs[r][o] - expected[o]);
              }
            });
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("model_sha256", modelSha256);
    provenance.put("method", "integrated-gradients");
    provenance.put("integration", "gausslegendre");
    provenance.put("steps", options.steps());
    provenance.put("baseline", options.baseline() == null ? "zeros" : "given");
    provenance.put("baseline_sha256", Rows.sha256(new double[][] {baseline}));
    provenance.put("link", link.id());
    provenance.put("library", Explanation.library());
    provenance.put("deltas", deltas);
    Explanation explanation =
        new Explanation(features, expected, values, outputs, "integrated-gradients", provenance);
    provenance.put("completeness_delta", explanation.additivityError());
    return new Explanation(features, expected, values, outputs, "integrated-gradients", provenance);
  }

  /** dF/dp for the link at probability p: 1, or 1 / (p(1 − p)) for log-odds. */
  private static double chain(Link link, double p) {
    if (link == Link.IDENTITY) {
      return 1;
    }
    double q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
    return 1 / (q * (1 - q));
  }

  private static void check(double[] row, int m, String what) {
    if (row.length != m) {
      throw new IllegalArgumentException(what + " has " + row.length + " values, not " + m);
    }
    for (double v : row) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(what + " has a value that is not finite: " + v);
      }
    }
  }
}
