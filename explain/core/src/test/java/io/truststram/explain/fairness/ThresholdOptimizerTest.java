package io.truststram.explain.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.fairness.ThresholdOptimizer.Interpolation;
import io.truststram.explain.fairness.ThresholdOptimizer.Operation;
import io.truststram.explain.fairness.ThresholdOptimizer.Options;
import io.truststram.explain.fairness.ThresholdOptimizer.Result;
import io.truststram.explain.fairness.TradeoffCurve.Point;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The thresholds against a derivation by hand and against Fairlearn's own output, and the
 * constraints and objective bounds on synthetic data.
 */
class ThresholdOptimizerTest {

  private static final double EPS = 1e-12;

  /** Scores, labels and groups of some rows. */
  record Rows(String name, double[] scores, boolean[] labels, String[] groups) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** 1 and 0 as labels. */
  private static boolean[] labels(int... bits) {
    boolean[] out = new boolean[bits.length];
    for (int i = 0; i < bits.length; i++) {
      out[i] = bits[i] == 1;
    }
    return out;
  }

  /** One group per character: "aab" is a, a, b. */
  private static String[] groups(String keys) {
    return keys.chars().mapToObj(Character::toString).toArray(String[]::new);
  }

  // a: 1/3 of the rows, separated at a selection rate of 1/2; b: 2/3, separated at 1/4.
  private static final Rows PARITY =
      new Rows(
          "parity",
          new double[] {0.9, 0.8, 0.3, 0.2, 0.6, 0.55, 0.4, 0.35, 0.3, 0.2, 0.1, 0.05},
          labels(1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0),
          groups("aaaabbbbbbbb"));

  // a's hull: (0, 0), (0, 3/4), (1/2, 1), (1, 1); b's: (0, 0), (1/4, 1), (1, 1).
  private static final Rows ODDS =
      new Rows(
          "odds",
          new double[] {
            0.95, 0.85, 0.75, 0.65, 0.55, 0.45, 0.35, 0.25, 0.93, 0.83, 0.73, 0.63, 0.53, 0.43,
            0.33, 0.23
          },
          labels(1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0),
          groups("aaaaaaaabbbbbbbb"));

  // ODDS with four more rows in b, so that the groups' shares differ.
  private static final Rows TWENTY =
      new Rows(
          "twenty",
          new double[] {
            0.95, 0.85, 0.75, 0.65, 0.55, 0.45, 0.35, 0.25, 0.93, 0.83, 0.73, 0.63, 0.53, 0.43,
            0.33, 0.23, 0.9, 0.5, 0.2, 0.15
          },
          labels(1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0),
          groups("aaaaaaaabbbbbbbbbbbb"));

  // b's scores rank its labels backwards: only flipped operations help it.
  private static final Rows FLIPPED =
      new Rows(
          "flipped",
          new double[] {0.9, 0.8, 0.3, 0.2, 0.9, 0.7, 0.4, 0.1},
          labels(1, 1, 0, 0, 0, 0, 1, 1),
          groups("aaaabbbb"));

  // Tied scores, with both labels at one score.
  private static final Rows TIES =
      new Rows(
          "ties",
          new double[] {0.5, 0.5, 0.5, 0.2, 0.2, 0.8, 0.6, 0.6, 0.3, 0.1},
          labels(1, 0, 1, 0, 1, 1, 1, 0, 0, 0),
          groups("xxxxxyyyyy"));

  private static ThresholdOptimizer fit(Rows rows, String constraints, String objective, int grid) {
    return ThresholdOptimizer.fit(
        rows.scores(),
        rows.labels(),
        rows.groups(),
        new Options(constraints, objective, grid, false));
  }

  /**
   * The mean of the probabilities of a positive over the group's rows (as weights of a confusion
   * table): its rates are the randomised rule's expected rates.
   */
  private static Confusion expected(ThresholdOptimizer fitted, Rows rows, String group) {
    double[] p = fitted.predictProbabilities(rows.scores(), rows.groups());
    double tp = 0;
    double fp = 0;
    double tn = 0;
    double fn = 0;
    long count = 0;
    for (int r = 0; r < p.length; r++) {
      if (group.isEmpty() || rows.groups()[r].equals(group)) {
        count++;
        if (rows.labels()[r]) {
          tp += p[r];
          fn += 1 - p[r];
        } else {
          fp += p[r];
          tn += 1 - p[r];
        }
      }
    }
    return new Confusion(tp, fp, tn, fn, count);
  }

  /**
   * Demographic parity derived by hand from Fairlearn's algorithm with a grid of 4 (x = 0, 1/4,
   * 1/2, 3/4, 1); Fairlearn (commit ebf8fa7) gives the same with its grid of 4 and of 1000.
   *
   * <p>a, 4 of 12 rows: the thresholds +inf, 0.85, 0.55, 0.25, -inf give (selection rate, accuracy)
   * (0, 1/2), (1/4, 3/4), (1/2, 1), (3/4, 3/4), (1, 1/2); the hull drops the two collinear points:
   * (0, 1/2) [> inf], (1/2, 1) [> 0.55], (1, 1/2) [> -inf]. b, 8 of 12 rows: +inf, 0.575, 0.475,
   * 0.375, ... give (0, 3/4), (1/8, 7/8), (1/4, 1), then a step of (1/8, -1/8) per negative to (1,
   * 1/4); hull (0, 3/4) [> inf], (1/4, 1) [> 0.475], (1, 1/4) [> -inf]. The accuracy weighted by
   * the shares 1/3 and 2/3 at x = 0, 1/4, 1/2, 3/4, 1 is 2/3, 11/12, 5/6, 7/12, 1/3, so x = 1/4.
   * There a is halfway between (0, 1/2) and (1/2, 1): p0 = 1/2 on [> inf], p1 = 1/2 on [> 0.55]; b
   * is on its hull point (1/4, 1): p0 = 0, p1 = 1 on [> 0.475].
   */
  @ParameterizedTest
  @ValueSource(ints = {4, 1000})
  void demographicParityByHand(int grid) {
    ThresholdOptimizer fitted = fit(PARITY, "demographic_parity", "accuracy_score", grid);
    Result result = fitted.result();
    assertThat(result.xMetric()).isEqualTo("selection_rate");
    assertThat(result.x()).isCloseTo(0.25, within(EPS));
    assertThat(result.objectiveValue()).isCloseTo(11 / 12.0, within(EPS));
    assertThat(result.groups()).containsOnlyKeys("a", "b");
    Interpolation a = result.groups().get("a");
    assertThat(a.p0()).isCloseTo(0.5, within(EPS));
    assertThat(a.operation0()).isEqualTo(new Operation(">", Double.POSITIVE_INFINITY));
    assertThat(a.p1()).isCloseTo(0.5, within(EPS));
    assertThat(a.operation1().operator()).isEqualTo(">");
    assertThat(a.operation1().threshold()).isCloseTo(0.55, within(EPS));
    assertThat(a.pIgnore()).isZero();
    Interpolation b = result.groups().get("b");
    assertThat(b.p0()).isCloseTo(0, within(EPS));
    assertThat(b.p1()).isCloseTo(1, within(EPS));
    assertThat(b.operation1().threshold()).isCloseTo(0.475, within(EPS));
    // Unconstrained, a would select 1/2 and b 1/4; now both select 1/4 in expectation.
    assertThat(expected(fitted, PARITY, "a").selectionRate()).isCloseTo(0.25, within(EPS));
    assertThat(expected(fitted, PARITY, "b").selectionRate()).isCloseTo(0.25, within(EPS));
    assertThat(expected(fitted, PARITY, "").accuracy()).isCloseTo(11 / 12.0, within(EPS));
    assertThat(fitted.predictProbability(0.9, "a")).isCloseTo(0.5, within(EPS));
    assertThat(fitted.predictProbability(0.5, "b")).isEqualTo(1.0);
    assertThat(fitted.predictProbability(0.45, "b")).isEqualTo(0.0);
  }

  /**
   * Equalized odds derived by hand with a grid of 8 (x = k/8); Fairlearn (commit ebf8fa7) gives the
   * same.
   *
   * <p>a's ROC points (FPR, TPR): (0, 0) [> inf], (0, 1/4), (0, 1/2), (0, 3/4) [> 0.7], (1/4, 3/4),
   * (1/2, 3/4), (1/2, 1) [> 0.4], (3/4, 1), (1, 1) [> -inf]; hull (0, 0), (0, 3/4), (1/2, 1), (1,
   * 1), so y_a(x) = 3/4 + x/2 up to 1/2, then 1. b's points rise from (1/4, 0) to (1/4, 1) [>
   * 0.48]; hull (0, 0), (1/4, 1), (1, 1), so y_b(x) = 4x up to 1/4, then 1. The lower envelope at x
   * = 0, 1/8, 2/8, 3/8, 4/8 is 0, 1/2, 7/8, 15/16, 1 (then 1); with 8 positives and 8 negatives the
   * accuracy (8y + 8(1 - x)) / 16 is 1/2, 11/16, 13/16, 25/32, 3/4, ...: x = 1/4, y = 7/8. a at 1/4
   * is halfway between (0, 3/4) and (1/2, 1), at y 7/8: no constant is mixed in. b at 1/4 is on
   * (1/4, 1), so pIgnore = (1 - 7/8) / (1 - 1/4) = 1/6 with the constant 1/4.
   */
  @Test
  void equalizedOddsByHand() {
    ThresholdOptimizer fitted = fit(ODDS, "equalized_odds", "accuracy_score", 8);
    Result result = fitted.result();
    assertThat(result.xMetric()).isEqualTo("false_positive_rate");
    assertThat(result.x()).isCloseTo(0.25, within(EPS));
    assertThat(result.y()).isCloseTo(0.875, within(EPS));
    assertThat(result.objectiveValue()).isCloseTo(13 / 16.0, within(EPS));
    Interpolation a = result.groups().get("a");
    assertThat(a.pIgnore()).isCloseTo(0, within(EPS));
    assertThat(a.p0()).isCloseTo(0.5, within(EPS));
    assertThat(a.operation0().threshold()).isCloseTo(0.7, within(EPS));
    assertThat(a.p1()).isCloseTo(0.5, within(EPS));
    assertThat(a.operation1().threshold()).isCloseTo(0.4, within(EPS));
    Interpolation b = result.groups().get("b");
    assertThat(b.pIgnore()).isCloseTo(1 / 6.0, within(EPS));
    assertThat(b.predictionConstant()).isCloseTo(0.25, within(EPS));
    assertThat(b.p0()).isCloseTo(0, within(EPS));
    assertThat(b.operation0()).isEqualTo(new Operation(">", Double.POSITIVE_INFINITY));
    assertThat(b.p1()).isCloseTo(1, within(EPS));
    assertThat(b.operation1().threshold()).isCloseTo(0.48, within(EPS));
    for (String group : List.of("a", "b")) {
      Confusion rates = expected(fitted, ODDS, group);
      assertThat(rates.truePositiveRate()).isCloseTo(0.875, within(EPS));
      assertThat(rates.falsePositiveRate()).isCloseTo(0.25, within(EPS));
    }
  }

  /**
   * A fixture: rows, settings, and what Fairlearn fitted on them.
   *
   * @param x Fairlearn's {@code _x_best}
   * @param y Fairlearn's {@code _y_best}
   * @param probabilities Fairlearn's {@code _pmf_predict(X)[:, 1]} on the same rows
   */
  record Case(
      Rows rows,
      String constraints,
      String objective,
      boolean flip,
      int gridSize,
      double x,
      double y,
      double[] probabilities) {
    @Override
    public String toString() {
      return rows + " " + constraints + " " + objective + (flip ? " flip" : "") + " " + gridSize;
    }
  }

  /**
   * What Fairlearn fitted on these rows: {@code /fairlearn/threshold-optimizer.csv}, written by
   * {@code threshold_optimizer.py} beside it, whose first line names the versions (Fairlearn
   * 0.15.0.dev0 at commit ebf8fa7).
   */
  static Stream<Case> fairlearnCases() throws IOException {
    String text;
    try (InputStream in =
        ThresholdOptimizerTest.class.getResourceAsStream("/fairlearn/threshold-optimizer.csv")) {
      text = new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8);
    }
    return text.lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(ThresholdOptimizerTest::fixture);
  }

  private static Case fixture(String line) {
    String[] field = line.split(",");
    Rows rows =
        switch (field[0]) {
          case "twenty" -> TWENTY;
          case "flipped" -> FLIPPED;
          case "ties" -> TIES;
          default -> throw new IllegalArgumentException("no rows are named " + field[0]);
        };
    return new Case(
        rows,
        field[1],
        field[2],
        Boolean.parseBoolean(field[3]),
        Integer.parseInt(field[4]),
        Double.parseDouble(field[5]),
        Double.parseDouble(field[6]),
        Arrays.stream(field[7].split(" ")).mapToDouble(Double::parseDouble).toArray());
  }

  @ParameterizedTest
  @MethodSource("fairlearnCases")
  void matchesFairlearn(Case c) {
    ThresholdOptimizer fitted =
        ThresholdOptimizer.fit(
            c.rows().scores(),
            c.rows().labels(),
            c.rows().groups(),
            new Options(c.constraints(), c.objective(), c.gridSize(), c.flip()));
    assertThat(fitted.result().x()).isCloseTo(c.x(), within(1e-9));
    assertThat(fitted.result().y()).isCloseTo(c.y(), within(1e-9));
    assertThat(fitted.predictProbabilities(c.rows().scores(), c.rows().groups()))
        .containsExactly(c.probabilities(), within(1e-9));
  }

  /** 80 rows in each of three groups with different base rates and score shifts; tied scores. */
  private static Rows synthetic() {
    SplittableRandom random = new SplittableRandom(7);
    String[] names = {"a", "b", "c"};
    double[] baseRate = {0.3, 0.5, 0.7};
    double[] shift = {-0.5, 0, 0.8};
    int n = 240;
    double[] scores = new double[n];
    boolean[] labels = new boolean[n];
    String[] groups = new String[n];
    for (int r = 0; r < n; r++) {
      int g = r % 3;
      groups[r] = names[g];
      labels[r] = random.nextDouble() < baseRate[g];
      double score = shift[g] + (labels[r] ? 1 : 0) + 0.8 * random.nextGaussian();
      scores[r] = Math.round(score * 100) / 100.0;
    }
    return new Rows("synthetic", scores, labels, groups);
  }

  /** The best accuracy of a deterministic threshold per group (positive at or above it). */
  private static double unconstrainedAccuracy(Rows rows) {
    double correct = 0;
    for (String group : List.of("a", "b", "c")) {
      List<Integer> members = new ArrayList<>();
      for (int r = 0; r < rows.scores().length; r++) {
        if (rows.groups()[r].equals(group)) {
          members.add(r);
        }
      }
      double best = 0;
      List<Double> candidates = new ArrayList<>();
      candidates.add(Double.POSITIVE_INFINITY);
      for (int r : members) {
        candidates.add(rows.scores()[r]);
      }
      for (double t : candidates) {
        double right = 0;
        for (int r : members) {
          right += (rows.scores()[r] >= t) == rows.labels()[r] ? 1 : 0;
        }
        best = Math.max(best, right);
      }
      correct += best;
    }
    return correct / rows.scores().length;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "demographic_parity",
        "selection_rate_parity",
        "true_positive_rate_parity",
        "false_positive_rate_parity",
        "true_negative_rate_parity",
        "false_negative_rate_parity",
        "equalized_odds"
      })
  void theConstraintHoldsInExpectationAtACostWithinBounds(String constraints) {
    Rows rows = synthetic();
    ThresholdOptimizer fitted = fit(rows, constraints, "accuracy_score", 1000);
    Result result = fitted.result();
    for (String group : List.of("a", "b", "c")) {
      Confusion rates = expected(fitted, rows, group);
      if (constraints.equals("equalized_odds")) {
        assertThat(rates.falsePositiveRate()).as(group).isCloseTo(result.x(), within(1e-9));
        assertThat(rates.truePositiveRate()).as(group).isCloseTo(result.y(), within(1e-9));
      } else {
        assertThat(GroupFairness.RATES.get(result.xMetric()).applyAsDouble(rates))
            .as(group)
            .isCloseTo(result.x(), within(1e-9));
      }
    }
    Confusion all = expected(fitted, rows, "");
    assertThat(all.accuracy()).isCloseTo(result.objectiveValue(), within(1e-9));
    // No better than the best thresholds without the constraint, no worse than a constant.
    assertThat(result.objectiveValue()).isLessThanOrEqualTo(unconstrainedAccuracy(rows) + EPS);
    double constant = Math.max(all.baseRate(), 1 - all.baseRate());
    assertThat(result.objectiveValue()).isGreaterThanOrEqualTo(constant - EPS);
  }

  @Test
  void pointsCoverEveryThresholdAndFlipAddsTheirMirrors() {
    double[] scores = {0.9, 0.8, 0.3, 0.2};
    boolean[] labels = labels(1, 1, 0, 0);
    List<Point> points =
        TradeoffCurve.points(scores, labels, "a", false, "selection_rate", "accuracy_score");
    assertThat(points).extracting(Point::x).containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
    assertThat(points).extracting(Point::y).containsExactly(0.5, 0.75, 1.0, 0.75, 0.5);
    assertThat(points.get(0).operation()).isEqualTo(new Operation(">", Double.POSITIVE_INFINITY));
    assertThat(points.get(2).operation().threshold()).isCloseTo(0.55, within(EPS));
    assertThat(points.get(4).operation()).isEqualTo(new Operation(">", Double.NEGATIVE_INFINITY));
    List<Point> flipped =
        TradeoffCurve.points(scores, labels, "a", true, "selection_rate", "accuracy_score");
    assertThat(flipped).hasSize(10);
    // "score < 0.55" selects the two negatives: selection rate 1/2, accuracy 0.
    assertThat(flipped)
        .filteredOn(p -> p.operation().operator().equals("<"))
        .filteredOn(p -> p.x() == 0.5)
        .extracting(Point::y)
        .containsExactly(0.0);
  }

  @Test
  void upperHullDropsPointsOnOrBelowTheirNeighboursSegment() {
    List<Point> sorted = new ArrayList<>();
    double[][] xy = {{0, 0}, {0, 0.5}, {0.2, 0.6}, {0.4, 0.9}, {0.6, 0.95}, {0.8, 0.9}, {1, 1}};
    for (int i = 0; i < xy.length; i++) {
      sorted.add(new Point(xy[i][0], xy[i][1], new Operation(">", i)));
    }
    List<Point> hull = TradeoffCurve.upperHull(sorted);
    assertThat(hull)
        .extracting(p -> p.operation().threshold())
        .containsExactly(0.0, 1.0, 3.0, 4.0, 6.0);
    // Collinear points: the middle one goes.
    List<Point> line =
        List.of(
            new Point(0, 0, new Operation(">", 0)),
            new Point(0.5, 0.5, new Operation(">", 1)),
            new Point(1, 1, new Operation(">", 2)));
    assertThat(TradeoffCurve.upperHull(line)).hasSize(2);

    // On the grid 0, 0.2, ..., 1: at 0 the higher of the two points at x = 0; at 0.2 halfway
    // between (0, 0.5) and (0.4, 0.9); at 0.4 the point (0.4, 0.9), as the right end of its
    // segment.
    TradeoffCurve.Curve curve = TradeoffCurve.interpolate(hull, TradeoffCurve.grid(5));
    assertThat(curve.y()[0]).isCloseTo(0.5, within(EPS));
    assertThat(curve.p0()[0]).isCloseTo(1, within(EPS));
    assertThat(curve.operation0()[0].threshold()).isEqualTo(1.0);
    assertThat(curve.y()[1]).isCloseTo(0.7, within(EPS));
    assertThat(curve.p0()[1]).isCloseTo(0.5, within(EPS));
    assertThat(curve.y()[2]).isCloseTo(0.9, within(EPS));
    assertThat(curve.p1()[2]).isCloseTo(1, within(EPS));
    assertThat(curve.operation1()[2].threshold()).isEqualTo(3.0);
    assertThat(curve.y()[5]).isCloseTo(1, within(EPS));
  }

  @Test
  void predictionsAreSeededDrawsOfTheProbabilities() {
    ThresholdOptimizer fitted = fit(PARITY, "demographic_parity", "accuracy_score", 1000);
    int n = 2000;
    double[] scores = new double[n];
    String[] groups = new String[n];
    for (int r = 0; r < n; r++) {
      // a's top score is positive with probability 1/2, b's top score always, b's lowest never.
      scores[r] = r % 3 == 0 ? 0.9 : r % 3 == 1 ? 0.6 : 0.05;
      groups[r] = r % 3 == 0 ? "a" : "b";
    }
    boolean[] decisions = fitted.predict(scores, groups, 42);
    assertThat(fitted.predict(scores, groups, 42)).isEqualTo(decisions);
    int halves = 0;
    int count = 0;
    for (int r = 0; r < n; r++) {
      switch (r % 3) {
        case 0 -> {
          halves += decisions[r] ? 1 : 0;
          count++;
        }
        case 1 -> assertThat(decisions[r]).isTrue();
        default -> assertThat(decisions[r]).isFalse();
      }
    }
    assertThat(halves).isBetween(count * 2 / 5, count * 3 / 5);
  }

  @Test
  void aSavedResultPredictsAsTheFittedOne() {
    ThresholdOptimizer fitted = fit(ODDS, "equalized_odds", "balanced_accuracy_score", 100);
    ThresholdOptimizer loaded = new ThresholdOptimizer(fitted.result());
    assertThat(loaded.predictProbabilities(ODDS.scores(), ODDS.groups()))
        .containsExactly(fitted.predictProbabilities(ODDS.scores(), ODDS.groups()), within(0.0));
  }

  @Test
  void theResultRoundTripsThroughJson() {
    JsonMapper json = JsonMapper.builder().build();
    Result result = fit(ODDS, "equalized_odds", "accuracy_score", 8).result();
    String text = json.writeValueAsString(result);
    assertThat(text).contains("\"pIgnore\"").contains("\"operation0\"");
    assertThat(json.readValue(text, Result.class)).isEqualTo(result);
  }

  @Test
  void badInputIsRefusedWithAReason() {
    Options defaults = Options.DEFAULT;
    assertThatThrownBy(
            () ->
                ThresholdOptimizer.fit(new double[] {0.1, 0.2}, labels(1), groups("ab"), defaults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of one length");
    assertThatThrownBy(
            () -> ThresholdOptimizer.fit(new double[0], new boolean[0], new String[0], defaults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-empty");
    assertThatThrownBy(
            () ->
                ThresholdOptimizer.fit(
                    new double[] {0.1, Double.NaN, 0.3, 0.4},
                    labels(1, 0, 1, 0),
                    groups("aabb"),
                    defaults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has the score NaN");
    assertThatThrownBy(
            () ->
                ThresholdOptimizer.fit(
                    new double[] {0.1, 0.2, Double.POSITIVE_INFINITY, 0.4},
                    labels(1, 0, 1, 0),
                    groups("aabb"),
                    defaults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(
            () ->
                ThresholdOptimizer.fit(
                    new double[] {0.1, 0.2, 0.3}, labels(1, 0, 1), groups("aaa"), defaults))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'")
        .hasMessageContaining("nothing to equalise");
    // Fairlearn: "Degenerate labels for sensitive feature value b", for every constraint.
    for (String constraints : List.of("demographic_parity", "equalized_odds")) {
      assertThatThrownBy(
              () ->
                  ThresholdOptimizer.fit(
                      new double[] {0.1, 0.2, 0.3, 0.4},
                      labels(1, 0, 0, 0),
                      groups("aabb"),
                      new Options(constraints, "accuracy_score", 1000, false)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'b' has only negative labels");
    }
    assertThatThrownBy(() -> new Options("equal_opportunity", "accuracy_score", 1000, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 'equal_opportunity'");
    assertThatThrownBy(() -> new Options("demographic_parity", "f1_score", 1000, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 'f1_score'");
    assertThatThrownBy(() -> new Options("equalized_odds", "selection_rate", 1000, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("with equalized_odds the objective is");
    assertThatThrownBy(() -> new Options("demographic_parity", "accuracy_score", 0, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grid size");
    assertThatThrownBy(() -> new Operation(">=", 0.5)).isInstanceOf(IllegalArgumentException.class);
    Operation always = new Operation(">", Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> new Interpolation(0.7, always, 0.7, always, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("add up to 1");
  }

  @Test
  void predictionRefusesUnknownGroupsAndNaN() {
    ThresholdOptimizer fitted = fit(PARITY, "demographic_parity", "accuracy_score", 1000);
    assertThatThrownBy(() -> fitted.predictProbability(0.5, "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'c' was not seen in fit")
        .hasMessageContaining("a, b");
    assertThatThrownBy(() -> fitted.predict(new double[] {0.5}, new String[] {"c"}, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'c'");
    assertThatThrownBy(() -> fitted.predictProbability(Double.NaN, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> fitted.predictProbabilities(new double[] {0.5}, groups("ab")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
