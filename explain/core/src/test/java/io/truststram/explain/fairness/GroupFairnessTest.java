package io.truststram.explain.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics against values computed by hand on a nine-row weighted table. */
class GroupFairnessTest {

  // sex, race, label, prediction, weight
  private static final String[] SEX = {"M", "M", "M", "M", "F", "F", "F", "F", "F"};
  private static final String[] RACE = {"A", "A", "B", "B", "A", "A", "B", "B", "B"};
  private static final boolean[] LABEL = {true, false, true, false, true, false, true, false, true};
  private static final boolean[] PREDICTED = {
    true, true, false, false, true, false, false, false, true
  };
  private static final double[] WEIGHT = {1, 1, 2, 1, 1, 1, 1, 3, 1};

  private static final double EPS = 1e-12;

  @Test
  void oneAttributeBetweenGroupsAndToOverall() {
    GroupFairness.Report report =
        GroupFairness.compute(
            LABEL, PREDICTED, Map.of("sex", SEX), WEIGHT, GroupFairness.Options.DEFAULT);
    // M: tp 1, fp 1, fn 2, tn 1 (weight 5); F: tp 2, fp 0, fn 1, tn 4 (weight 7).
    assertThat(report.groups().get("sex=M").get("selection_rate")).isCloseTo(0.4, within(EPS));
    assertThat(report.groups().get("sex=M").get("true_positive_rate"))
        .isCloseTo(1 / 3.0, within(EPS));
    assertThat(report.groups().get("sex=M").get("false_positive_rate")).isCloseTo(0.5, within(EPS));
    assertThat(report.groups().get("sex=F").get("selection_rate")).isCloseTo(2 / 7.0, within(EPS));
    assertThat(report.groups().get("sex=F").get("count")).isEqualTo(5.0);
    assertThat(report.groups().get("sex=F").get("weight")).isEqualTo(7.0);
    assertThat(report.overall().get("true_positive_rate")).isCloseTo(0.5, within(EPS));
    Map<String, Double> m = report.metrics();
    assertThat(m.get("demographic_parity_difference")).isCloseTo(0.4 - 2 / 7.0, within(EPS));
    assertThat(m.get("demographic_parity_ratio")).isCloseTo((2 / 7.0) / 0.4, within(EPS));
    assertThat(m.get("equalized_odds_difference")).isCloseTo(0.5, within(EPS));
    assertThat(m.get("equalized_odds_ratio")).isCloseTo(0.0, within(EPS));
    assertThat(m.get("equal_opportunity_difference")).isCloseTo(1 / 3.0, within(EPS));
    assertThat(m.get("equal_opportunity_ratio")).isCloseTo(0.5, within(EPS));
    assertThat(m.get("disparate_impact_ratio")).isCloseTo((2 / 7.0) / 0.4, within(EPS));
    GroupFairness.Report toOverall =
        GroupFairness.compute(
            LABEL,
            PREDICTED,
            Map.of("sex", SEX),
            WEIGHT,
            new GroupFairness.Options("to_overall", 0, 0.95, 0, null));
    assertThat(toOverall.metrics().get("demographic_parity_difference"))
        .isCloseTo(0.4 - 1 / 3.0, within(EPS));
    assertThat(toOverall.metrics().get("demographic_parity_ratio"))
        .isCloseTo((1 / 3.0) / 0.4, within(EPS));
  }

  @Test
  void intersectionsAndAif360sSignedMetrics() {
    Map<String, String[]> attributes = new LinkedHashMap<>();
    attributes.put("sex", SEX);
    attributes.put("race", RACE);
    GroupFairness.Report report =
        GroupFairness.compute(
            LABEL,
            PREDICTED,
            attributes,
            WEIGHT,
            new GroupFairness.Options("between_groups", 0, 0.95, 0, "sex=M"));
    assertThat(report.groups())
        .containsKeys(
            "sex=M",
            "sex=F",
            "race=A",
            "race=B",
            "sex=M & race=A",
            "sex=M & race=B",
            "sex=F & race=A",
            "sex=F & race=B");
    assertThat(report.groups().get("sex=F & race=B").get("selection_rate"))
        .isCloseTo(0.2, within(EPS));
    assertThat(report.groups().get("sex=F & race=B").get("true_positive_rate"))
        .isCloseTo(0.5, within(EPS));
    // Over the intersections: M&A selects everyone, M&B no one.
    assertThat(report.metrics().get("demographic_parity_difference")).isCloseTo(1.0, within(EPS));
    assertThat(report.metrics().get("demographic_parity_ratio")).isCloseTo(0.0, within(EPS));
    assertThat(report.metrics().get("equalized_odds_difference")).isCloseTo(1.0, within(EPS));
    Map<String, Double> aif = report.aif360();
    assertThat(aif.get("statistical_parity_difference")).isCloseTo(2 / 7.0 - 0.4, within(EPS));
    assertThat(aif.get("disparate_impact")).isCloseTo((2 / 7.0) / 0.4, within(EPS));
    assertThat(aif.get("equal_opportunity_difference")).isCloseTo(1 / 3.0, within(EPS));
    assertThat(aif.get("average_odds_difference"))
        .isCloseTo(((0 - 0.5) + (2 / 3.0 - 1 / 3.0)) / 2, within(EPS));
  }

  @Test
  void undefinedRatesAreZeroWithAWarningAndBootstrapIsReproducible() {
    // Group B has no positive labels: its true positive rate is undefined.
    String[] group = {"A", "A", "A", "B", "B"};
    boolean[] label = {true, false, true, false, false};
    boolean[] predicted = {true, true, false, true, false};
    GroupFairness.Options options = new GroupFairness.Options("between_groups", 200, 0.9, 7, null);
    GroupFairness.Report report =
        GroupFairness.compute(label, predicted, Map.of("g", group), null, options);
    assertThat(report.groups().get("g=B").get("true_positive_rate")).isZero();
    assertThat(report.warnings())
        .contains("g=B: true_positive_rate is undefined (no rows to rate); reported as 0");
    // Fairlearn's NaN rules: group B has no positives, so its TPR is 0 and the TPR ratio 0/…;
    // the false positive rates are 1/… and 1/2: the ratio exists.
    assertThat(report.metrics().get("equalized_odds_ratio")).isZero();
    double[] interval = report.intervals().get("demographic_parity_difference");
    assertThat(interval[0]).isLessThanOrEqualTo(interval[1]);
    assertThat(
            GroupFairness.compute(label, predicted, Map.of("g", group), null, options)
                .intervals()
                .get("demographic_parity_difference"))
        .isEqualTo(interval);
  }

  /** After reweighing, the weighted base rate is the same in every group (AIF360's property). */
  @Test
  void reweighingMakesTheLabelIndependentOfTheGroup() {
    double[] weights = GroupFairness.reweighing(LABEL, SEX, WEIGHT);
    // W(M, 1) = P(M) P(1) / P(M, 1) = (5/12)(6/12)/(3/12) = 5/6, times row 3's weight 2.
    assertThat(weights[2]).isCloseTo(2 * 5 / 6.0, within(EPS));
    double[] positive = new double[2];
    double[] all = new double[2];
    for (int r = 0; r < LABEL.length; r++) {
      int g = SEX[r].equals("M") ? 0 : 1;
      all[g] += weights[r];
      positive[g] += LABEL[r] ? weights[r] : 0;
    }
    assertThat(positive[0] / all[0]).isCloseTo(positive[1] / all[1], within(EPS));
    assertThat(all[0] + all[1]).isCloseTo(12, within(EPS));
  }

  /**
   * A largest value of 0 makes a ratio undefined (NaN), and Fairlearn's worst case over [tpr, fpr]
   * then returns the TPR ratio when only the FPR ratio is NaN; AIF360's unguarded rates give NaN.
   */
  @Test
  void undefinedRatiosFollowFairlearnAndAif360() {
    // No false positives anywhere: every FPR is 0, so the FPR ratio is 0/0.
    String[] group = {"A", "A", "B", "B"};
    boolean[] label = {true, false, true, false};
    boolean[] predicted = {true, false, false, false};
    GroupFairness.Report report =
        GroupFairness.compute(
            label,
            predicted,
            Map.of("g", group),
            null,
            new GroupFairness.Options("between_groups", 0, 0.95, 0, "g=B"));
    assertThat(report.metrics().get("equalized_odds_ratio")).isZero(); // the TPR ratio, 0/1
    assertThat(report.metrics().get("equalized_odds_ratio_mean")).isZero();
    assertThat(report.metrics().get("demographic_parity_ratio")).isZero();
    // Privileged B selects no one: AIF360's disparate impact is 0.5/0.
    assertThat(report.aif360().get("disparate_impact")).isInfinite();
  }

  /** Calibration by hand: group M's scores against its labels, in two bins. */
  @Test
  void calibrationPerGroup() {
    double[] scores = {0.9, 0.7, 0.2, 0.1, 0.8, 0.3, 0.4, 0.2, 0.6};
    Map<String, Map<String, Double>> calibration =
        GroupFairness.calibration(LABEL, scores, Map.of("sex", SEX), WEIGHT, 2);
    // M: weights 1, 1, 2, 1; scores .9, .7, .2, .1; labels 1, 0, 1, 0.
    Map<String, Double> m = calibration.get("sex=M");
    assertThat(m.get("mean_score")).isCloseTo((0.9 + 0.7 + 0.4 + 0.1) / 5, within(EPS));
    assertThat(m.get("base_rate")).isCloseTo(3 / 5.0, within(EPS));
    // Bin [0, .5): weight 3, score .5, positives 2; bin [.5, 1]: weight 2, score 1.6, positives 1.
    assertThat(m.get("expected_calibration_error"))
        .isCloseTo(3 / 5.0 * Math.abs(0.5 - 2) / 3 + 2 / 5.0 * Math.abs(1.6 - 1) / 2, within(EPS));
    assertThat(calibration).containsKeys("sex=F", "overall");
    assertThatThrownBy(
            () -> GroupFairness.calibration(LABEL, new double[9], Map.of("sex", SEX), null, 0))
        .hasMessageContaining("bins");
  }

  @Test
  void badInputIsRefused() {
    String[] everyone = {"x", "x", "x", "x", "x", "x", "x", "x", "x"};
    assertThatThrownBy(
            () ->
                GroupFairness.compute(
                    LABEL, PREDICTED, Map.of("all", everyone), null, GroupFairness.Options.DEFAULT))
        .hasMessageContaining("'all' has a single group");
    assertThatThrownBy(
            () ->
                GroupFairness.compute(
                    LABEL, new boolean[3], Map.of("sex", SEX), null, GroupFairness.Options.DEFAULT))
        .hasMessageContaining("one length");
    assertThatThrownBy(
            () ->
                GroupFairness.compute(
                    LABEL,
                    PREDICTED,
                    Map.of("sex", SEX),
                    null,
                    new GroupFairness.Options("between_groups", 0, 0.95, 0, "sex=X")))
        .hasMessageContaining("no row is in the privileged group 'sex=X'");
    assertThatThrownBy(() -> new GroupFairness.Options("worst", 0, 0.95, 0, null))
        .hasMessageContaining("between_groups or to_overall");
  }
}
