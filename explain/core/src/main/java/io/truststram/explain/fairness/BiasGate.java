package io.truststram.explain.fairness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A pass/fail gate on a {@link GroupFairness.Report} for pipelines: a policy's rules bound the
 * report's disparities ({@code demographic_parity_difference} at most 0.1, {@code
 * disparate_impact_ratio} at least 0.8, by the names of {@link GroupFairness.Report#metrics()}),
 * and the verdict passes only if every rule does. A metric the report lacks, or reports as
 * undefined (NaN), fails its rule: a gate never passes on what it could not check. Groups with
 * fewer rows than the policy's minimum (the {@code count} of {@link GroupFairness.Report#groups()})
 * are named in warnings, which never fail the verdict. Stateless.
 */
public final class BiasGate {

  private static final Set<String> POLICY_KEYS = Set.of("name", "rules", "minimumGroupSize");
  private static final Set<String> RULE_KEYS = Set.of("metric", "max", "min", "pessimistic");

  /**
   * A bound on one metric.
   *
   * @param metric the metric's name in the report
   * @param comparison {@code max} (the value may not exceed the threshold) or {@code min} (it may
   *     not fall below)
   * @param threshold the bound, finite; a value equal to it passes
   * @param pessimistic judge the end of the metric's bootstrap interval that is worse for the rule
   *     (the upper end for {@code max}, the lower for {@code min}) instead of the point estimate,
   *     when the report has the interval
   */
  public record Rule(String metric, String comparison, double threshold, boolean pessimistic) {

    /**
     * @throws IllegalArgumentException for a blank metric, another comparison, an infinite bound
     */
    public Rule {
      if (metric.isBlank()) {
        throw new IllegalArgumentException("a rule names its metric");
      }
      if (!comparison.equals("max") && !comparison.equals("min")) {
        throw new IllegalArgumentException(
            "a rule's comparison is max or min, not '" + comparison + "'");
      }
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException(
            "the bound of " + metric + " is a finite number, not " + threshold);
      }
    }

    /** The metric may not exceed the threshold (judged on the point estimate). */
    public static Rule max(String metric, double threshold) {
      return new Rule(metric, "max", threshold, false);
    }

    /** The metric may not fall below the threshold (judged on the point estimate). */
    public static Rule min(String metric, double threshold) {
      return new Rule(metric, "min", threshold, false);
    }
  }

  /**
   * A named set of rules.
   *
   * @param name the policy's name, for the verdict
   * @param rules at least one rule
   * @param minimumGroupSize groups with fewer rows are named in warnings; 0 for no check
   */
  public record Policy(String name, List<Rule> rules, int minimumGroupSize) {

    /**
     * @throws IllegalArgumentException for no rule or a negative minimum group size
     */
    public Policy {
      if (rules.isEmpty()) {
        throw new IllegalArgumentException("a policy has at least one rule");
      }
      if (minimumGroupSize < 0) {
        throw new IllegalArgumentException(
            "the minimum group size is not negative, not " + minimumGroupSize);
      }
      rules = List.copyOf(rules);
    }

    /**
     * The four-fifths rule of the US Uniform Guidelines on Employee Selection Procedures: the
     * lowest group selection rate is at least 80% of the highest ({@code disparate_impact_ratio} at
     * least 0.8).
     */
    public static Policy fourFifths() {
      return new Policy("four-fifths", List.of(Rule.min("disparate_impact_ratio", 0.8)), 0);
    }

    /**
     * The policy of a map read from JSON or YAML: {@code name} (optional), {@code rules}, a list of
     * maps each with {@code metric}, exactly one of {@code max} and {@code min} (a number), and
     * optionally {@code pessimistic} (a boolean), and {@code minimumGroupSize} (optional, a whole
     * number, 0 by default). Unknown keys are refused, so that a misspelt bound is not silently
     * ignored.
     *
     * @throws IllegalArgumentException for a missing, unknown or mistyped key, or an invalid policy
     */
    public static Policy parse(Map<String, ?> map) {
      for (String key : map.keySet()) {
        if (!POLICY_KEYS.contains(key)) {
          throw new IllegalArgumentException(
              "a policy has the keys name, rules and minimumGroupSize, not '" + key + "'");
        }
      }
      Object name = map.get("name");
      if (name != null && !(name instanceof String)) {
        throw new IllegalArgumentException("a policy's name is a string, not " + name);
      }
      if (!(map.get("rules") instanceof List<?> items)) {
        throw new IllegalArgumentException("a policy has a list of rules");
      }
      List<Rule> rules = new ArrayList<>();
      for (Object item : items) {
        if (!(item instanceof Map<?, ?> rule)) {
          throw new IllegalArgumentException("each rule is a map, not " + item);
        }
        rules.add(parseRule(rule, rules.size() + 1));
      }
      int minimum = 0;
      Object size = map.get("minimumGroupSize");
      if (size != null) {
        double value = number(size, "minimumGroupSize");
        if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(
              "minimumGroupSize is a whole number, not negative, not " + size);
        }
        minimum = (int) value;
      }
      return new Policy(name == null ? "policy" : (String) name, rules, minimum);
    }

    private static Rule parseRule(Map<?, ?> map, int position) {
      for (Object key : map.keySet()) {
        if (!RULE_KEYS.contains(String.valueOf(key))) {
          throw new IllegalArgumentException(
              "rule "
                  + position
                  + " has the keys metric, max or min, and pessimistic, not '"
                  + key
                  + "'");
        }
      }
      if (!(map.get("metric") instanceof String metric)) {
        throw new IllegalArgumentException("rule " + position + " names its metric as a string");
      }
      Object max = map.get("max");
      Object min = map.get("min");
      if ((max == null) == (min == null)) {
        throw new IllegalArgumentException(
            "rule " + position + " (" + metric + ") has exactly one of max and min");
      }
      Object pessimistic = map.get("pessimistic");
      if (pessimistic != null && !(pessimistic instanceof Boolean)) {
        throw new IllegalArgumentException(
            "rule " + position + " (" + metric + "): pessimistic is true or false");
      }
      return new Rule(
          metric,
          max != null ? "max" : "min",
          max != null ? number(max, metric + "'s max") : number(min, metric + "'s min"),
          Boolean.TRUE.equals(pessimistic));
    }

    private static double number(@Nullable Object value, String what) {
      if (!(value instanceof Number number)) {
        throw new IllegalArgumentException(what + " is a number, not " + value);
      }
      return number.doubleValue();
    }
  }

  /**
   * One rule's outcome.
   *
   * @param metric the metric
   * @param comparison {@code max} or {@code min}
   * @param threshold the bound
   * @param value the value judged, or null when the report lacks the metric or it is undefined
   * @param basis what the value is: {@code estimate}, {@code interval_high} or {@code interval_low}
   * @param passed whether the rule passed
   * @param reason a sentence saying why
   */
  public record RuleResult(
      String metric,
      String comparison,
      double threshold,
      @Nullable Double value,
      String basis,
      boolean passed,
      String reason) {}

  /**
   * The gate's verdict.
   *
   * @param policy the policy's name
   * @param passed whether every rule passed
   * @param rules each rule's outcome, in the policy's order
   * @param warnings small groups, and pessimistic rules judged on a point estimate for want of an
   *     interval
   */
  public record Verdict(
      String policy, boolean passed, List<RuleResult> rules, List<String> warnings) {

    public Verdict {
      rules = List.copyOf(rules);
      warnings = List.copyOf(warnings);
    }
  }

  private BiasGate() {}

  /** The verdict of the policy on the report. */
  public static Verdict evaluate(GroupFairness.Report report, Policy policy) {
    List<String> warnings = new ArrayList<>();
    List<RuleResult> results = new ArrayList<>();
    for (Rule rule : policy.rules()) {
      results.add(judge(report, rule, warnings));
    }
    if (policy.minimumGroupSize() > 0) {
      for (Map.Entry<String, Map<String, Double>> group : report.groups().entrySet()) {
        Double count = group.getValue().get("count");
        if (count == null) {
          warnings.add(
              "the report gives no row count for the group '"
                  + group.getKey()
                  + "': its size is unchecked");
        } else if (count < policy.minimumGroupSize()) {
          warnings.add(
              String.format(
                  Locale.ROOT,
                  "the group '%s' has %d rows, fewer than the policy's minimum of %d: its rates"
                      + " are noisy",
                  group.getKey(),
                  count.longValue(),
                  policy.minimumGroupSize()));
        }
      }
    }
    boolean passed = results.stream().allMatch(RuleResult::passed);
    return new Verdict(policy.name(), passed, results, warnings);
  }

  private static RuleResult judge(GroupFairness.Report report, Rule rule, List<String> warnings) {
    Double estimate = report.metrics().get(rule.metric());
    if (estimate == null) {
      return failed(rule, "estimate", rule.metric() + " is not in the report: it cannot pass");
    }
    if (Double.isNaN(estimate)) {
      return failed(
          rule, "estimate", rule.metric() + " is undefined (NaN) in the report: it cannot pass");
    }
    boolean max = rule.comparison().equals("max");
    double value = estimate;
    String basis = "estimate";
    String where = "";
    if (rule.pessimistic()) {
      double[] interval = report.intervals().get(rule.metric());
      if (interval == null || interval.length != 2) {
        warnings.add(
            rule.metric()
                + " has no bootstrap interval in the report: its point estimate was judged");
      } else {
        value = max ? interval[1] : interval[0];
        basis = max ? "interval_high" : "interval_low";
        where = max ? " (its interval's upper end)" : " (its interval's lower end)";
        if (Double.isNaN(value)) {
          return failed(
              rule, basis, rule.metric() + "'s interval end is undefined (NaN): it cannot pass");
        }
      }
    }
    boolean passed = max ? value <= rule.threshold() : value >= rule.threshold();
    String verdict =
        max
            ? (passed ? "is within the maximum" : "exceeds the maximum")
            : (passed ? "meets the minimum" : "is below the minimum");
    String[] shown = distinct(value, rule.threshold());
    String reason = rule.metric() + " " + shown[0] + where + " " + verdict + " " + shown[1];
    return new RuleResult(
        rule.metric(), rule.comparison(), rule.threshold(), value, basis, passed, reason);
  }

  private static RuleResult failed(Rule rule, String basis, String reason) {
    return new RuleResult(
        rule.metric(), rule.comparison(), rule.threshold(), null, basis, false, reason);
  }

  /** Both numbers with 3 decimals, or more where 3 would print a failing value as the bound. */
  private static String[] distinct(double value, double threshold) {
    for (int decimals = 3; decimals < 10; decimals++) {
      String a = String.format(Locale.ROOT, "%." + decimals + "f", value);
      String b = String.format(Locale.ROOT, "%." + decimals + "f", threshold);
      if (!a.equals(b) || value == threshold) {
        return new String[] {a, b};
      }
    }
    return new String[] {Double.toString(value), Double.toString(threshold)};
  }
}
