package io.truststram.identity.internal.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates a tenant's policies for one action, after role-based access already allowed it: refused
 * if a {@code deny} rule for the action holds or a {@code require} rule for it does not; allowed
 * otherwise. Every decision comes with its reasons, condition by condition, so that "why was this
 * denied?" has an answer.
 */
public final class PolicyEngine {

  private PolicyEngine() {}

  /** How one condition came out. */
  public record ConditionResult(
      String attribute,
      String operator,
      @Nullable Object expected,
      @Nullable Object actual,
      boolean holds) {}

  /** How one rule came out for the action. */
  public record RuleResult(
      String policy,
      Policy.Effect effect,
      boolean holds,
      boolean refuses,
      List<ConditionResult> conditions) {}

  /** The decision and the rules that applied. */
  public record Decision(boolean allowed, List<RuleResult> rules) {

    /** The rules that refused, in order. */
    public List<String> refusedBy() {
      return rules.stream().filter(RuleResult::refuses).map(RuleResult::policy).toList();
    }
  }

  /** Decides {@code action} for {@code attributes} under {@code policies}. */
  public static Decision decide(
      List<Policy> policies, String action, Map<String, @Nullable Object> attributes) {
    List<RuleResult> results = new ArrayList<>();
    boolean allowed = true;
    for (Policy policy : policies) {
      if (!policy.appliesTo(action)) {
        continue;
      }
      List<ConditionResult> conditions = new ArrayList<>();
      boolean holds = true;
      for (Condition condition : policy.conditions()) {
        boolean result = condition.holds(attributes);
        holds &= result;
        conditions.add(
            new ConditionResult(
                condition.attribute(),
                condition.operator(),
                condition.value(),
                attributes.get(condition.attribute()),
                result));
      }
      boolean refuses = policy.effect() == Policy.Effect.DENY ? holds : !holds;
      allowed &= !refuses;
      results.add(new RuleResult(policy.id(), policy.effect(), holds, refuses, conditions));
    }
    return new Decision(allowed, results);
  }
}
