package io.truststram.identity.internal.policy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One attribute-based rule of a tenant. It applies to the actions it names (permission names, with
 * {@code *} as a wildcard: {@code model:*}). A {@code require} rule must hold for its actions to be
 * allowed; a {@code deny} rule refuses its actions when it holds. A rule holds when all its
 * conditions hold.
 *
 * @param id a name unique in the tenant, shown in decisions and explanations
 * @param effect what the rule does when it applies
 * @param actions the actions it applies to
 * @param conditions all must hold for the rule to hold
 * @param description why the rule exists, for people
 */
public record Policy(
    String id,
    Effect effect,
    List<String> actions,
    List<Condition> conditions,
    String description) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern ACTION = Pattern.compile("(\\*|[a-z-]+:(\\*|[a-z-]+))");

  public Policy {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "policy id must be 1-63 lower-case letters, digits, '.', '_' or '-': " + id);
    }
    if (actions.isEmpty() || actions.stream().anyMatch(a -> !ACTION.matcher(a).matches())) {
      throw new IllegalArgumentException(
          "policy " + id + ": actions must be permission names like model:deploy, model:* or *");
    }
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException("policy " + id + " has no conditions");
    }
    actions = List.copyOf(actions);
    conditions = List.copyOf(conditions);
  }

  /** What a rule does. */
  public enum Effect {
    /** The conditions must hold for the action to be allowed. */
    REQUIRE,
    /** The action is refused when the conditions hold. */
    DENY
  }

  /** Whether this rule applies to {@code action}. */
  public boolean appliesTo(String action) {
    for (String pattern : actions) {
      if (pattern.equals("*") || pattern.equals(action)) {
        return true;
      }
      if (pattern.endsWith(":*") && action.startsWith(pattern.substring(0, pattern.length() - 1))) {
        return true;
      }
    }
    return false;
  }
}
