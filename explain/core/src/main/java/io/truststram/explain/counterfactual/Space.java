package io.truststram.explain.counterfactual;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where counterfactuals may lie: per feature an allowed range (by default the range it takes in the
 * data, as DiCE's {@code permitted_range}), whether it is an integer, whether it may change at all,
 * and the one-hot groups whose columns change together (exactly one of them 1). The search moves
 * over <em>variables</em>: a single feature, or a whole one-hot group.
 *
 * @param features the feature names, in column order
 * @param low per feature, its smallest allowed value
 * @param high per feature, its largest allowed value
 * @param integer per feature, whether its values are whole numbers
 * @param immutable per feature, whether it must keep the row's value
 * @param scale per feature, the unit distances are measured in: its median absolute deviation in
 *     the data (DiCE's default), or 1 where that is 0
 * @param groups the one-hot groups, each by name with its columns
 */
public record Space(
    List<String> features,
    double[] low,
    double[] high,
    boolean[] integer,
    boolean[] immutable,
    double[] scale,
    Map<String, int[]> groups) {

  public Space {
    int m = features.size();
    if (m == 0
        || low.length != m
        || high.length != m
        || integer.length != m
        || immutable.length != m
        || scale.length != m) {
      throw new IllegalArgumentException("a space has one range, flag and scale per feature");
    }
    features = List.copyOf(features);
    low = low.clone();
    high = high.clone();
    integer = integer.clone();
    immutable = immutable.clone();
    scale = scale.clone();
    for (int j = 0; j < m; j++) {
      if (!(low[j] <= high[j]) || !Double.isFinite(low[j]) || !Double.isFinite(high[j])) {
        throw new IllegalArgumentException(
            "the range of '" + features.get(j) + "' is not finite with low <= high");
      }
      if (!(scale[j] > 0) || !Double.isFinite(scale[j])) {
        throw new IllegalArgumentException("the scale of '" + features.get(j) + "' is positive");
      }
    }
    Set<Integer> taken = new HashSet<>();
    Map<String, int[]> copy = new LinkedHashMap<>();
    for (Map.Entry<String, int[]> group : groups.entrySet()) {
      int[] columns = group.getValue().clone();
      if (columns.length < 2) {
        throw new IllegalArgumentException(
            "the one-hot group '" + group.getKey() + "' needs two columns or more");
      }
      for (int c : columns) {
        if (c < 0 || c >= m || !taken.add(c)) {
          throw new IllegalArgumentException(
              "the one-hot group '"
                  + group.getKey()
                  + "' names a column out of range or in two groups");
        }
      }
      copy.put(group.getKey(), columns);
    }
    groups = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * The space the data spans: each feature's range and median absolute deviation in {@code data},
   * nothing immutable, no integers, no groups.
   *
   * @throws IllegalArgumentException for no rows, rows of the wrong length, or values that are not
   *     finite
   */
  public static Space of(List<String> features, double[][] data) {
    int m = features.size();
    if (data.length == 0) {
      throw new IllegalArgumentException("the data that bounds counterfactuals has no rows");
    }
    double[] low = new double[m];
    double[] high = new double[m];
    double[] scale = new double[m];
    Arrays.fill(low, Double.POSITIVE_INFINITY);
    Arrays.fill(high, Double.NEGATIVE_INFINITY);
    for (double[] row : data) {
      if (row.length != m) {
        throw new IllegalArgumentException("a data row has " + row.length + " values, not " + m);
      }
      for (int j = 0; j < m; j++) {
        if (!Double.isFinite(row[j])) {
          throw new IllegalArgumentException(
              "'" + features.get(j) + "' has a value that is not finite in the data");
        }
        low[j] = Math.min(low[j], row[j]);
        high[j] = Math.max(high[j], row[j]);
      }
    }
    double[] column = new double[data.length];
    for (int j = 0; j < m; j++) {
      for (int r = 0; r < data.length; r++) {
        column[r] = data[r][j];
      }
      double median = median(column);
      for (int r = 0; r < data.length; r++) {
        column[r] = Math.abs(data[r][j] - median);
      }
      double mad = median(column);
      scale[j] = mad > 0 ? mad : 1;
    }
    return new Space(features, low, high, new boolean[m], new boolean[m], scale, Map.of());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** This space with {@code names} held at the row's values. */
  public Space withImmutable(List<String> names) {
    boolean[] fixed = immutable.clone();
    for (String name : names) {
      fixed[index(name)] = true;
    }
    return new Space(features, low, high, integer, fixed, scale, groups);
  }

  /** This space with {@code names} taking whole numbers only. */
  public Space withIntegers(List<String> names) {
    boolean[] whole = integer.clone();
    for (String name : names) {
      whole[index(name)] = true;
    }
    return new Space(features, low, high, whole, immutable, scale, groups);
  }

  /** This space with {@code name} allowed in [from, to] only. */
  public Space withRange(String name, double from, double to) {
    double[] l = low.clone();
    double[] h = high.clone();
    int j = index(name);
    l[j] = from;
    h[j] = to;
    return new Space(features, l, h, integer, immutable, scale, groups);
  }

  /** This space with the columns {@code columns} as one one-hot group called {@code name}. */
  public Space withGroup(String name, List<String> columns) {
    Map<String, int[]> more = new LinkedHashMap<>(groups);
    if (more.containsKey(name)) {
      throw new IllegalArgumentException("there are two one-hot groups called '" + name + "'");
    }
    more.put(name, columns.stream().mapToInt(this::index).toArray());
    return new Space(features, low, high, integer, immutable, scale, more);
  }

  /**
   * The one-hot groups a prefix names: every column called {@code prefix_something} (as pandas'
   * {@code get_dummies} and our encoder name them) becomes one group per prefix.
   */
  public Space withGroupsByPrefix(List<String> prefixes) {
    Space space = this;
    for (String prefix : prefixes) {
      List<String> columns =
          features.stream()
              .filter(f -> f.startsWith(prefix + "_") || f.startsWith(prefix + "="))
              .toList();
      if (columns.size() < 2) {
        throw new IllegalArgumentException(
            "no one-hot group: fewer than two columns start with '" + prefix + "_'");
      }
      space = space.withGroup(prefix, columns);
    }
    return space;
  }

  int index(String name) {
    int j = features.indexOf(name);
    if (j < 0) {
      throw new IllegalArgumentException("there is no feature '" + name + "'");
    }
    return j;
  }

  /** The variables the search moves: groups first come where their first column is. */
  List<Variable> variables() {
    List<Variable> out = new ArrayList<>();
    Map<Integer, String> groupOf = new LinkedHashMap<>();
    groups.forEach(
        (name, columns) -> {
          for (int c : columns) {
            groupOf.put(c, name);
          }
        });
    Set<String> done = new HashSet<>();
    for (int j = 0; j < features.size(); j++) {
      String group = groupOf.get(j);
      if (group == null) {
        out.add(new Variable(features.get(j), new int[] {j}, false, !immutable[j]));
      } else if (done.add(group)) {
        int[] columns = groups.get(group);
        boolean mutable = true;
        for (int c : columns) {
          mutable &= !immutable[c];
        }
        out.add(new Variable(group, columns, true, mutable));
      }
    }
    return out;
  }

  /** One thing the search changes: a feature, or a one-hot group's columns together. */
  record Variable(String name, int[] columns, boolean categorical, boolean mutable) {}

  /**
   * Checks that {@code row} lies in the space: lengths, finite values, one-hot groups with exactly
   * one 1.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  void check(double[] row, String what) {
    if (row.length != features.size()) {
      throw new IllegalArgumentException(
          what + " has " + row.length + " values, not " + features.size());
    }
    for (int j = 0; j < row.length; j++) {
      if (!Double.isFinite(row[j])) {
        throw new IllegalArgumentException(
            what + "'s '" + features.get(j) + "' is not finite: " + row[j]);
      }
    }
    groups.forEach(
        (name, columns) -> {
          int ones = 0;
          for (int c : columns) {
            if (row[c] == 1) {
              ones++;
            } else if (row[c] != 0) {
              throw new IllegalArgumentException(
                  what + "'s one-hot group '" + name + "' has a value other than 0 and 1");
            }
          }
          if (ones != 1) {
            throw new IllegalArgumentException(
                what + "'s one-hot group '" + name + "' has " + ones + " ones, not exactly 1");
          }
        });
  }
}
