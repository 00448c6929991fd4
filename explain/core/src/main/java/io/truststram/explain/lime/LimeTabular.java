package io.truststram.explain.lime;

import io.truststram.explain.Model;
import io.truststram.explain.Percentiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * LIME for tabular data (Ribeiro, Singh and Guestrin 2016) with {@code lime}'s defaults: continuous
 * features discretised into their training quartiles; 5,000 samples drawn around the row, each
 * feature's bin from its training frequencies and a value within the bin from a normal of the bin's
 * mean and deviation truncated to the bin; distance the Euclidean distance between the samples'
 * binary "same bin as the row" vectors; kernel √exp(−d²/w²) with width w = 0.75·√F; the features
 * chosen by forward selection when at most 6 are asked for, else by the largest weights of a ridge
 * fit (α = 0.01) on all; and a weighted ridge regression (α = 1, with intercept) on the chosen ones
 * as the surrogate. It returns the surrogate's weights by feature condition ("age > 48"), its
 * intercept, its prediction at the row and its weighted R². The draws come from a seed, so an
 * explanation is reproducible.
 *
 * <p>Differences from lime, on purpose: a bin of zero width yields its value (lime yields a z-score
 * there by accident); the truncated normal is drawn by rejection with a bounded number of tries.
 */
public final class LimeTabular {

  /** lime's defaults. */
  public record Options(int samples, int numFeatures, long seed) {
    public static final Options DEFAULT = new Options(5000, 10, 0);

    public Options {
      if (samples < 2 || samples > 1_000_000) {
        throw new IllegalArgumentException("LIME draws 2 to 1,000,000 samples, not " + samples);
      }
      if (numFeatures < 1) {
        throw new IllegalArgumentException("LIME explains with at least one feature");
      }
    }
  }

  /**
   * A local explanation.
   *
   * @param output the model output explained
   * @param intercept the surrogate's intercept
   * @param features the chosen features' conditions, by decreasing |weight|
   * @param featureIndices the chosen features' indices, in the same order
   * @param weights the surrogate's weights, in the same order
   * @param localPrediction the surrogate's prediction at the row
   * @param modelPrediction the model's output at the row
   * @param score the surrogate's weighted R² on the samples
   */
  public record Explanation(
      int output,
      double intercept,
      List<String> features,
      int[] featureIndices,
      double[] weights,
      double localPrediction,
      double modelPrediction,
      double score) {

    /**
     * The explanation as JSON takes it: {@code weights} (each a {@code feature} condition and its
     * {@code weight}, in order), {@code intercept}, {@code localPrediction}, {@code prediction}
     * (the model's) and {@code score}.
     */
    public java.util.Map<String, Object> toMap() {
      java.util.List<java.util.Map<String, Object>> list = new java.util.ArrayList<>();
      for (int i = 0; i < weights.length; i++) {
        java.util.Map<String, Object> w = new java.util.LinkedHashMap<>();
        w.put("feature", features.get(i));
        w.put("weight", weights[i]);
        list.add(w);
      }
      java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
      out.put("weights", list);
      out.put("intercept", intercept);
      out.put("localPrediction", localPrediction);
      out.put("prediction", modelPrediction);
      out.put("score", score);
      return out;
    }
  }

  private final Model model;
  private final List<String> names;
  private final boolean[] categorical;

  /** Per feature: the quartile edges (continuous), or the category values (categorical). */
  private final double[][] edges;

  /** Per feature and bin (or category): training frequency, mean, deviation, bounds. */
  private final double[][] frequency;

  private final double[][] mean;
  private final double[][] deviation;
  private final double[][] lower;
  private final double[][] upper;

  /**
   * An explainer of {@code model}, with statistics from {@code training} rows.
   *
   * @param categorical per feature, whether it is categorical (sampled by value frequency); null
   *     for none
   * @throws IllegalArgumentException for no training rows, rows of the wrong length, or values that
   *     are not finite
   */
  public LimeTabular(Model model, double[][] training, List<String> names, boolean[] categorical) {
    int f = model.features();
    if (training.length == 0) {
      throw new IllegalArgumentException("LIME needs training rows for its statistics");
    }
    if (names.size() != f) {
      throw new IllegalArgumentException(names.size() + " names for " + f + " features");
    }
    for (double[] row : training) {
      if (row.length != f) {
        throw new IllegalArgumentException(
            "a training row has " + row.length + " values; the model takes " + f);
      }
      for (double v : row) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("LIME's training rows hold finite values only");
        }
      }
    }
    this.model = model;
    this.names = List.copyOf(names);
    this.categorical = categorical == null ? new boolean[f] : categorical.clone();
    this.edges = new double[f][];
    this.frequency = new double[f][];
    this.mean = new double[f][];
    this.deviation = new double[f][];
    this.lower = new double[f][];
    this.upper = new double[f][];
    for (int j = 0; j < f; j++) {
      double[] column = new double[training.length];
      for (int r = 0; r < training.length; r++) {
        column[r] = training[r][j];
      }
      if (this.categorical[j]) {
        edges[j] = Arrays.stream(column).distinct().sorted().toArray();
      } else {
        double[] sorted = column.clone();
        Arrays.sort(sorted);
        edges[j] =
            Arrays.stream(new double[] {25, 50, 75})
                .map(q -> Percentiles.of(sorted, q))
                .distinct()
                .toArray();
      }
      int bins = this.categorical[j] ? edges[j].length : edges[j].length + 1;
      frequency[j] = new double[bins];
      mean[j] = new double[bins];
      deviation[j] = new double[bins];
      lower[j] = new double[bins];
      upper[j] = new double[bins];
      double[] sumSquares = new double[bins];
      for (double v : column) {
        int b = bin(j, v);
        frequency[j][b]++;
        mean[j][b] += v;
        sumSquares[b] += v * v;
      }
      double min = Arrays.stream(column).min().orElseThrow();
      double max = Arrays.stream(column).max().orElseThrow();
      for (int b = 0; b < bins; b++) {
        double count = frequency[j][b];
        if (count > 0) {
          mean[j][b] /= count;
          double variance = Math.max(0, sumSquares[b] / count - mean[j][b] * mean[j][b]);
          deviation[j][b] = Math.sqrt(variance) + 1e-11;
        }
        frequency[j][b] /= training.length;
        if (!this.categorical[j]) {
          lower[j][b] = b == 0 ? min : edges[j][b - 1];
          upper[j][b] = b == bins - 1 ? max : edges[j][b];
        }
      }
    }
  }

  /** The bin of value v of feature j: numpy's searchsorted(edges, v, side='left'). */
  private int bin(int j, double v) {
    if (categorical[j]) {
      int at = Arrays.binarySearch(edges[j], v);
      return Math.max(at, 0);
    }
    int b = 0;
    while (b < edges[j].length && edges[j][b] < v) {
      b++;
    }
    return b;
  }

  /** The condition a bin stands for, as lime names it. */
  private String condition(int j, int b, double value) {
    String name = names.get(j);
    if (categorical[j]) {
      return name + "=" + format(value);
    }
    double[] e = edges[j];
    if (e.length == 0) {
      return name;
    }
    if (b == 0) {
      return name + " <= " + format(e[0]);
    }
    if (b == e.length) {
      return name + " > " + format(e[e.length - 1]);
    }
    return format(e[b - 1]) + " < " + name + " <= " + format(e[b]);
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /**
   * Explains output {@code output} of {@code row} (the probability of a class, or a regression
   * value).
   *
   * @throws IllegalArgumentException for a row of the wrong length or with a value that is not
   *     finite, or an output the model does not have
   */
  public Explanation explain(double[] row, int output, Options options) {
    int f = model.features();
    if (row.length != f) {
      throw new IllegalArgumentException(
          "the row has " + row.length + " values; the model takes " + f);
    }
    for (double v : row) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("LIME explains rows of finite values");
      }
    }
    if (output < 0 || output >= model.outputs()) {
      throw new IllegalArgumentException(
          "the model has outputs 0 to " + (model.outputs() - 1) + ", not " + output);
    }
    for (int j = 0; j < f; j++) {
      if (categorical[j] && Arrays.binarySearch(edges[j], row[j]) < 0) {
        throw new IllegalArgumentException(
            "'" + names.get(j) + "' = " + format(row[j]) + " is a category the training rows lack");
      }
    }
    int n = options.samples();
    SplittableRandom random = new SplittableRandom(options.seed());
    double[][] binary = new double[n][f];
    double[][] samples = new double[n][f];
    int[] rowBin = new int[f];
    for (int j = 0; j < f; j++) {
      rowBin[j] = bin(j, row[j]);
    }
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < f; j++) {
        if (s == 0) {
          binary[0][j] = 1;
          samples[0][j] = row[j];
          continue;
        }
        int b = draw(frequency[j], random);
        binary[s][j] = b == rowBin[j] ? 1 : 0;
        samples[s][j] = categorical[j] ? edges[j][b] : undiscretise(j, b, random);
      }
    }
    double width = 0.75 * Math.sqrt(f);
    double[] weight = new double[n];
    for (int s = 0; s < n; s++) {
      double d2 = 0;
      for (int j = 0; j < f; j++) {
        d2 += (binary[s][j] - 1) * (binary[s][j] - 1);
      }
      weight[s] = Math.sqrt(Math.exp(-d2 / (width * width)));
    }
    double[][] predicted = model.predict(samples);
    double[] y = new double[n];
    for (int s = 0; s < n; s++) {
      y[s] = predicted[s][output];
    }
    int k = Math.min(options.numFeatures(), f);
    int[] chosen =
        k <= 6
            ? Ridge.forwardSelection(binary, y, weight, k)
            : highestWeights(binary, y, weight, k);
    Ridge fit = Ridge.fit(columns(binary, chosen), y, weight, 1.0);
    Integer[] order = new Integer[chosen.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> -Math.abs(fit.coefficients()[i])));
    List<String> conditions = new ArrayList<>();
    int[] indices = new int[chosen.length];
    double[] weights = new double[chosen.length];
    for (int i = 0; i < order.length; i++) {
      int j = chosen[order[i]];
      indices[i] = j;
      weights[i] = fit.coefficients()[order[i]];
      conditions.add(condition(j, rowBin[j], row[j]));
    }
    double local = fit.intercept();
    for (int i = 0; i < chosen.length; i++) {
      local += fit.coefficients()[i] * binary[0][chosen[i]];
    }
    return new Explanation(
        output,
        fit.intercept(),
        conditions,
        indices,
        weights,
        local,
        y[0],
        fit.score(columns(binary, chosen), y, weight));
  }

  private static int[] highestWeights(double[][] x, double[] y, double[] w, int k) {
    Ridge all = Ridge.fit(x, y, w, 0.01);
    Integer[] order = new Integer[x[0].length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // |coefficient × the row's value|, and the row's binary value is 1 for every feature.
    Arrays.sort(order, Comparator.comparingDouble(i -> -Math.abs(all.coefficients()[i])));
    int[] out = new int[k];
    for (int i = 0; i < k; i++) {
      out[i] = order[i];
    }
    return out;
  }

  static double[][] columns(double[][] x, int[] chosen) {
    double[][] out = new double[x.length][chosen.length];
    for (int r = 0; r < x.length; r++) {
      for (int i = 0; i < chosen.length; i++) {
        out[r][i] = x[r][chosen[i]];
      }
    }
    return out;
  }

  private static int draw(double[] probabilities, SplittableRandom random) {
    double u = random.nextDouble();
    for (int b = 0; b < probabilities.length; b++) {
      u -= probabilities[b];
      if (u < 0) {
        return b;
      }
    }
    return probabilities.length - 1;
  }

  /** A value in bin b of feature j: normal of the bin's mean and deviation, truncated to it. */
  private double undiscretise(int j, int b, SplittableRandom random) {
    double lo = lower[j][b];
    double hi = upper[j][b];
    if (!(hi > lo)) {
      return lo;
    }
    for (int tries = 0; tries < 1000; tries++) {
      double v = mean[j][b] + deviation[j][b] * gaussian(random);
      if (v >= lo && v <= hi) {
        return v;
      }
    }
    return Math.min(hi, Math.max(lo, mean[j][b]));
  }

  private static double gaussian(SplittableRandom random) {
    // Box–Muller, one value per call.
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
