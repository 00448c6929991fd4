package io.truststram.explain.shap;

import io.truststram.explain.Link;
import io.truststram.explain.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Kernel SHAP (Lundberg and Lee 2017) as shap's {@code KernelExplainer} computes it, for any model.
 *
 * <p>Only the M groups (features, or groups such as a one-hot encoding's columns) whose value
 * differs from some background row take part. With {@code samples} 0 the budget is 2M + 2048, at
 * most 2^M − 2 coalitions (so M ≤ 11 is enumerated whole). Coalition sizes are taken from the
 * smallest and largest inwards, with their complements, enumerated whole while the budget covers
 * each coalition's Shapley kernel weight; the rest of the budget is drawn at random, in complement
 * pairs, by size from the remaining kernel weight, and the leftover weight shared among them. Each
 * coalition is evaluated once against every background row (a coalition drawn again only adds to
 * its weight), and its value is the link of the background-weighted mean output. The values solve
 * the weighted least-squares problem with the efficiency constraint (they sum to link(f(x)) −
 * link(E f)) eliminated exactly; with {@code numFeatures} below M, least-angle regression on shap's
 * augmented problem first chooses which groups may be non-zero (shap's default {@code
 * l1_reg="num_features(10)"}).
 *
 * <p>Differences from shap, on purpose: a seed makes the draws reproducible; complements of drawn
 * coalitions are memoised like the coalitions themselves; model calls are batched and run on
 * several threads.
 */
public final class KernelShap {

  /**
   * How far from every background row a group's value must be to take part, as numpy's allclose.
   */
  private static final double RTOL = 1e-5;

  private static final double ATOL = 1e-8;

  /** Rows per model call. */
  private static final int BATCH_ROWS = 8192;

  /**
   * The settings.
   *
   * @param samples the coalitions to evaluate; 0 for 2M + 2048
   * @param numFeatures the most groups with a non-zero value (least-angle selection below M); 0 for
   *     no selection
   * @param seed the seed of the random draws
   */
  public record Options(int samples, int numFeatures, long seed) {
    /** shap's defaults: an automatic budget, {@code num_features(10)}. */
    public static final Options DEFAULT = new Options(0, 10, 0);

    public Options {
      if (samples < 0 || numFeatures < 0) {
        throw new IllegalArgumentException("samples and numFeatures are 0 or more");
      }
    }
  }

  /**
   * What an explanation cost.
   *
   * @param varying the groups that took part (M)
   * @param coalitions the distinct coalitions evaluated
   * @param duplicates coalitions drawn again and not re-evaluated
   * @param modelRows the rows the model was asked to predict
   * @param enumerated whether every coalition was evaluated
   */
  public record Cost(
      int varying, int coalitions, int duplicates, long modelRows, boolean enumerated) {}

  /** Values per output and group, the expected value last, and the cost. */
  public record Result(double[][] values, Cost cost) {}

  private final Model model;
  private final Link link;
  private final double[][] background;
  private final double[] weights;
  private final int[][] groups;
  private final double[] expectedOutput;

  /**
   * An explainer of {@code model} against {@code background} (weights null for equal), with
   * features explained in {@code groups} (null: each feature alone).
   *
   * @throws IllegalArgumentException for an empty background, rows of the wrong length, weights
   *     that are negative or do not match, or groups that do not partition the features
   */
  public KernelShap(
      Model model, Link link, double[][] background, double[] weights, int[][] groups) {
    if (background.length == 0) {
      throw new IllegalArgumentException("the background has no rows");
    }
    int m = model.features();
    for (double[] b : background) {
      if (b.length != m) {
        throw new IllegalArgumentException(
            "a background row has " + b.length + " values; the model takes " + m);
      }
    }
    this.model = model;
    this.link = link;
    this.background = background;
    this.weights = normalise(weights, background.length);
    this.groups = groups == null ? singletons(m) : checkGroups(groups, m);
    double[][] out = model.predict(background);
    this.expectedOutput = new double[model.outputs()];
    for (int b = 0; b < out.length; b++) {
      for (int k = 0; k < expectedOutput.length; k++) {
        expectedOutput[k] += this.weights[b] * out[b][k];
      }
    }
  }

  /** The expected value per output: link of the background's weighted mean output. */
  public double[] expectedValue() {
    double[] out = new double[expectedOutput.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = link.apply(expectedOutput[k]);
    }
    return out;
  }

  /** The groups explained, as feature indices. */
  public int[][] groups() {
    return groups.clone();
  }

  /**
   * The values of {@code row}: {@code [output][group]}, the expected value last.
   *
   * @throws IllegalArgumentException for a row of the wrong length
   */
  public Result explain(double[] row, Options options) {
    if (row.length != model.features()) {
      throw new IllegalArgumentException(
          "the row has " + row.length + " values; the model takes " + model.features());
    }
    int outputs = model.outputs();
    int g = groups.length;
    double[][] values = new double[outputs][g + 1];
    double[] expected = expectedValue();
    for (int k = 0; k < outputs; k++) {
      values[k][g] = expected[k];
    }
    double[] fx = model.predict(new double[][] {row})[0];
    int[] varying = varying(row);
    int m = varying.length;
    if (m == 0) {
      return new Result(values, new Cost(0, 0, 0, 1, true));
    }
    if (m == 1) {
      for (int k = 0; k < outputs; k++) {
        values[k][varying[0]] = link.apply(fx[k]) - expected[k];
      }
      return new Result(values, new Cost(1, 0, 0, 1, true));
    }
    Sampler sampler = new Sampler(m, options);
    List<BitSet> masks = sampler.masks;
    double[][] ey = evaluate(row, varying, masks);
    for (int k = 0; k < outputs; k++) {
      double total = link.apply(fx[k]) - expected[k];
      double[] adjusted = new double[masks.size()];
      for (int s = 0; s < masks.size(); s++) {
        adjusted[s] = link.apply(ey[s][k]) - expected[k];
      }
      double[] phi =
          solve(masks, sampler.kernelWeights(), adjusted, total, m, options.numFeatures());
      for (int i = 0; i < m; i++) {
        values[k][varying[i]] = Math.abs(phi[i]) < 1e-10 ? 0 : phi[i];
      }
    }
    return new Result(
        values,
        new Cost(
            m,
            masks.size(),
            sampler.duplicates,
            1 + (long) masks.size() * background.length,
            sampler.enumerated));
  }

  /** The groups whose value differs from some background row's (NaN equals NaN). */
  private int[] varying(double[] row) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < groups.length; i++) {
      boolean differs = false;
      for (double[] b : background) {
        for (int f : groups[i]) {
          double x = row[f];
          double y = b[f];
          boolean same =
              (Double.isNaN(x) && Double.isNaN(y))
                  || x == y
                  || Math.abs(x - y) <= ATOL + RTOL * Math.abs(y);
          if (!same) {
            differs = true;
            break;
          }
        }
        if (differs) {
          break;
        }
      }
      if (differs) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The background-weighted mean output of each coalition: the coalition's groups from the row, the
   * others from each background row. Coalitions are evaluated in batches on several threads.
   */
  private double[][] evaluate(double[] row, int[] varying, List<BitSet> masks) {
    int outputs = model.outputs();
    int n = background.length;
    int perBatch = Math.max(1, BATCH_ROWS / n);
    int batches = (masks.size() + perBatch - 1) / perBatch;
    double[][] ey = new double[masks.size()][outputs];
    IntStream.range(0, batches)
        .parallel()
        .forEach(
            batch -> {
              int from = batch * perBatch;
              int to = Math.min(masks.size(), from + perBatch);
              double[][] rows = new double[(to - from) * n][];
              for (int s = from; s < to; s++) {
                BitSet mask = masks.get(s);
                for (int b = 0; b < n; b++) {
                  double[] mixed = background[b].clone();
                  for (int i = mask.nextSetBit(0); i >= 0; i = mask.nextSetBit(i + 1)) {
                    for (int f : groups[varying[i]]) {
                      mixed[f] = row[f];
                    }
                  }
                  rows[(s - from) * n + b] = mixed;
                }
              }
              double[][] out = new double[rows.length][outputs];
              model.predict(rows, out);
              for (int s = from; s < to; s++) {
                for (int b = 0; b < n; b++) {
                  double[] o = out[(s - from) * n + b];
                  for (int k = 0; k < outputs; k++) {
                    ey[s][k] += weights[b] * o[k];
                  }
                }
              }
            });
    return ey;
  }

  /**
   * The weighted least-squares values with Σφ = total eliminated exactly, on the groups least-angle
   * regression selects when {@code numFeatures} is below m.
   */
  static double[] solve(
      List<BitSet> masks,
      double[] kernel,
      double[] adjusted,
      double total,
      int m,
      int numFeatures) {
    int n = masks.size();
    List<Integer> chosen = new ArrayList<>();
    if (numFeatures > 0 && numFeatures < m) {
      // shap's augmented problem: each coalition twice, weighted by (m − |S|) and |S|.
      double[][] x = new double[2 * n][m];
      double[] y = new double[2 * n];
      for (int s = 0; s < n; s++) {
        BitSet mask = masks.get(s);
        int size = mask.cardinality();
        double w1 = Math.sqrt(kernel[s] * (m - size));
        double w2 = Math.sqrt(kernel[s] * size);
        for (int i = 0; i < m; i++) {
          double in = mask.get(i) ? 1 : 0;
          x[s][i] = w1 * in;
          x[n + s][i] = w2 * (in - 1);
        }
        y[s] = w1 * adjusted[s];
        y[n + s] = w2 * (adjusted[s] - total);
      }
      chosen.addAll(Linear.leastAngleActive(x, y, numFeatures));
    } else {
      for (int i = 0; i < m; i++) {
        chosen.add(i);
      }
    }
    double[] phi = new double[m];
    if (chosen.isEmpty()) {
      return phi;
    }
    int last = chosen.get(chosen.size() - 1);
    int p = chosen.size() - 1;
    double[][] normal = new double[p][p];
    double[] right = new double[p];
    double[] column = new double[p];
    for (int s = 0; s < n; s++) {
      BitSet mask = masks.get(s);
      double lastIn = mask.get(last) ? 1 : 0;
      double y = adjusted[s] - lastIn * total;
      for (int j = 0; j < p; j++) {
        column[j] = (mask.get(chosen.get(j)) ? 1 : 0) - lastIn;
      }
      double w = kernel[s];
      for (int i = 0; i < p; i++) {
        if (column[i] == 0) {
          continue;
        }
        right[i] += w * column[i] * y;
        for (int j = 0; j < p; j++) {
          normal[i][j] += w * column[i] * column[j];
        }
      }
    }
    double[] solution = Linear.solveSymmetric(normal, right);
    double sum = 0;
    for (int j = 0; j < p; j++) {
      phi[chosen.get(j)] = solution[j];
      sum += solution[j];
    }
    phi[last] = total - sum;
    return phi;
  }

  /** shap's choice of coalitions and their kernel weights, for m groups. */
  static final class Sampler {
    final List<BitSet> masks = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();
    private final Map<BitSet, Integer> seen = new HashMap<>();
    int duplicates;
    boolean enumerated;
    private final int fixed;

    Sampler(int m, Options options) {
      long budget = options.samples() > 0 ? options.samples() : 2L * m + 2048;
      if (m <= 30) {
        budget = Math.min(budget, (1L << m) - 2);
      }
      // Sizes 1 … ⌈(m − 1)/2⌉ stand for themselves and their complements (m − size); all but an
      // even m's middle size are paired with a distinct complement size.
      int sizes = (int) Math.ceil((m - 1) / 2.0);
      int paired = (m - 1) / 2;
      double[] kernel = new double[sizes];
      double sum = 0;
      for (int i = 1; i <= sizes; i++) {
        kernel[i - 1] = (m - 1.0) / (i * (double) (m - i));
        if (i <= paired) {
          kernel[i - 1] *= 2;
        }
        sum += kernel[i - 1];
      }
      for (int i = 0; i < sizes; i++) {
        kernel[i] /= sum;
      }
      double[] remaining = kernel.clone();
      long left = budget;
      int full = 0;
      for (int size = 1; size <= sizes; size++) {
        double subsets = Coalitions.binomial(m, size);
        if (size <= paired) {
          subsets *= 2;
        }
        if (!(left * remaining[size - 1] / subsets >= 1.0 - 1e-8)) {
          break;
        }
        full++;
        left -= (long) subsets;
        if (remaining[size - 1] < 1) {
          double rest = 1 - remaining[size - 1];
          for (int i = 0; i < sizes; i++) {
            remaining[i] /= rest;
          }
        }
        double w = kernel[size - 1] / Coalitions.binomial(m, size);
        if (size <= paired) {
          w /= 2;
        }
        for (int[] combination : combinations(m, size)) {
          BitSet mask = new BitSet(m);
          for (int i : combination) {
            mask.set(i);
          }
          add(mask, w);
          if (size <= paired) {
            BitSet complement = (BitSet) mask.clone();
            complement.flip(0, m);
            add(complement, w);
          }
        }
      }
      this.fixed = masks.size();
      this.enumerated = full == sizes;
      if (!enumerated && left > 0) {
        double[] draw = new double[sizes - full];
        double drawTotal = 0;
        for (int i = full; i < sizes; i++) {
          draw[i - full] = kernel[i] / (i < paired ? 2 : 1);
          drawTotal += draw[i - full];
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        long draws = 4 * left;
        int[] order = IntStream.range(0, m).toArray();
        while (left > 0 && draws-- > 0) {
          double u = random.nextDouble() * drawTotal;
          int pick = 0;
          while (pick < draw.length - 1 && u >= draw[pick]) {
            u -= draw[pick];
            pick++;
          }
          int size = pick + full + 1;
          for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
          }
          BitSet mask = new BitSet(m);
          for (int i = 0; i < size; i++) {
            mask.set(order[i]);
          }
          if (add(mask, 1.0)) {
            left--;
          }
          if (left > 0 && size <= paired) {
            BitSet complement = (BitSet) mask.clone();
            complement.flip(0, m);
            if (add(complement, 1.0)) {
              left--;
            }
          }
        }
        // The kernel weight of the sizes not enumerated, shared in proportion to the draws.
        double rest = 0;
        for (int i = full; i < sizes; i++) {
          rest += kernel[i];
        }
        double drawn = 0;
        for (int s = fixed; s < weights.size(); s++) {
          drawn += weights.get(s);
        }
        for (int s = fixed; s < weights.size(); s++) {
          weights.set(s, weights.get(s) * rest / drawn);
        }
      }
    }

    /** Adds a coalition, or adds to its weight when it is there already; true when new. */
    private boolean add(BitSet mask, double weight) {
      Integer at = seen.get(mask);
      if (at != null) {
        weights.set(at, weights.get(at) + weight);
        duplicates++;
        return false;
      }
      seen.put(mask, masks.size());
      masks.add(mask);
      weights.add(weight);
      return true;
    }

    double[] kernelWeights() {
      double[] out = new double[weights.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = weights.get(i);
      }
      return out;
    }

    /** The k-subsets of {0..m−1} in lexicographic order. */
    private static List<int[]> combinations(int m, int k) {
      List<int[]> out = new ArrayList<>();
      int[] c = IntStream.range(0, k).toArray();
      while (true) {
        out.add(c.clone());
        int i = k - 1;
        while (i >= 0 && c[i] == m - k + i) {
          i--;
        }
        if (i < 0) {
          return out;
        }
        c[i]++;
        for (int j = i + 1; j < k; j++) {
          c[j] = c[j - 1] + 1;
        }
      }
    }
  }

  private static double[] normalise(double[] weights, int rows) {
    double[] out = new double[rows];
    if (weights == null) {
      Arrays.fill(out, 1.0 / rows);
      return out;
    }
    if (weights.length != rows) {
      throw new IllegalArgumentException(weights.length + " weights for " + rows + " rows");
    }
    double total = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("background weights are finite and not negative");
      }
      total += w;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("the background weights sum to 0");
    }
    for (int i = 0; i < rows; i++) {
      out[i] = weights[i] / total;
    }
    return out;
  }

  private static int[][] singletons(int m) {
    int[][] out = new int[m][];
    for (int i = 0; i < m; i++) {
      out[i] = new int[] {i};
    }
    return out;
  }

  private static int[][] checkGroups(int[][] groups, int m) {
    boolean[] covered = new boolean[m];
    int[][] out = new int[groups.length][];
    for (int g = 0; g < groups.length; g++) {
      if (groups[g].length == 0) {
        throw new IllegalArgumentException("group " + g + " is empty");
      }
      for (int f : groups[g]) {
        if (f < 0 || f >= m || covered[f]) {
          throw new IllegalArgumentException(
              "groups partition the "
                  + m
                  + " features; feature "
                  + f
                  + " is out of range or in two");
        }
        covered[f] = true;
      }
      out[g] = groups[g].clone();
    }
    for (int f = 0; f < m; f++) {
      if (!covered[f]) {
        throw new IllegalArgumentException("feature " + f + " is in no group");
      }
    }
    return out;
  }
}
