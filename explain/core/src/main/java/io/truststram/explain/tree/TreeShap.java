package io.truststram.explain.tree;

/**
 * Exact Shapley values of a tree ensemble's margin, in two forms.
 *
 * <p><b>Path-dependent</b> (Lundberg, Erion et al., Nature Machine Intelligence 2020, Algorithm 2;
 * the values XGBoost's {@code pred_contribs} gives): a coalition's value is the expected output
 * when the features outside it follow the tree's own training distribution, read from the covers.
 * One pass over each tree per row, O(leaves · depth²).
 *
 * <p><b>Interventional</b> (the same paper's "independent" TreeSHAP): a coalition's value is the
 * mean over a background set of the output with the coalition's features from the row and the
 * others from the background row, the value function shap's {@code
 * feature_perturbation="interventional"} uses. For each background row, every path on which the row
 * and the background row part ways gets its Shapley share in closed form; O(background · nodes) per
 * row and tree.
 *
 * <p>Both return, per output, one value per feature and then the expected value (the bias), so that
 * a row's values sum to its margin.
 */
public final class TreeShap {

  private TreeShap() {}

  /**
   * Path-dependent SHAP values of {@code row}: {@code [output][feature]}, with the expected value
   * in the last column.
   */
  public static double[][] pathDependent(TreeEnsemble model, double[] row) {
    model.requireRow(row);
    int m = model.features();
    double[][] out = new double[model.outputs()][m + 1];
    for (int k = 0; k < out.length; k++) {
      out[k][m] = model.baseMargin()[k];
    }
    Path path = null;
    for (int t = 0; t < model.trees().size(); t++) {
      Tree tree = model.trees().get(t);
      double[] phi = out[model.outputOf()[t]];
      phi[m] += tree.expectedValue();
      if (tree.isLeaf(0)) {
        continue;
      }
      if (path == null || path.capacity < tree.depth() + 2) {
        path = new Path(tree.depth() + 2);
      }
      recurse(tree, row, phi, path, 0, 0, 0, 1, 1, -1);
    }
    return out;
  }

  /**
   * The path of features from the root to a node, as Algorithm 2 keeps it: for each (distinct)
   * feature split on, the fraction of the cover that follows when it is left out (z), whether the
   * row follows when it is kept (o), and the permutation weights (w). Each recursion level keeps
   * its own copy in a slab of {@code capacity} entries.
   */
  private static final class Path {
    final int capacity;
    final int[] feature;
    final double[] zero;
    final double[] one;
    final double[] weight;

    Path(int depth) {
      this.capacity = depth;
      int size = depth * (depth + 1) / 2 + depth;
      feature = new int[size];
      zero = new double[size];
      one = new double[size];
      weight = new double[size];
    }
  }

  /**
   * Visits {@code node}. The parent's path is at {@code parentStart} with {@code uniqueDepth}
   * entries; this level's copy goes right after it.
   */
  private static void recurse(
      Tree tree,
      double[] row,
      double[] phi,
      Path path,
      int node,
      int parentStart,
      int uniqueDepth,
      double parentZero,
      double parentOne,
      int parentFeature) {
    int start = parentStart + uniqueDepth;
    if (uniqueDepth > 0) {
      System.arraycopy(path.feature, parentStart, path.feature, start, uniqueDepth);
      System.arraycopy(path.zero, parentStart, path.zero, start, uniqueDepth);
      System.arraycopy(path.one, parentStart, path.one, start, uniqueDepth);
      System.arraycopy(path.weight, parentStart, path.weight, start, uniqueDepth);
    }
    extend(path, start, uniqueDepth, parentZero, parentOne, parentFeature);
    if (tree.isLeaf(node)) {
      double value = tree.leafValue(node);
      for (int i = 1; i <= uniqueDepth; i++) {
        double w = unwoundSum(path, start, uniqueDepth, i);
        int at = start + i;
        phi[path.feature[at]] += w * (path.one[at] - path.zero[at]) * value;
      }
      return;
    }
    int hot = tree.next(node, row);
    int cold = hot == tree.left(node) ? tree.right(node) : tree.left(node);
    double cover = tree.cover(node);
    double hotZero = cover > 0 ? tree.cover(hot) / cover : 0.5;
    double coldZero = cover > 0 ? tree.cover(cold) / cover : 0.5;
    double incomingZero = 1;
    double incomingOne = 1;
    int split = tree.feature(node);
    int depth = uniqueDepth;
    int found = -1;
    for (int i = 0; i <= depth; i++) {
      if (path.feature[start + i] == split) {
        found = i;
        break;
      }
    }
    if (found >= 0) {
      // A feature seen higher up: undo its entry, and carry its fractions down.
      incomingZero = path.zero[start + found];
      incomingOne = path.one[start + found];
      unwind(path, start, depth, found);
      depth--;
    }
    recurse(
        tree, row, phi, path, hot, start, depth + 1, hotZero * incomingZero, incomingOne, split);
    recurse(tree, row, phi, path, cold, start, depth + 1, coldZero * incomingZero, 0, split);
  }

  private static void extend(
      Path path, int start, int depth, double zero, double one, int feature) {
    path.feature[start + depth] = feature;
    path.zero[start + depth] = zero;
    path.one[start + depth] = one;
    path.weight[start + depth] = depth == 0 ? 1 : 0;
    for (int i = depth - 1; i >= 0; i--) {
      path.weight[start + i + 1] += one * path.weight[start + i] * (i + 1) / (depth + 1);
      path.weight[start + i] = zero * path.weight[start + i] * (depth - i) / (depth + 1);
    }
  }

  private static void unwind(Path path, int start, int depth, int index) {
    double one = path.one[start + index];
    double zero = path.zero[start + index];
    double next = path.weight[start + depth];
    for (int i = depth - 1; i >= 0; i--) {
      if (one != 0) {
        double kept = path.weight[start + i];
        path.weight[start + i] = next * (depth + 1) / ((i + 1) * one);
        next = kept - path.weight[start + i] * zero * (depth - i) / (depth + 1);
      } else {
        path.weight[start + i] = path.weight[start + i] * (depth + 1) / (zero * (depth - i));
      }
    }
    for (int i = index; i < depth; i++) {
      path.feature[start + i] = path.feature[start + i + 1];
      path.zero[start + i] = path.zero[start + i + 1];
      path.one[start + i] = path.one[start + i + 1];
    }
  }

  /** The sum of the weights the path would have with entry {@code index} unwound. */
  private static double unwoundSum(Path path, int start, int depth, int index) {
    double one = path.one[start + index];
    double zero = path.zero[start + index];
    double next = path.weight[start + depth];
    double total = 0;
    for (int i = depth - 1; i >= 0; i--) {
      if (one != 0) {
        double w = next * (depth + 1) / ((i + 1) * one);
        total += w;
        next = path.weight[start + i] - w * zero * (depth - i) / (depth + 1);
      } else if (zero != 0) {
        total += path.weight[start + i] / zero / ((double) (depth - i) / (depth + 1));
      }
    }
    return total;
  }

  /**
   * Interventional SHAP values of {@code row} against {@code background}: {@code
   * [output][feature]}, with the expected value (the background's mean margin) in the last column.
   *
   * @throws IllegalArgumentException for an empty background or rows of the wrong length
   */
  public static double[][] interventional(TreeEnsemble model, double[] row, double[][] background) {
    model.requireRow(row);
    if (background.length == 0) {
      throw new IllegalArgumentException("interventional TreeSHAP needs a background row");
    }
    int m = model.features();
    double[][] out = new double[model.outputs()][m + 1];
    for (double[] reference : background) {
      model.requireRow(reference);
    }
    double[][] margins = model.predict(background);
    for (int t = 0; t < model.trees().size(); t++) {
      Tree tree = model.trees().get(t);
      double[] phi = out[model.outputOf()[t]];
      for (double[] reference : background) {
        new Walk(tree, row, reference, phi, 1.0 / background.length).visit(0, 0, 0);
      }
    }
    for (int k = 0; k < out.length; k++) {
      double mean = 0;
      for (double[] margin : margins) {
        mean += margin[k];
      }
      out[k][m] = mean / background.length;
    }
    return out;
  }

  private static final int FREE = 0;
  private static final int FROM_ROW = 1;
  private static final int FROM_REFERENCE = 2;

  /**
   * The paths of one tree that some coalition takes when the features in it come from {@code row}
   * and the rest from {@code reference}. {@code assigned[0, count)} are the features where the two
   * part ways so far, {@code fromRow} of them taken from the row; at a leaf, each gets its Shapley
   * share of the leaf's value, scaled by {@code scale} (one over the background's size).
   */
  private static final class Walk {
    private final Tree tree;
    private final double[] row;
    private final double[] reference;
    private final double[] phi;
    private final double scale;
    private final int[] state;
    private final int[] assigned;

    Walk(Tree tree, double[] row, double[] reference, double[] phi, double scale) {
      this.tree = tree;
      this.row = row;
      this.reference = reference;
      this.phi = phi;
      this.scale = scale;
      this.state = new int[row.length];
      this.assigned = new int[tree.depth() + 1];
    }

    void visit(int node, int count, int fromRow) {
      if (tree.isLeaf(node)) {
        if (count > 0) {
          credit(tree.leafValue(node) * scale, count, fromRow);
        }
        return;
      }
      int f = tree.feature(node);
      int rowChild = tree.next(node, row);
      int referenceChild = tree.next(node, reference);
      if (state[f] == FROM_ROW) {
        visit(rowChild, count, fromRow);
      } else if (state[f] == FROM_REFERENCE || rowChild == referenceChild) {
        visit(referenceChild, count, fromRow);
      } else {
        assigned[count] = f;
        state[f] = FROM_ROW;
        visit(rowChild, count + 1, fromRow + 1);
        state[f] = FROM_REFERENCE;
        visit(referenceChild, count + 1, fromRow);
        state[f] = FREE;
      }
    }

    private void credit(double value, int count, int fromRow) {
      int fromReference = count - fromRow;
      double plus = fromRow > 0 ? value * share(fromRow - 1, fromReference) : 0;
      double minus = fromReference > 0 ? value * share(fromRow, fromReference - 1) : 0;
      for (int i = 0; i < count; i++) {
        int f = assigned[i];
        phi[f] += state[f] == FROM_ROW ? plus : -minus;
      }
    }
  }

  /** a! b! / (a + b + 1)!: the Shapley weight of a leaf reached with a from the row, b not. */
  private static double share(int a, int b) {
    double out = 1.0 / (a + b + 1);
    // a! b! / (a+b)! = 1 / C(a+b, a)
    int n = a + b;
    int k = Math.min(a, b);
    for (int i = 1; i <= k; i++) {
      out *= (double) i / (n - k + i);
    }
    return out;
  }
}
