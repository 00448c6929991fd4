package io.truststram.explain.fairness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.fairness.BiasGate.Policy;
import io.truststram.explain.fairness.BiasGate.Rule;
import io.truststram.explain.fairness.BiasGate.RuleResult;
import io.truststram.explain.fairness.BiasGate.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The gate's verdicts on reports computed by {@link GroupFairness} and on reports made by hand. */
class BiasGateTest {

  // GroupFairnessTest's nine weighted rows: M selects 0.4, F 2/7 (counts 4 and 5 rows).
  private static final String[] SEX = {"M", "M", "M", "M", "F", "F", "F", "F", "F"};
  private static final boolean[] LABEL = {true, false, true, false, true, false, true, false, true};
  private static final boolean[] PREDICTED = {
    true, true, false, false, true, false, false, false, true
  };
  private static final double[] WEIGHT = {1, 1, 2, 1, 1, 1, 1, 3, 1};

  private static GroupFairness.Report computed(GroupFairness.Options options) {
    return GroupFairness.compute(LABEL, PREDICTED, Map.of("sex", SEX), WEIGHT, options);
  }

  /** A report of these metrics and intervals over two groups of 40 and 8 rows. */
  private static GroupFairness.Report report(
      Map<String, Double> metrics, Map<String, double[]> intervals) {
    Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
    groups.put("g=a", Map.of("count", 40.0, "selection_rate", 0.5));
    groups.put("g=b", Map.of("count", 8.0, "selection_rate", 0.4));
    return new GroupFairness.Report(
        Map.of(), groups, metrics, intervals, Map.of(), List.of(), "between_groups");
  }

  @Test
  void everyRuleMustPassAndEachSaysWhy() {
    Policy policy =
        new Policy(
            "ci",
            List.of(
                Rule.max("demographic_parity_difference", 0.2),
                Rule.min("disparate_impact_ratio", 0.8)),
            0);
    Verdict verdict = BiasGate.evaluate(computed(GroupFairness.Options.DEFAULT), policy);
    assertThat(verdict.policy()).isEqualTo("ci");
    assertThat(verdict.passed()).isFalse();
    RuleResult parity = verdict.rules().get(0);
    assertThat(parity.passed()).isTrue();
    assertThat(parity.value()).isCloseTo(0.4 - 2 / 7.0, within(1e-12));
    assertThat(parity.basis()).isEqualTo("estimate");
    assertThat(parity.reason())
        .isEqualTo("demographic_parity_difference 0.114 is within the maximum 0.200");
    RuleResult impact = verdict.rules().get(1);
    assertThat(impact.passed()).isFalse();
    assertThat(impact.value()).isCloseTo(5 / 7.0, within(1e-12));
    assertThat(impact.reason())
        .isEqualTo("disparate_impact_ratio 0.714 is below the minimum 0.800");
    assertThat(verdict.warnings()).isEmpty();

    assertThat(
            BiasGate.evaluate(computed(GroupFairness.Options.DEFAULT), Policy.fourFifths())
                .passed())
        .isFalse();
    Verdict fair =
        BiasGate.evaluate(
            report(Map.of("disparate_impact_ratio", 0.85), Map.of()), Policy.fourFifths());
    assertThat(fair.passed()).isTrue();
    assertThat(fair.rules().get(0).reason())
        .isEqualTo("disparate_impact_ratio 0.850 meets the minimum 0.800");
  }

  @Test
  void theBoundItselfPassesAndANearMissShowsMoreDecimals() {
    Policy policy = new Policy("p", List.of(Rule.max("demographic_parity_difference", 0.1)), 0);
    Verdict atBound =
        BiasGate.evaluate(report(Map.of("demographic_parity_difference", 0.1), Map.of()), policy);
    assertThat(atBound.passed()).isTrue();
    assertThat(atBound.rules().get(0).reason())
        .isEqualTo("demographic_parity_difference 0.100 is within the maximum 0.100");
    Verdict over =
        BiasGate.evaluate(
            report(Map.of("demographic_parity_difference", 0.1004), Map.of()), policy);
    assertThat(over.passed()).isFalse();
    assertThat(over.rules().get(0).reason())
        .isEqualTo("demographic_parity_difference 0.1004 exceeds the maximum 0.1000");
  }

  @Test
  void anUndefinedOrMissingMetricFails() {
    Policy policy =
        new Policy(
            "p",
            List.of(
                Rule.min("demographic_parity_ratio", 0.8),
                Rule.max("equalized_odds_difference", 0.1)),
            0);
    Verdict verdict =
        BiasGate.evaluate(report(Map.of("demographic_parity_ratio", Double.NaN), Map.of()), policy);
    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.rules()).allSatisfy(rule -> assertThat(rule.passed()).isFalse());
    assertThat(verdict.rules()).allSatisfy(rule -> assertThat(rule.value()).isNull());
    assertThat(verdict.rules().get(0).reason())
        .isEqualTo("demographic_parity_ratio is undefined (NaN) in the report: it cannot pass");
    assertThat(verdict.rules().get(1).reason())
        .isEqualTo("equalized_odds_difference is not in the report: it cannot pass");
  }

  @Test
  void aPessimisticRuleJudgesTheIntervalsWorseEnd() {
    Map<String, Double> metrics =
        Map.of(
            "demographic_parity_difference", 0.09,
            "demographic_parity_ratio", 0.85,
            "equalized_odds_difference", 0.05);
    Map<String, double[]> intervals =
        Map.of(
            "demographic_parity_difference", new double[] {0.05, 0.15},
            "demographic_parity_ratio", new double[] {0.75, 0.95});
    Policy policy =
        new Policy(
            "p",
            List.of(
                new Rule("demographic_parity_difference", "max", 0.1, true),
                Rule.max("demographic_parity_difference", 0.1),
                new Rule("demographic_parity_ratio", "min", 0.8, true),
                new Rule("equalized_odds_difference", "max", 0.1, true)),
            0);
    Verdict verdict = BiasGate.evaluate(report(metrics, intervals), policy);
    assertThat(verdict.passed()).isFalse();
    List<RuleResult> rules = verdict.rules();
    assertThat(rules).extracting(RuleResult::passed).containsExactly(false, true, false, true);
    assertThat(rules)
        .extracting(RuleResult::basis)
        .containsExactly("interval_high", "estimate", "interval_low", "estimate");
    assertThat(rules).extracting(RuleResult::value).containsExactly(0.15, 0.09, 0.75, 0.05);
    assertThat(rules.get(0).reason())
        .isEqualTo(
            "demographic_parity_difference 0.150 (its interval's upper end) exceeds the maximum"
                + " 0.100");
    assertThat(rules.get(2).reason())
        .isEqualTo(
            "demographic_parity_ratio 0.750 (its interval's lower end) is below the minimum 0.800");
    // No interval for the last one: judged on its estimate, and the verdict says so.
    assertThat(verdict.warnings())
        .containsExactly(
            "equalized_odds_difference has no bootstrap interval in the report: its point"
                + " estimate was judged");

    // With GroupFairness's own bootstrap the pessimistic value is the interval's upper end.
    GroupFairness.Report bootstrapped =
        computed(new GroupFairness.Options("between_groups", 200, 0.9, 7, null));
    Verdict judged =
        BiasGate.evaluate(
            bootstrapped,
            new Policy(
                "p", List.of(new Rule("demographic_parity_difference", "max", 0.5, true)), 0));
    assertThat(judged.rules().get(0).value())
        .isEqualTo(bootstrapped.intervals().get("demographic_parity_difference")[1]);
  }

  @Test
  void smallGroupsAreNamedInWarningsWithoutFailing() {
    Policy policy = new Policy("p", List.of(Rule.max("demographic_parity_difference", 0.2)), 10);
    Verdict verdict =
        BiasGate.evaluate(report(Map.of("demographic_parity_difference", 0.1), Map.of()), policy);
    assertThat(verdict.passed()).isTrue();
    assertThat(verdict.warnings())
        .containsExactly(
            "the group 'g=b' has 8 rows, fewer than the policy's minimum of 10: its rates are"
                + " noisy");
    // GroupFairness counts rows, not weights: sex=M has 4 rows, sex=F 5.
    Verdict computed =
        BiasGate.evaluate(
            computed(GroupFairness.Options.DEFAULT),
            new Policy("p", List.of(Rule.max("demographic_parity_difference", 0.2)), 5));
    assertThat(computed.warnings()).hasSize(1);
    assertThat(computed.warnings().get(0)).contains("'sex=M' has 4 rows");
  }

  @Test
  void aPolicyIsValidated() {
    assertThatThrownBy(() -> new Policy("p", List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one rule");
    assertThatThrownBy(() -> new Policy("p", List.of(Rule.max("m", 0.1)), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not negative");
    assertThatThrownBy(() -> Rule.max("m", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> Rule.min("m", Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> new Rule("m", "below", 0.1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max or min, not 'below'");
    assertThatThrownBy(() -> new Rule(" ", "max", 0.1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names its metric");
  }

  @Test
  void aPolicyParsesFromJson() {
    String json =
        """
        {"name": "release",
         "rules": [{"metric": "demographic_parity_difference", "max": 0.1},
                   {"metric": "disparate_impact_ratio", "min": 0.8, "pessimistic": true}],
         "minimumGroupSize": 30}
        """;
    Map<String, Object> map =
        JsonMapper.builder().build().readValue(json, new TypeReference<Map<String, Object>>() {});
    assertThat(Policy.parse(map))
        .isEqualTo(
            new Policy(
                "release",
                List.of(
                    new Rule("demographic_parity_difference", "max", 0.1, false),
                    new Rule("disparate_impact_ratio", "min", 0.8, true)),
                30));
    assertThat(Policy.parse(Map.of("rules", List.of(Map.of("metric", "m", "max", 1)))))
        .isEqualTo(new Policy("policy", List.of(Rule.max("m", 1)), 0));
  }

  @Test
  void aMalformedPolicyMapIsRefused() {
    assertThatThrownBy(() -> Policy.parse(Map.of("rule", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 'rule'");
    assertThatThrownBy(() -> Policy.parse(Map.of("rules", "m max 0.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a list of rules");
    assertThatThrownBy(
            () -> Policy.parse(Map.of("rules", List.of(Map.of("metric", "m", "maximum", 0.1)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 'maximum'");
    assertThatThrownBy(
            () ->
                Policy.parse(
                    Map.of("rules", List.of(Map.of("metric", "m", "max", 0.1, "min", 0.0)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one of max and min");
    assertThatThrownBy(() -> Policy.parse(Map.of("rules", List.of(Map.of("metric", "m")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one of max and min");
    assertThatThrownBy(
            () -> Policy.parse(Map.of("rules", List.of(Map.of("metric", "m", "max", "0.1")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is a number");
    assertThatThrownBy(
            () ->
                Policy.parse(
                    Map.of(
                        "rules",
                        List.of(Map.of("metric", "m", "max", 0.1)),
                        "minimumGroupSize",
                        2.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole number");
  }

  @Test
  void aVerdictPrintsAsJson() {
    Verdict verdict =
        BiasGate.evaluate(
            report(Map.of(), Map.of()),
            new Policy("p", List.of(Rule.max("demographic_parity_difference", 0.1)), 0));
    String json = JsonMapper.builder().build().writeValueAsString(verdict);
    assertThat(json).contains("\"passed\":false").contains("\"value\":null");
  }
}
