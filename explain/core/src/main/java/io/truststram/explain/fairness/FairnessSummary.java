package io.truststram.explain.fairness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a fairness report needs of a participant's rows, without the rows: the weighted confusion
 * counts of each group (each sensitive attribute's values, and their intersections) and overall.
 * Summaries of disjoint sets of rows add up to the summary of their union, so a federation's
 * participants can each summarise their own predictions and the coordinator report on all of them
 * ({@link GroupFairness#report(FairnessSummary, GroupFairness.Options)}) with the same numbers as a
 * report on the pooled rows. As a vector ({@link #toVector}) a summary goes through secure
 * aggregation, so the coordinator sees only the sum.
 *
 * @param attributes the sensitive attributes' names, in order
 * @param groups per group key ({@code sex=Female}, {@code sex=Female & race=Black}), its counts
 * @param overall the counts of every row
 */
public record FairnessSummary(
    List<String> attributes, Map<String, Confusion> groups, Confusion overall) {

  public FairnessSummary {
    attributes = List.copyOf(attributes);
    if (attributes.isEmpty()) {
      throw new IllegalArgumentException("name at least one sensitive attribute");
    }
    groups = Collections.unmodifiableMap(new TreeMap<>(groups));
  }

  /**
   * The summary of {@code predicted} against {@code label}, grouped by {@code attributes}.
   *
   * @param weights one weight per row (finite, not negative), or null for equal
   * @throws IllegalArgumentException for lengths that differ, no attribute, or bad weights
   */
  public static FairnessSummary of(
      boolean[] label,
      boolean[] predicted,
      Map<String, String[]> attributes,
      double @Nullable [] weights) {
    int n = label.length;
    if (predicted.length != n) {
      throw new IllegalArgumentException("labels and predictions are of one length");
    }
    if (attributes.isEmpty()) {
      throw new IllegalArgumentException("name at least one sensitive attribute");
    }
    for (Map.Entry<String, String[]> attribute : attributes.entrySet()) {
      if (attribute.getValue().length != n) {
        throw new IllegalArgumentException(
            "'"
                + attribute.getKey()
                + "' has "
                + attribute.getValue().length
                + " values for "
                + n
                + " rows");
      }
    }
    if (weights != null) {
      if (weights.length != n) {
        throw new IllegalArgumentException(weights.length + " weights for " + n + " rows");
      }
      for (double v : weights) {
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new IllegalArgumentException("weights are finite and not negative");
        }
      }
    }
    String[] keys = GroupFairness.groupKeys(attributes, n);
    Map<String, Confusion> groups = new TreeMap<>();
    Confusion overall = Confusion.EMPTY;
    for (int r = 0; r < n; r++) {
      double w = weights == null ? 1 : weights[r];
      boolean y = label[r];
      boolean p = predicted[r];
      groups.merge(keys[r], Confusion.EMPTY.add(y, p, w), Confusion::plus);
      if (attributes.size() > 1) {
        for (Map.Entry<String, String[]> attribute : attributes.entrySet()) {
          groups.merge(
              attribute.getKey() + "=" + attribute.getValue()[r],
              Confusion.EMPTY.add(y, p, w),
              Confusion::plus);
        }
      }
      overall = overall.add(y, p, w);
    }
    return new FairnessSummary(List.copyOf(attributes.keySet()), groups, overall);
  }

  /**
   * The summary of both sets of rows.
   *
   * @throws IllegalArgumentException when the summaries group by different attributes
   */
  public FairnessSummary merge(FairnessSummary other) {
    if (!attributes.equals(other.attributes)) {
      throw new IllegalArgumentException(
          "summaries group by " + attributes + " and " + other.attributes + ": they do not merge");
    }
    Map<String, Confusion> merged = new TreeMap<>(groups);
    other.groups.forEach((key, table) -> merged.merge(key, table, Confusion::plus));
    return new FairnessSummary(attributes, merged, overall.plus(other.overall));
  }

  /** The intersections' tables: the groups the disparities are taken over. */
  Map<String, Confusion> intersections() {
    Map<String, Confusion> out = new TreeMap<>();
    groups.forEach(
        (key, table) -> {
          if (key.split(" & ", -1).length == attributes.size()) {
            out.put(key, table);
          }
        });
    return out;
  }

  /** Each attribute's own groups, in attribute order (only with several attributes). */
  Map<String, Confusion> singles() {
    Map<String, Confusion> out = new LinkedHashMap<>();
    if (attributes.size() == 1) {
      return out;
    }
    for (String attribute : attributes) {
      groups.forEach(
          (key, table) -> {
            if (!key.contains(" & ") && key.startsWith(attribute + "=")) {
              out.put(key, table);
            }
          });
    }
    return out;
  }

  /**
   * Every group key of {@code attributes} with the given values: each attribute's own groups (with
   * several attributes), then every intersection, as {@link #of} names them. Participants that
   * agree on the attributes and their values agree on these keys, and so on {@link #toVector}'s
   * layout.
   *
   * @throws IllegalArgumentException for no attribute, an attribute without values, repeated
   *     values, or values naming attributes not listed
   */
  public static List<String> keys(List<String> attributes, Map<String, List<String>> values) {
    if (attributes.isEmpty()) {
      throw new IllegalArgumentException("name at least one sensitive attribute");
    }
    if (!values.keySet().equals(new java.util.HashSet<>(attributes))) {
      throw new IllegalArgumentException(
          "give the values of exactly the attributes " + attributes + ", not " + values.keySet());
    }
    List<String> out = new ArrayList<>();
    List<String> combined = List.of("");
    for (String attribute : attributes) {
      List<String> own = values.get(attribute);
      if (own.isEmpty() || new java.util.HashSet<>(own).size() != own.size()) {
        throw new IllegalArgumentException(
            "'" + attribute + "' needs its values, each once, not " + own);
      }
      List<String> next = new ArrayList<>();
      for (String prefix : combined) {
        for (String value : own) {
          next.add((prefix.isEmpty() ? "" : prefix + " & ") + attribute + "=" + value);
        }
      }
      combined = next;
      if (attributes.size() > 1) {
        own.forEach(value -> out.add(attribute + "=" + value));
      }
    }
    out.addAll(combined);
    return out;
  }

  /**
   * The summary as numbers in the order of {@code keys} (the groups every participant agreed on):
   * five per group, tp, fp, tn, fn and count, the overall counts first. A group the participant
   * lacks is zeros; a group it has that {@code keys} lacks is refused, so that nothing is dropped.
   */
  public double[] toVector(List<String> keys) {
    for (String key : groups.keySet()) {
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(
            "the group '" + key + "' is not among the agreed groups " + keys);
      }
    }
    double[] out = new double[5 * (keys.size() + 1)];
    put(out, 0, overall);
    for (int i = 0; i < keys.size(); i++) {
      put(out, 5 * (i + 1), groups.getOrDefault(keys.get(i), Confusion.EMPTY));
    }
    return out;
  }

  private static void put(double[] out, int at, Confusion table) {
    out[at] = table.tp();
    out[at + 1] = table.fp();
    out[at + 2] = table.tn();
    out[at + 3] = table.fn();
    out[at + 4] = table.count();
  }

  /**
   * The summary a vector of {@link #toVector} (or a sum of them) holds; groups with no rows are
   * left out.
   *
   * @throws IllegalArgumentException for a vector of the wrong length or negative counts
   */
  public static FairnessSummary fromVector(
      List<String> attributes, List<String> keys, double[] vector) {
    if (vector.length != 5 * (keys.size() + 1)) {
      throw new IllegalArgumentException(
          "a summary of " + keys.size() + " groups has " + 5 * (keys.size() + 1) + " numbers");
    }
    Map<String, Confusion> groups = new TreeMap<>();
    List<Confusion> tables = new ArrayList<>();
    for (int i = 0; i <= keys.size(); i++) {
      int at = 5 * i;
      for (int k = 0; k < 5; k++) {
        if (!(vector[at + k] >= 0)) {
          throw new IllegalArgumentException("a summary's counts are not negative");
        }
      }
      tables.add(
          new Confusion(
              vector[at],
              vector[at + 1],
              vector[at + 2],
              vector[at + 3],
              Math.round(vector[at + 4])));
    }
    for (int i = 0; i < keys.size(); i++) {
      if (tables.get(i + 1).count() > 0) {
        groups.put(keys.get(i), tables.get(i + 1));
      }
    }
    return new FairnessSummary(attributes, groups, tables.getFirst());
  }
}
