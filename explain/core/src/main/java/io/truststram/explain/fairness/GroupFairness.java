package io.truststram.explain.fairness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Group fairness of a binary classifier's predictions, with Fairlearn's names and semantics: the
 * rates per group (each sensitive attribute's groups, and with several attributes their
 * intersections), and the disparities between groups as Fairlearn's {@code MetricFrame} computes
 * them ({@code between_groups}: the largest minus the smallest group value, and the smallest over
 * the largest; {@code to_overall}: the largest distance of a group from the overall value, and the
 * smallest ratio of the two either way round). With several attributes the disparities are over
 * their intersections, as Fairlearn's with several sensitive features. A rate with no rows to be a
 * rate of (a group with no positives has no true positive rate) is 0, as Fairlearn's (through
 * scikit-learn), and a warning names it; a ratio whose largest value is 0 is NaN (null in JSON), as
 * Fairlearn's. With a privileged group, AIF360's signed metrics (unprivileged minus privileged)
 * too. Percentile bootstrap intervals by resampling rows.
 */
public final class GroupFairness {

  /**
   * The settings.
   *
   * @param method {@code between_groups} or {@code to_overall}
   * @param bootstrap resamples for the confidence intervals; 0 for none
   * @param confidence the intervals' level, e.g. 0.95
   * @param seed the resampling's seed
   * @param privileged the privileged group as a group key ({@code sex=Male}) for AIF360's metrics,
   *     or null
   */
  public record Options(
      String method, int bootstrap, double confidence, long seed, @Nullable String privileged) {
    public static final Options DEFAULT = new Options("between_groups", 0, 0.95, 0, null);

    public Options {
      if (!method.equals("between_groups") && !method.equals("to_overall")) {
        throw new IllegalArgumentException(
            "the method is between_groups or to_overall, not '" + method + "'");
      }
      if (bootstrap < 0 || bootstrap > 100_000) {
        throw new IllegalArgumentException("bootstrap resamples are 0 to 100,000");
      }
      if (!(confidence > 0 && confidence < 1)) {
        throw new IllegalArgumentException("the confidence level lies in (0, 1)");
      }
    }
  }

  /**
   * The report.
   *
   * @param overall the rates over every row
   * @param groups the rates per group key ({@code sex=Male}, or {@code sex=Male & race=White})
   * @param metrics the disparities, by Fairlearn's names
   * @param intervals per disparity, its bootstrap interval [low, high] (empty without bootstrap)
   * @param aif360 AIF360's signed metrics against the privileged group (empty without one)
   * @param warnings rates that were undefined and reported as 0, and other caveats
   * @param method the method of the disparities
   */
  public record Report(
      Map<String, Double> overall,
      Map<String, Map<String, Double>> groups,
      Map<String, Double> metrics,
      Map<String, double[]> intervals,
      Map<String, Double> aif360,
      List<String> warnings,
      String method) {

    /**
     * The report as JSON takes it: Fairlearn's names, an undefined value (NaN) as null, intervals
     * and AIF360's metrics only when there are some.
     */
    public Map<String, Object> toMap() {
      Map<String, Object> out = new LinkedHashMap<>();
      Map<String, Object> byGroup = new LinkedHashMap<>();
      groups.forEach((key, rates) -> byGroup.put(key, finite(rates)));
      out.put("groups", byGroup);
      out.put("overall", finite(overall));
      out.put("metrics", finite(metrics));
      if (!intervals.isEmpty()) {
        out.put("intervals", intervals);
      }
      if (!aif360.isEmpty()) {
        out.put("aif360", finite(aif360));
      }
      out.put("warnings", warnings);
      out.put("method", method);
      return out;
    }

    private static Map<String, @Nullable Object> finite(Map<String, Double> values) {
      Map<String, @Nullable Object> out = new LinkedHashMap<>();
      values.forEach((k, v) -> out.put(k, v == null || !Double.isFinite(v) ? null : v));
      return out;
    }
  }

  /** The rates of a group, by Fairlearn's names. */
  static final Map<String, ToDoubleFunction<Confusion>> RATES = new LinkedHashMap<>();

  static {
    RATES.put("selection_rate", Confusion::selectionRate);
    RATES.put("true_positive_rate", Confusion::truePositiveRate);
    RATES.put("false_positive_rate", Confusion::falsePositiveRate);
    RATES.put("false_negative_rate", Confusion::falseNegativeRate);
    RATES.put("true_negative_rate", Confusion::trueNegativeRate);
    RATES.put("precision", Confusion::precision);
    RATES.put("accuracy", Confusion::accuracy);
    RATES.put("base_rate", Confusion::baseRate);
  }

  private GroupFairness() {}

  /**
   * The report of {@code predicted} against {@code label}, grouped by the {@code attributes} (name
   * to one value per row).
   *
   * @param weights one weight per row (not negative), or null for equal
   * @throws IllegalArgumentException for lengths that differ, no rows, no attribute, an attribute
   *     with a single group, negative weights, or a privileged group that does not occur
   */
  public static Report compute(
      boolean[] label,
      boolean[] predicted,
      Map<String, String[]> attributes,
      double @Nullable [] weights,
      Options options) {
    int n = label.length;
    if (n == 0) {
      throw new IllegalArgumentException("labels and predictions are non-empty and of one length");
    }
    FairnessSummary summary = FairnessSummary.of(label, predicted, attributes, weights);
    requireTwoGroups(summary);
    double[] w = weights == null ? filled(n) : weights;
    Map<String, double[]> intervals = new LinkedHashMap<>();
    if (options.bootstrap() > 0) {
      intervals =
          bootstrap(
              label,
              predicted,
              groupKeys(attributes, n),
              w,
              options,
              disparities(summary.intersections(), summary.overall(), options.method()).keySet());
    }
    return assemble(summary, options, intervals);
  }

  /**
   * The report of a summary of rows (one participant's, or the sum of a federation's): the same
   * numbers {@link #compute} gives on the rows, without bootstrap intervals, which need the rows.
   *
   * @throws IllegalArgumentException for options that ask for bootstrap intervals, an attribute
   *     with a single group, or a privileged group with no rows
   */
  public static Report report(FairnessSummary summary, Options options) {
    if (options.bootstrap() > 0) {
      throw new IllegalArgumentException(
          "bootstrap intervals resample rows, and a summary holds only counts: ask for none");
    }
    requireTwoGroups(summary);
    return assemble(summary, options, new LinkedHashMap<>());
  }

  private static void requireTwoGroups(FairnessSummary summary) {
    for (String attribute : summary.attributes()) {
      long values =
          (summary.attributes().size() == 1 ? summary.intersections() : summary.singles())
              .entrySet().stream()
                  .filter(e -> e.getKey().startsWith(attribute + "="))
                  .filter(e -> e.getValue().count() > 0)
                  .count();
      if (values < 2) {
        throw new IllegalArgumentException(
            "'" + attribute + "' has a single group: there is nothing to compare");
      }
    }
  }

  private static Report assemble(
      FairnessSummary summary, Options options, Map<String, double[]> intervals) {
    List<String> warnings = new ArrayList<>();
    Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
    summary.singles().forEach((key, table) -> groups.put(key, rates(key, table, warnings)));
    Map<String, Confusion> tables = summary.intersections();
    tables.forEach((key, table) -> groups.put(key, rates(key, table, warnings)));
    Map<String, Double> overall = rates("overall", summary.overall(), warnings);
    Map<String, Double> metrics = disparities(tables, summary.overall(), options.method());
    Map<String, Double> aif360 = new LinkedHashMap<>();
    if (options.privileged() != null) {
      aif360 = aif360(summary, options.privileged());
    }
    return new Report(overall, groups, metrics, intervals, aif360, warnings, options.method());
  }

  private static double[] filled(int n) {
    double[] out = new double[n];
    Arrays.fill(out, 1);
    return out;
  }

  /** Each row's group: the attributes' values joined, "a=x & b=y" (the groups of reweighing). */
  public static String[] groupKeys(Map<String, String[]> attributes, int n) {
    String[] keys = new String[n];
    for (int r = 0; r < n; r++) {
      StringBuilder key = new StringBuilder();
      for (Map.Entry<String, String[]> attribute : attributes.entrySet()) {
        if (!key.isEmpty()) {
          key.append(" & ");
        }
        key.append(attribute.getKey()).append('=').append(attribute.getValue()[r]);
      }
      keys[r] = key.toString();
    }
    return keys;
  }

  /** Confusion tables per group; {@code sample} picks rows (with repeats) or null for all. */
  private static Map<String, Confusion> tables(
      boolean[] label, boolean[] predicted, String[] keys, double[] w, int @Nullable [] sample) {
    Map<String, Confusion> out = new TreeMap<>();
    int n = sample == null ? label.length : sample.length;
    for (int i = 0; i < n; i++) {
      int r = sample == null ? i : sample[i];
      out.merge(
          keys[r],
          Confusion.EMPTY.add(label[r], predicted[r], w[r]),
          (a, b) -> a.add(label[r], predicted[r], w[r]));
    }
    return out;
  }

  private static Confusion total(
      boolean[] label, boolean[] predicted, double[] w, int @Nullable [] sample) {
    Confusion out = Confusion.EMPTY;
    int n = sample == null ? label.length : sample.length;
    for (int i = 0; i < n; i++) {
      int r = sample == null ? i : sample[i];
      out = out.add(label[r], predicted[r], w[r]);
    }
    return out;
  }

  /** A group's rates, undefined ones as 0 with a warning (Fairlearn's values). */
  private static Map<String, Double> rates(String key, Confusion table, List<String> warnings) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("count", (double) table.count());
    out.put("weight", table.weight());
    for (Map.Entry<String, ToDoubleFunction<Confusion>> rate : RATES.entrySet()) {
      double value = rate.getValue().applyAsDouble(table);
      if (Double.isNaN(value)) {
        warnings.add(key + ": " + rate.getKey() + " is undefined (no rows to rate); reported as 0");
        value = 0;
      }
      out.put(rate.getKey(), value);
    }
    return out;
  }

  private static double rate(Confusion table, String name) {
    double value = RATES.get(name).applyAsDouble(table);
    return Double.isNaN(value) ? 0 : value;
  }

  /** Fairlearn's disparities over the groups' tables. */
  static Map<String, Double> disparities(
      Map<String, Confusion> tables, Confusion overall, String method) {
    Map<String, Double> out = new LinkedHashMap<>();
    double dpDiff = difference(tables, overall, "selection_rate", method);
    double dpRatio = ratio(tables, overall, "selection_rate", method);
    double tprDiff = difference(tables, overall, "true_positive_rate", method);
    double fprDiff = difference(tables, overall, "false_positive_rate", method);
    double tprRatio = ratio(tables, overall, "true_positive_rate", method);
    double fprRatio = ratio(tables, overall, "false_positive_rate", method);
    out.put("demographic_parity_difference", dpDiff);
    out.put("demographic_parity_ratio", dpRatio);
    // Fairlearn takes Python's max and min over [tpr, fpr]: a NaN first wins, a NaN second loses.
    out.put("equalized_odds_difference", worst(tprDiff, fprDiff, true));
    out.put("equalized_odds_ratio", worst(tprRatio, fprRatio, false));
    out.put("equalized_odds_difference_mean", meanSkippingNaN(tprDiff, fprDiff));
    out.put("equalized_odds_ratio_mean", meanSkippingNaN(tprRatio, fprRatio));
    out.put("equal_opportunity_difference", tprDiff);
    out.put("equal_opportunity_ratio", tprRatio);
    // The four-fifths rule reads the selection-rate ratio between groups.
    out.put("disparate_impact_ratio", ratio(tables, overall, "selection_rate", "between_groups"));
    out.put("accuracy_difference", difference(tables, overall, "accuracy", method));
    out.put("precision_difference", difference(tables, overall, "precision", method));
    return out;
  }

  private static double worst(double tpr, double fpr, boolean largest) {
    if (Double.isNaN(tpr) || Double.isNaN(fpr)) {
      return tpr;
    }
    return largest ? Math.max(tpr, fpr) : Math.min(tpr, fpr);
  }

  private static double meanSkippingNaN(double a, double b) {
    if (Double.isNaN(a)) {
      return b;
    }
    return Double.isNaN(b) ? a : (a + b) / 2;
  }

  /** The smallest and largest group value of a rate. */
  private static double[] range(Map<String, Confusion> tables, String name) {
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (Confusion table : tables.values()) {
      double v = rate(table, name);
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    return new double[] {min, max};
  }

  private static double difference(
      Map<String, Confusion> tables, Confusion overall, String name, String method) {
    if (method.equals("between_groups")) {
      double[] range = range(tables, name);
      return range[1] - range[0];
    }
    double all = rate(overall, name);
    double worst = 0;
    for (Confusion table : tables.values()) {
      worst = Math.max(worst, Math.abs(rate(table, name) - all));
    }
    return worst;
  }

  /** NaN when undefined (a largest or overall value of 0). */
  private static double ratio(
      Map<String, Confusion> tables, Confusion overall, String name, String method) {
    if (method.equals("between_groups")) {
      double[] range = range(tables, name);
      return range[1] == 0 ? Double.NaN : range[0] / range[1];
    }
    // Fairlearn: min over groups of g/o, inverted above 1; a group at 0/0 is skipped.
    double all = rate(overall, name);
    double worst = Double.NaN;
    for (Confusion table : tables.values()) {
      double r = rate(table, name) / all;
      if (r > 1) {
        r = 1 / r;
      }
      if (!Double.isNaN(r)) {
        worst = Double.isNaN(worst) ? r : Math.min(worst, r);
      }
    }
    return worst;
  }

  private static Map<String, double[]> bootstrap(
      boolean[] label,
      boolean[] predicted,
      String[] keys,
      double[] w,
      Options options,
      java.util.Set<String> names) {
    int n = label.length;
    SplittableRandom random = new SplittableRandom(options.seed());
    Map<String, double[]> draws = new LinkedHashMap<>();
    for (String name : names) {
      draws.put(name, new double[options.bootstrap()]);
    }
    int[] sample = new int[n];
    for (int b = 0; b < options.bootstrap(); b++) {
      for (int i = 0; i < n; i++) {
        sample[i] = random.nextInt(n);
      }
      Map<String, Double> metrics =
          disparities(
              tables(label, predicted, keys, w, sample),
              total(label, predicted, w, sample),
              options.method());
      for (String name : names) {
        draws.get(name)[b] = metrics.get(name);
      }
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    double tail = (1 - options.confidence()) / 2;
    for (Map.Entry<String, double[]> entry : draws.entrySet()) {
      double[] values =
          Arrays.stream(entry.getValue()).filter(v -> !Double.isNaN(v)).sorted().toArray();
      if (values.length == 0) {
        continue;
      }
      out.put(entry.getKey(), new double[] {quantile(values, tail), quantile(values, 1 - tail)});
    }
    return out;
  }

  private static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  /** AIF360's signed metrics: the unprivileged rows (all but the group) minus the privileged. */
  private static Map<String, Double> aif360(FairnessSummary summary, String privileged) {
    Confusion p = summary.groups().get(privileged);
    if (p == null || p.count() == 0) {
      throw new IllegalArgumentException("no row is in the privileged group '" + privileged + "'");
    }
    Confusion u = summary.overall().minus(p);
    // AIF360 does not guard these rates: an empty denominator gives NaN (or an infinite ratio).
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("statistical_parity_difference", u.selectionRate() - p.selectionRate());
    out.put("disparate_impact", u.selectionRate() / p.selectionRate());
    out.put("equal_opportunity_difference", u.truePositiveRate() - p.truePositiveRate());
    double fpr = u.falsePositiveRate() - p.falsePositiveRate();
    double tpr = u.truePositiveRate() - p.truePositiveRate();
    out.put("average_odds_difference", (fpr + tpr) / 2);
    out.put("average_abs_odds_difference", (Math.abs(fpr) + Math.abs(tpr)) / 2);
    return out;
  }

  /**
   * Calibration per group of predicted probabilities {@code scores}: the (weighted) mean score, the
   * base rate, their difference, and the expected calibration error over {@code bins} equal-width
   * bins of the score (Σ_b (weight in b / weight) · |mean score in b − positive rate in b|). The
   * groups are {@link #compute}'s: each attribute's and their intersections.
   *
   * @throws IllegalArgumentException for lengths that differ, scores outside [0, 1], or bins below
   *     1
   */
  public static Map<String, Map<String, Double>> calibration(
      boolean[] label,
      double[] scores,
      Map<String, String[]> attributes,
      double @Nullable [] weights,
      int bins) {
    int n = label.length;
    if (n == 0 || scores.length != n) {
      throw new IllegalArgumentException("labels and scores are non-empty and of one length");
    }
    if (bins < 1 || bins > 1000) {
      throw new IllegalArgumentException("calibration bins are 1 to 1000");
    }
    for (double s : scores) {
      if (!(s >= 0 && s <= 1)) {
        throw new IllegalArgumentException("scores are probabilities in [0, 1], not " + s);
      }
    }
    double[] w = weights == null ? filled(n) : weights;
    Map<String, List<Integer>> members = new LinkedHashMap<>();
    if (attributes.size() > 1) {
      for (Map.Entry<String, String[]> attribute : attributes.entrySet()) {
        for (int r = 0; r < n; r++) {
          members
              .computeIfAbsent(
                  attribute.getKey() + "=" + attribute.getValue()[r], k -> new ArrayList<>())
              .add(r);
        }
      }
    }
    String[] keys = groupKeys(attributes, n);
    Map<String, List<Integer>> intersections = new TreeMap<>();
    for (int r = 0; r < n; r++) {
      intersections.computeIfAbsent(keys[r], k -> new ArrayList<>()).add(r);
    }
    members.putAll(intersections);
    List<Integer> everyone = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      everyone.add(r);
    }
    members.put("overall", everyone);
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    members.forEach(
        (key, rows) -> {
          double weight = 0;
          double score = 0;
          double positive = 0;
          double[] binWeight = new double[bins];
          double[] binScore = new double[bins];
          double[] binPositive = new double[bins];
          for (int r : rows) {
            weight += w[r];
            score += w[r] * scores[r];
            positive += label[r] ? w[r] : 0;
            int b = Math.min(bins - 1, (int) (scores[r] * bins));
            binWeight[b] += w[r];
            binScore[b] += w[r] * scores[r];
            binPositive[b] += label[r] ? w[r] : 0;
          }
          double error = 0;
          for (int b = 0; b < bins; b++) {
            if (binWeight[b] > 0) {
              error +=
                  binWeight[b] / weight * Math.abs(binScore[b] - binPositive[b]) / binWeight[b];
            }
          }
          Map<String, Double> one = new LinkedHashMap<>();
          one.put("mean_score", score / weight);
          one.put("base_rate", positive / weight);
          one.put("calibration_difference", (score - positive) / weight);
          one.put("expected_calibration_error", error);
          out.put(key, one);
        });
    return out;
  }

  /**
   * Reweighing (Kamiran and Calders 2012, AIF360's {@code Reweighing}): a weight per row that makes
   * the label independent of the group in the weighted data, W(g, y) = P(g)·P(y) / P(g, y) with
   * every probability over the rows' weights, multiplied into each row's weight. Train on these
   * weights to pre-process bias away.
   *
   * @param groups each row's group (e.g. the intersection of its sensitive attributes)
   * @param weights the rows' weights, or null for equal
   * @throws IllegalArgumentException for lengths that differ or no rows
   */
  public static double[] reweighing(boolean[] label, String[] groups, double @Nullable [] weights) {
    int n = label.length;
    if (n == 0 || groups.length != n || (weights != null && weights.length != n)) {
      throw new IllegalArgumentException("labels, groups and weights are non-empty, of one length");
    }
    double[] w = weights == null ? filled(n) : weights;
    double total = 0;
    Map<String, Double> byGroup = new java.util.HashMap<>();
    Map<String, Double> byGroupAndLabel = new java.util.HashMap<>();
    double positive = 0;
    for (int r = 0; r < n; r++) {
      total += w[r];
      byGroup.merge(groups[r], w[r], Double::sum);
      byGroupAndLabel.merge(groups[r] + (label[r] ? "\u0000+" : "\u0000-"), w[r], Double::sum);
      positive += label[r] ? w[r] : 0;
    }
    double[] out = new double[n];
    for (int r = 0; r < n; r++) {
      double pg = byGroup.get(groups[r]) / total;
      double py = (label[r] ? positive : total - positive) / total;
      double pgy = byGroupAndLabel.get(groups[r] + (label[r] ? "\u0000+" : "\u0000-")) / total;
      out[r] = w[r] * pg * py / pgy;
    }
    return out;
  }
}
