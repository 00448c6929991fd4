package io.truststram.explain.tree;

import java.util.Arrays;
import java.util.BitSet;
import org.jspecify.annotations.Nullable;

/**
 * One decision tree in arrays, node 0 the root: a node is a leaf when {@code left[node] < 0}. An
 * internal node sends a row left when its value of {@code feature[node]}, as a 32-bit float, is
 * below {@code threshold[node]} (XGBoost's rule); a missing value (NaN) goes the node's default
 * way; a categorical node sends a category in its set right and any other left. Each node keeps its
 * cover (the training weight that reached it, XGBoost's sum of hessians), which path-dependent
 * TreeSHAP uses as the distribution of the features a coalition leaves out.
 */
public final class Tree {

  private final int[] left;
  private final int[] right;
  private final int[] feature;
  private final float[] threshold;
  private final boolean[] defaultLeft;
  private final float[] value;
  private final double[] cover;

  /** Per node, its share of its parent's cover (1 at the root; ½ under a parent of no cover). */
  private final double[] fraction;

  private final @Nullable BitSet[] categories;
  private final int depth;
  private final double expectedValue;

  /**
   * A tree from its node arrays (copied).
   *
   * @param value the leaf values (ignored at internal nodes)
   * @param categories per node, the categories that go right at a categorical split, else null
   * @throws IllegalArgumentException when the arrays differ in length, a child index is out of
   *     range or not below its parent's (a cycle), a feature is negative, or a cover is negative
   */
  public Tree(
      int[] left,
      int[] right,
      int[] feature,
      float[] threshold,
      boolean[] defaultLeft,
      float[] value,
      double[] cover,
      @Nullable BitSet[] categories) {
    int n = left.length;
    if (n == 0
        || right.length != n
        || feature.length != n
        || threshold.length != n
        || defaultLeft.length != n
        || value.length != n
        || cover.length != n
        || categories.length != n) {
      throw new IllegalArgumentException("a tree's node arrays are non-empty and of one length");
    }
    boolean[] reached = new boolean[n];
    reached[0] = true;
    for (int node = 0; node < n; node++) {
      if (!(cover[node] >= 0)) {
        throw new IllegalArgumentException("node " + node + " has a negative or NaN cover");
      }
      if (left[node] < 0) {
        continue;
      }
      for (int child : new int[] {left[node], right[node]}) {
        if (child <= node || child >= n || reached[child]) {
          throw new IllegalArgumentException(
              "node " + node + " has child " + child + ", not a new node after it");
        }
        reached[child] = true;
      }
      if (feature[node] < 0) {
        throw new IllegalArgumentException("node " + node + " splits on feature " + feature[node]);
      }
    }
    this.left = left.clone();
    this.right = right.clone();
    this.feature = feature.clone();
    this.threshold = threshold.clone();
    this.defaultLeft = defaultLeft.clone();
    this.value = value.clone();
    this.cover = cover.clone();
    this.categories = categories.clone();
    this.fraction = new double[n];
    fraction[0] = 1;
    for (int node = 0; node < n; node++) {
      if (left[node] >= 0) {
        double parent = cover[node];
        fraction[left[node]] = parent > 0 ? cover[left[node]] / parent : 0.5;
        fraction[right[node]] = parent > 0 ? cover[right[node]] / parent : 0.5;
      }
    }
    this.depth = depthBelow(0);
    this.expectedValue = expectedBelow(0);
  }

  private int depthBelow(int node) {
    return left[node] < 0 ? 0 : 1 + Math.max(depthBelow(left[node]), depthBelow(right[node]));
  }

  /** The number of nodes. */
  public int nodes() {
    return left.length;
  }

  /** The longest path from the root to a leaf, in splits. */
  public int depth() {
    return depth;
  }

  public boolean isLeaf(int node) {
    return left[node] < 0;
  }

  public int left(int node) {
    return left[node];
  }

  public int right(int node) {
    return right[node];
  }

  public int feature(int node) {
    return feature[node];
  }

  /** Whether internal node {@code node} splits a categorical feature by a set of categories. */
  public boolean isCategorical(int node) {
    return categories[node] != null;
  }

  public float leafValue(int node) {
    return value[node];
  }

  public double cover(int node) {
    return cover[node];
  }

  /**
   * The node's share of its parent's cover: the fraction of the training data at the parent that
   * went this way (½ under a parent that saw none), 1 at the root.
   */
  public double fraction(int node) {
    return fraction[node];
  }

  /** The largest feature index any split uses, or −1 for a single leaf. */
  public int maxFeature() {
    int max = -1;
    for (int node = 0; node < left.length; node++) {
      if (left[node] >= 0) {
        max = Math.max(max, feature[node]);
      }
    }
    return max;
  }

  /** The child of internal node {@code node} that {@code row} goes to. */
  public int next(int node, double[] row) {
    float x = (float) row[feature[node]];
    if (Float.isNaN(x)) {
      return defaultLeft[node] ? left[node] : right[node];
    }
    BitSet set = categories[node];
    if (set != null) {
      // A category XGBoost cannot have seen (negative, fractional or too large) goes left.
      int category = (int) x;
      boolean in = category == x && category >= 0 && set.get(category);
      return in ? right[node] : left[node];
    }
    return x < threshold[node] ? left[node] : right[node];
  }

  /** The leaf {@code row} lands in. */
  public int leaf(double[] row) {
    int node = 0;
    while (left[node] >= 0) {
      node = next(node, row);
    }
    return node;
  }

  /** The tree's mean output over its training data: leaf values weighted by cover. */
  public double expectedValue() {
    return expectedValue;
  }

  private double expectedBelow(int node) {
    if (left[node] < 0) {
      return value[node];
    }
    double total = cover[node];
    if (total <= 0) {
      return 0.5 * (expectedBelow(left[node]) + expectedBelow(right[node]));
    }
    return (cover[left[node]] * expectedBelow(left[node])
            + cover[right[node]] * expectedBelow(right[node]))
        / total;
  }

  @Override
  public String toString() {
    return "Tree[nodes=" + left.length + ", depth=" + depth + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Tree tree
        && Arrays.equals(left, tree.left)
        && Arrays.equals(right, tree.right)
        && Arrays.equals(feature, tree.feature)
        && Arrays.equals(threshold, tree.threshold)
        && Arrays.equals(defaultLeft, tree.defaultLeft)
        && Arrays.equals(value, tree.value)
        && Arrays.equals(cover, tree.cover)
        && Arrays.equals(categories, tree.categories);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(left) + Arrays.hashCode(value);
  }
}
