package io.truststram.explain.fairness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Post-processing for group fairness: per group, a randomised threshold on a classifier's scores
 * that maximises an objective under a fairness constraint, with the semantics of Fairlearn's {@code
 * ThresholdOptimizer} (Hardt, Price and Srebro 2016). It is fitted on scores, labels and each row's
 * group ({@link GroupFairness#groupKeys} joins several sensitive attributes into one key), and then
 * gives a score of a known group its probability of a positive decision.
 *
 * <p>The constraints, by Fairlearn's names: {@code demographic_parity} (or {@code
 * selection_rate_parity}), {@code true_positive_rate_parity}, {@code false_positive_rate_parity},
 * {@code true_negative_rate_parity}, {@code false_negative_rate_parity} and {@code equalized_odds}.
 * The objectives: {@code accuracy_score} and {@code balanced_accuracy_score}, and with every
 * constraint but equalized odds also {@code selection_rate}, {@code true_positive_rate} and {@code
 * true_negative_rate}. Rows are unweighted, as in Fairlearn, whose fit hands sample weights to the
 * estimator only. Immutable and thread-safe.
 */
public final class ThresholdOptimizer {

  /*
   * Hardt, Price and Srebro, "Equality of Opportunity in Supervised Learning" (NeurIPS 2016),
   * derive a fair predictor from a score by thresholding it per group and randomising between
   * thresholds. Fairlearn's construction, followed step by step (TradeoffCurve has steps 1-2):
   *
   * 1. Per group, each threshold (above every score, between two neighbouring distinct scores,
   *    below every score) is an operation "score > t", with flip also "score < t". Each gives a
   *    point (x, y): x the rate the constraint equalises (the false positive rate for equalized
   *    odds), y the objective (the true positive rate for equalized odds).
   * 2. Drawing one of two operations at random reaches every point of the segment between them,
   *    so a group can reach the upper convex hull of its points. The hull is read at gridSize + 1
   *    values of x in [0, 1]; each grid point mixes two operations with weights p0 and p1.
   * 3. Simple constraints (one rate equal across groups): all groups at the same x meet the
   *    constraint, so the x is the grid point where the groups' y, weighted by their shares of
   *    the rows, is largest (the first one on a tie).
   * 4. Equalized odds: the groups must share both the false (x) and the true (y) positive rate.
   *    Mixing in the constant predictor "positive with probability x", which sits at (x, x) on
   *    the ROC diagonal, lowers a group's y at the same x; so every group reaches the lowest of
   *    the groups' hulls at x. The objective of that lower envelope over all rows picks x (each
   *    value rounded to 15 decimals first, as Fairlearn, so that rounding noise does not break
   *    ties); a group keeps its hull point with probability 1 - pIgnore and the constant with
   *    pIgnore = (y_group - y) / (y_group - x).
   *
   * Deliberate departures from Fairlearn: prediction refuses a group not seen in fit (Fairlearn
   * predicts 0 for it), fit refuses a single group (nothing to equalise) and non-finite scores,
   * pIgnore is clamped to [0, 1] (it leaves that range only by rounding, where a hull runs along
   * the diagonal), a drawn uniform u gives a positive when u < p (Fairlearn: p >= u, which
   * differs only at u = 0), and Fairlearn's relaxation of the constraint (tol) is not offered.
   */

  private static final String EQUALIZED_ODDS = "equalized_odds";

  /** The simple constraints, each with the rate it equalises. */
  private static final Map<String, String> SIMPLE =
      Map.ofEntries(
          Map.entry("demographic_parity", "selection_rate"),
          Map.entry("selection_rate_parity", "selection_rate"),
          Map.entry("true_positive_rate_parity", "true_positive_rate"),
          Map.entry("false_positive_rate_parity", "false_positive_rate"),
          Map.entry("true_negative_rate_parity", "true_negative_rate"),
          Map.entry("false_negative_rate_parity", "false_negative_rate"));

  private static final Set<String> OBJECTIVES_SIMPLE =
      Set.of(
          "accuracy_score",
          "balanced_accuracy_score",
          "selection_rate",
          "true_positive_rate",
          "true_negative_rate");

  /** Objectives that never decrease with more true positives, all else fixed (Fairlearn's). */
  private static final Set<String> OBJECTIVES_EQUALIZED_ODDS =
      Set.of("accuracy_score", "balanced_accuracy_score");

  /**
   * The settings.
   *
   * @param constraints the constraint, by Fairlearn's name
   * @param objective the objective to maximise, by Fairlearn's name
   * @param gridSize the intervals of the grid of x values in [0, 1] searched, 1 to 1,000,000
   * @param flip whether {@code score < t} operations are allowed too (they help a group whose
   *     scores rank its labels backwards)
   */
  public record Options(String constraints, String objective, int gridSize, boolean flip) {

    /** Demographic parity, accuracy, a grid of 1000, no flip: Fairlearn's defaults. */
    public static final Options DEFAULT =
        new Options("demographic_parity", "accuracy_score", 1000, false);

    /**
     * @throws IllegalArgumentException for an unknown constraint, an objective the constraint does
     *     not allow, or a grid size out of range
     */
    public Options {
      if (!SIMPLE.containsKey(constraints) && !constraints.equals(EQUALIZED_ODDS)) {
        throw new IllegalArgumentException(
            "the constraints are demographic_parity, equalized_odds, false_negative_rate_parity,"
                + " false_positive_rate_parity, selection_rate_parity, true_negative_rate_parity"
                + " or true_positive_rate_parity, not '"
                + constraints
                + "'");
      }
      if (constraints.equals(EQUALIZED_ODDS)) {
        if (!OBJECTIVES_EQUALIZED_ODDS.contains(objective)) {
          throw new IllegalArgumentException(
              "with equalized_odds the objective is accuracy_score or balanced_accuracy_score,"
                  + " not '"
                  + objective
                  + "'");
        }
      } else if (!OBJECTIVES_SIMPLE.contains(objective)) {
        throw new IllegalArgumentException(
            "with "
                + constraints
                + " the objective is accuracy_score, balanced_accuracy_score, selection_rate,"
                + " true_negative_rate or true_positive_rate, not '"
                + objective
                + "'");
      }
      if (gridSize < 1 || gridSize > 1_000_000) {
        throw new IllegalArgumentException("the grid size is 1 to 1,000,000, not " + gridSize);
      }
    }
  }

  /**
   * A threshold rule: positive when {@code score > threshold}, or when {@code score < threshold}.
   *
   * @param operator {@code >} or {@code <}
   * @param threshold the threshold, possibly infinite (then the rule is constant)
   */
  public record Operation(String operator, double threshold) {

    /**
     * @throws IllegalArgumentException for another operator or a NaN threshold
     */
    public Operation {
      if (!operator.equals(">") && !operator.equals("<")) {
        throw new IllegalArgumentException("an operator is > or <, not '" + operator + "'");
      }
      if (Double.isNaN(threshold)) {
        throw new IllegalArgumentException("a threshold is a number or an infinity, not NaN");
      }
    }

    /** Whether the rule decides positive for the score. */
    public boolean test(double score) {
      return operator.equals(">") ? score > threshold : score < threshold;
    }
  }

  /**
   * A group's randomised rule (Fairlearn's interpolation): apply {@code operation0} with
   * probability {@code p0}, else {@code operation1}; then, with probability {@code pIgnore},
   * discard that decision for a positive one drawn with probability {@code predictionConstant}.
   * Every number lies in [0, 1], and p0 + p1 = 1.
   *
   * @param p0 the probability of {@code operation0}
   * @param operation0 the first rule
   * @param p1 the probability of {@code operation1}
   * @param operation1 the second rule
   * @param pIgnore the probability of the constant decision; 0 for the simple constraints
   * @param predictionConstant the constant decision's probability of a positive (the common false
   *     positive rate, for equalized odds); 0 for the simple constraints
   */
  public record Interpolation(
      double p0,
      Operation operation0,
      double p1,
      Operation operation1,
      double pIgnore,
      double predictionConstant) {

    /**
     * @throws IllegalArgumentException for a number outside [0, 1] or p0 + p1 other than 1
     */
    public Interpolation {
      double[] values = {p0, p1, pIgnore, predictionConstant};
      for (double value : values) {
        if (!(value >= 0 && value <= 1)) {
          throw new IllegalArgumentException(
              "an interpolation's probabilities lie in [0, 1], not " + value);
        }
      }
      if (Math.abs(p0 + p1 - 1) > 1e-9) {
        throw new IllegalArgumentException("p0 and p1 add up to 1, not " + (p0 + p1));
      }
    }

    /** The probability of a positive decision for the score. */
    public double probability(double score) {
      double mixed = (operation0.test(score) ? p0 : 0) + (operation1.test(score) ? p1 : 0);
      return pIgnore * predictionConstant + (1 - pIgnore) * mixed;
    }
  }

  /**
   * The fitted thresholds, ready to be printed as JSON or saved and loaded again.
   *
   * @param constraints the constraint
   * @param objective the objective
   * @param gridSize the grid's intervals
   * @param flip whether {@code <} operations were allowed
   * @param xMetric the rate the groups share: the constraint's, or the false positive rate for
   *     equalized odds
   * @param x the shared value of that rate
   * @param y Fairlearn's best y: for the simple constraints the objective, as {@code
   *     objectiveValue}; for equalized odds the shared true positive rate
   * @param objectiveValue the objective reached on the training rows, in expectation over the
   *     randomisation (for equalized odds rounded to 15 decimals)
   * @param groups each group's rule, in the groups' sorted order
   */
  public record Result(
      String constraints,
      String objective,
      int gridSize,
      boolean flip,
      String xMetric,
      double x,
      double y,
      double objectiveValue,
      Map<String, Interpolation> groups) {

    public Result {
      groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }
  }

  private final Result result;

  /**
   * The predictor of fitted (or saved) thresholds.
   *
   * @throws IllegalArgumentException if the result has no group
   */
  public ThresholdOptimizer(Result result) {
    if (result.groups().isEmpty()) {
      throw new IllegalArgumentException("a fitted threshold optimizer has at least one group");
    }
    this.result = result;
  }

  /**
   * Fits the thresholds to the rows.
   *
   * @param scores each row's score (any finite scale: probabilities, margins)
   * @param labels each row's label
   * @param groups each row's group key
   * @throws IllegalArgumentException for lengths that differ, no rows, a score that is not finite,
   *     a single group, or a group whose labels are all equal
   */
  public static ThresholdOptimizer fit(
      double[] scores, boolean[] labels, String[] groups, Options options) {
    int n = scores.length;
    if (n == 0 || labels.length != n || groups.length != n) {
      throw new IllegalArgumentException(
          "scores, labels and groups are non-empty and of one length, not "
              + n
              + ", "
              + labels.length
              + " and "
              + groups.length);
    }
    Map<String, List<Integer>> members = new TreeMap<>();
    for (int r = 0; r < n; r++) {
      if (!Double.isFinite(scores[r])) {
        throw new IllegalArgumentException(
            "row " + r + " has the score " + scores[r] + ": scores are finite numbers");
      }
      members.computeIfAbsent(groups[r], k -> new ArrayList<>()).add(r);
    }
    if (members.size() < 2) {
      throw new IllegalArgumentException(
          "every row is in the group '" + groups[0] + "': there is nothing to equalise");
    }
    boolean odds = options.constraints().equals(EQUALIZED_ODDS);
    String xMetric = odds ? "false_positive_rate" : SIMPLE.get(options.constraints());
    String yMetric = odds ? "true_positive_rate" : options.objective();
    double[] grid = TradeoffCurve.grid(options.gridSize());
    Map<String, TradeoffCurve.Curve> curves = new LinkedHashMap<>();
    Map<String, Double> shares = new LinkedHashMap<>();
    for (Map.Entry<String, List<Integer>> group : members.entrySet()) {
      List<Integer> rows = group.getValue();
      double[] s = new double[rows.size()];
      boolean[] l = new boolean[rows.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = scores[rows.get(i)];
        l[i] = labels[rows.get(i)];
      }
      List<TradeoffCurve.Point> points =
          TradeoffCurve.points(s, l, group.getKey(), options.flip(), xMetric, yMetric);
      curves.put(group.getKey(), TradeoffCurve.interpolate(TradeoffCurve.upperHull(points), grid));
      shares.put(group.getKey(), (double) rows.size() / n);
    }
    return new ThresholdOptimizer(
        odds
            ? equalizedOdds(curves, labels, grid, options)
            : simple(curves, shares, grid, options, xMetric));
  }

  private static Result simple(
      Map<String, TradeoffCurve.Curve> curves,
      Map<String, Double> shares,
      double[] grid,
      Options options,
      String xMetric) {
    double[] overall = new double[grid.length];
    for (Map.Entry<String, TradeoffCurve.Curve> curve : curves.entrySet()) {
      double share = shares.get(curve.getKey());
      double[] y = curve.getValue().y();
      for (int i = 0; i < grid.length; i++) {
        overall[i] += share * y[i];
      }
    }
    int best = argmax(overall);
    Map<String, Interpolation> rules = new LinkedHashMap<>();
    curves.forEach((group, curve) -> rules.put(group, curve.at(best, 0, 0)));
    return new Result(
        options.constraints(),
        options.objective(),
        options.gridSize(),
        options.flip(),
        xMetric,
        grid[best],
        overall[best],
        overall[best],
        rules);
  }

  private static Result equalizedOdds(
      Map<String, TradeoffCurve.Curve> curves, boolean[] labels, double[] grid, Options options) {
    double positives = 0;
    for (boolean label : labels) {
      positives += label ? 1 : 0;
    }
    double negatives = labels.length - positives;
    double[] lowest = new double[grid.length];
    Arrays.fill(lowest, Double.POSITIVE_INFINITY);
    for (TradeoffCurve.Curve curve : curves.values()) {
      for (int i = 0; i < grid.length; i++) {
        lowest[i] = Math.min(lowest[i], curve.y()[i]);
      }
    }
    double[] objective = new double[grid.length];
    for (int i = 0; i < grid.length; i++) {
      TradeoffCurve.Counts counts =
          new TradeoffCurve.Counts(
              positives * lowest[i],
              negatives * grid[i],
              negatives * (1.0 - grid[i]),
              positives * (1.0 - lowest[i]));
      double value = TradeoffCurve.metric(options.objective(), counts);
      objective[i] = Math.rint(value * 1e15) / 1e15;
    }
    int best = argmax(objective);
    double x = grid[best];
    double y = lowest[best];
    Map<String, Interpolation> rules = new LinkedHashMap<>();
    curves.forEach(
        (group, curve) -> {
          double own = curve.y()[best];
          double pIgnore = own == x ? 0 : (own - y) / (own - x);
          // Exactly it lies in [0, 1]; a hull on the diagonal can put rounding noise in both.
          pIgnore = Math.max(0, Math.min(1, pIgnore));
          rules.put(group, curve.at(best, pIgnore, x));
        });
    return new Result(
        options.constraints(),
        options.objective(),
        options.gridSize(),
        options.flip(),
        "false_positive_rate",
        x,
        y,
        objective[best],
        rules);
  }

  /** The first index of the largest value that is not NaN. */
  private static int argmax(double[] values) {
    int best = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] > values[best] || (Double.isNaN(values[best]) && !Double.isNaN(values[i]))) {
        best = i;
      }
    }
    return best;
  }

  /** The fitted thresholds. */
  public Result result() {
    return result;
  }

  /**
   * The probability that the randomised rule decides positive for a score of the group.
   *
   * @throws IllegalArgumentException for a group not seen in fit or a NaN score
   */
  public double predictProbability(double score, String group) {
    Interpolation rule = result.groups().get(group);
    if (rule == null) {
      throw new IllegalArgumentException(
          "the group '"
              + group
              + "' was not seen in fit; the known groups are "
              + String.join(", ", result.groups().keySet()));
    }
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("a score of the group '" + group + "' is NaN");
    }
    return rule.probability(score);
  }

  /**
   * {@link #predictProbability} of each row.
   *
   * @throws IllegalArgumentException for lengths that differ, or as {@link #predictProbability}
   */
  public double[] predictProbabilities(double[] scores, String[] groups) {
    if (groups.length != scores.length) {
      throw new IllegalArgumentException(
          scores.length + " scores and " + groups.length + " groups: one of each per row");
    }
    double[] out = new double[scores.length];
    for (int r = 0; r < scores.length; r++) {
      out[r] = predictProbability(scores[r], groups[r]);
    }
    return out;
  }

  /**
   * Randomised decisions: for each row, in order, one uniform u in [0, 1) from a {@link
   * SplittableRandom} of the seed, positive when u is below the row's probability. The same seed
   * gives the same decisions.
   *
   * @throws IllegalArgumentException as {@link #predictProbabilities}
   */
  public boolean[] predict(double[] scores, String[] groups, long seed) {
    double[] probabilities = predictProbabilities(scores, groups);
    SplittableRandom random = new SplittableRandom(seed);
    boolean[] out = new boolean[probabilities.length];
    for (int r = 0; r < out.length; r++) {
      out[r] = random.nextDouble() < probabilities[r];
    }
    return out;
  }
}
