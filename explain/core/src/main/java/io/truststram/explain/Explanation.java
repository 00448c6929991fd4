package io.truststram.explain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shapley values of some rows, with everything they depend on.
 *
 * @param features the names of what the values are of (features, or groups of features)
 * @param expectedValue per output, the value the attributions start from (E f, in the link's space)
 * @param values {@code [output][row][feature]}: each row's values sum, with the expected value, to
 *     the row's output (in the link's space)
 * @param outputs per row, the output explained ({@code [row][output]}, in the link's space)
 * @param method the method: {@code tree-path-dependent}, {@code tree-interventional}, {@code
 *     kernel}, {@code exact}, {@code linear}
 * @param provenance what the result depends on: the model's hash, the method's parameters, the
 *     value function, the background's hash, the seed, the library's version, and the largest
 *     additivity error
 */
public record Explanation(
    List<String> features,
    double[] expectedValue,
    double[][][] values,
    double[][] outputs,
    String method,
    Map<String, Object> provenance) {

  public Explanation {
    features = List.copyOf(features);
    provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
  }

  /** The library's name and version, as provenance records it. */
  public static String library() {
    String version = Explanation.class.getPackage().getImplementationVersion();
    return "truststram-explain " + (version == null ? "dev" : version);
  }

  /**
   * The largest |Σφ + E − f(x)| over rows and outputs: how far the values are from adding up to the
   * outputs.
   */
  public double additivityError() {
    double worst = 0;
    for (int k = 0; k < values.length; k++) {
      for (int r = 0; r < values[k].length; r++) {
        double sum = expectedValue[k];
        for (double v : values[k][r]) {
          sum += v;
        }
        worst = Math.max(worst, Math.abs(sum - outputs[r][k]));
      }
    }
    return worst;
  }
}
