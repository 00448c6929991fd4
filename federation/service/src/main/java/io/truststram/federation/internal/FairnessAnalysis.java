package io.truststram.federation.internal;

import io.truststram.explain.fairness.FairnessSummary;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.federation.FederatedAnalysis;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fairness across the federation ({@code fairness}): each node sends the confusion counts of every
 * group of the sensitive attributes ({@link FairnessSummary#toVector}); their sum is the summary of
 * all the nodes' rows, and its report has exactly the numbers a report on the pooled rows has.
 *
 * <p>Spec: {@code attributes} (names, in order), {@code values} (each attribute's values: together
 * they fix the groups and so the vector's layout), {@code method} ({@code between_groups} or {@code
 * to_overall}), {@code privileged} (a group key, for AIF360's metrics). Anything else in the spec
 * (the label column, a decision threshold) is for the nodes.
 */
final class FairnessAnalysis implements FederatedAnalysis {

  @Override
  public String kind() {
    return "fairness";
  }

  /** Confusion counts are whole numbers, so fairness runs under secure aggregation too. */
  @Override
  public boolean wholeNumbers() {
    return true;
  }

  @Override
  public int length(Map<String, Object> spec) {
    List<String> keys = keys(spec);
    options(spec);
    return 5 * (keys.size() + 1);
  }

  @Override
  public void check(Map<String, Object> spec, double[] summary) {
    for (int at = 0; at < summary.length; at += 5) {
      for (int k = 0; k < 5; k++) {
        if (summary[at + k] < 0) {
          throw new IllegalArgumentException("confusion counts are not negative");
        }
      }
      double rows = summary[at + 4];
      if (rows != Math.rint(rows)) {
        throw new IllegalArgumentException("a group's row count is a whole number");
      }
    }
  }

  @Override
  public Map<String, Object> result(Map<String, Object> spec, double[] sum, int contributors) {
    FairnessSummary summary = FairnessSummary.fromVector(attributes(spec), keys(spec), sum);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", summary.overall().count());
    out.put("contributors", contributors);
    out.putAll(GroupFairness.report(summary, options(spec)).toMap());
    return out;
  }

  private static List<String> keys(Map<String, Object> spec) {
    List<String> attributes = attributes(spec);
    return FairnessSummary.keys(attributes, Specs.stringLists(spec, "values"));
  }

  private static List<String> attributes(Map<String, Object> spec) {
    List<String> attributes = Specs.strings(spec, "attributes");
    if (attributes.size() > 5) {
      throw new IllegalArgumentException("at most 5 sensitive attributes");
    }
    return attributes;
  }

  private static GroupFairness.Options options(Map<String, Object> spec) {
    return new GroupFairness.Options(
        Specs.string(spec, "method", "between_groups"),
        0,
        0.95,
        0,
        Specs.optionalString(spec, "privileged"));
  }
}
