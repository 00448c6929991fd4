package io.truststram.explain.tree;

/**
 * Exact Shapley values of a tree ensemble's margin, in two forms.
 *
 * <p><b>Path-dependent</b> (Lundberg, Erion et al., Nature Machine Intelligence 2020; the values
 * XGBoost's {@code pred_contribs} gives): a coalition's value is the expected output when the
 * features outside it follow the tree's own training distribution, read from the covers. Computed
 * by Gauss–Legendre quadrature of the Shapley weights' Beta integral in one pass over each tree per
 * row, O(nodes · depth): the idea of Linear TreeSHAP (Yu et al. 2022) and of XGBoost 3.3's
 * quadrature TreeSHAP, written here from the integral.
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
    Quadrature walk = null;
    for (int t = 0; t < model.trees().size(); t++) {
      Tree tree = model.trees().get(t);
      double[] phi = out[model.outputOf()[t]];
      phi[m] += tree.expectedValue();
      if (tree.isLeaf(0)) {
        continue;
      }
      if (walk == null || walk.depth < tree.depth()) {
        walk = new Quadrature(Math.max(tree.depth(), walk == null ? 0 : walk.depth));
      }
      walk.run(tree, row, phi);
    }
    return out;
  }

  /**
   * Path-dependent TreeSHAP by quadrature, in one pass over the tree's nodes. A leaf of value v
   * reached along distinct features j, each with the fraction z_j of the cover that follows the
   * path when j is left out and o_j (1 when the row follows it), gives feature i
   *
   * <pre>v (o_i − z_i) ∫₀¹ Π_{j≠i} (z_j + (o_j − z_j) t) dt,</pre>
   *
   * <p>since the Shapley weight |S|!(d − |S| − 1)!/d! is the Beta integral ∫ t^|S| (1 − t)^(d − |S|
   * − 1) dt. The integrand is a polynomial of degree below the depth, so Gauss–Legendre quadrature
   * with ⌊depth/2⌋ + 1 points is exact. Each node passes down the product of its path's factors at
   * the points and gets back the sum over its leaves of v times their products; a split then
   * credits its feature with (o − z) Σ_k w_k S_k / g(t_k) over the leaves whose entry for that
   * feature it made (a deeper split on the same feature replaces the entry, as Algorithm 2's
   * unwinding does, and takes its leaves over). O(nodes · depth) per tree and row, against
   * Algorithm 2's O(leaves · depth²), with the same values (checked against brute force and
   * XGBoost).
   */
  private static final class Quadrature {
    final int depth;
    final int points;
    final double[] nodes;
    final double[] weights;

    /** Per path level: its feature, z and o. */
    final int[] feature;

    final double[] zero;
    final double[] one;

    /** Per path level: the leaf sums that deeper splits on the same feature took over. */
    final double[][] taken;

    /** Per recursion level: the products passed down and the sums returned, at the points. */
    final double[][] products;

    final double[][] sums;

    /** Per recursion level: a repeated feature's ancestor entry's taken sums, kept aside. */
    final double[][] saved;

    private Tree tree;
    private double[] row;
    private double[] phi;
    private int size;

    /** A feature held present (+1) or absent (−1) for interaction values; −1 for none. */
    private int conditioned = -1;

    private int condition;

    Quadrature(int depth) {
      this.depth = depth;
      this.points = depth / 2 + 1;
      double[][] rule = io.truststram.explain.GaussLegendre.unitInterval(points);
      this.nodes = rule[0];
      this.weights = rule[1];
      this.feature = new int[depth + 1];
      this.zero = new double[depth + 1];
      this.one = new double[depth + 1];
      this.taken = new double[depth + 1][points];
      this.products = new double[depth + 2][points];
      this.sums = new double[depth + 2][points];
      this.saved = new double[depth + 2][points];
    }

    void run(Tree tree, double[] row, double[] phi) {
      run(tree, row, phi, -1, 0);
    }

    /**
     * As {@link #run(Tree, double[], double[])}, in the game where {@code feature} is always
     * present ({@code condition} +1: the row's way) or always absent (−1: both ways, by cover), and
     * gets no value itself.
     */
    void run(Tree tree, double[] row, double[] phi, int feature, int condition) {
      this.conditioned = feature;
      this.condition = condition;
      this.tree = tree;
      this.row = row;
      this.phi = phi;
      this.size = 0;
      java.util.Arrays.fill(products[0], 1.0);
      visit(0, 0);
    }

    /**
     * Visits {@code node} at recursion level {@code level}; leaves its leaf sums in sums[level].
     */
    private void visit(int node, int level) {
      double[] product = products[level];
      double[] sum = sums[level];
      if (tree.isLeaf(node)) {
        double v = tree.leafValue(node);
        for (int k = 0; k < points; k++) {
          sum[k] = v * product[k];
        }
        return;
      }
      int f = tree.feature(node);
      if (f == conditioned) {
        visitConditioned(node, level);
        return;
      }
      int at = -1;
      for (int i = 0; i < size; i++) {
        if (feature[i] == f) {
          at = i;
          break;
        }
      }
      boolean seen = at >= 0;
      double zPrevious = seen ? zero[at] : 1;
      double oPrevious = seen ? one[at] : 1;
      if (!seen) {
        at = size++;
        feature[at] = f;
      }
      double[] kept = saved[level];
      if (seen) {
        System.arraycopy(taken[at], 0, kept, 0, points);
      }
      java.util.Arrays.fill(sum, 0);
      int hot = tree.next(node, row);
      int cold = hot == tree.left(node) ? tree.right(node) : tree.left(node);
      double[] childProduct = products[level + 1];
      double[] childSum = sums[level + 1];
      double[] takenHere = taken[at];
      for (int side = 0; side < 2; side++) {
        int child = side == 0 ? hot : cold;
        double z = zPrevious * tree.fraction(child);
        double o = side == 0 ? oPrevious : 0;
        if (z == 0 && o == 0) {
          // No coalition reaches this child: its leaves weigh nothing.
          continue;
        }
        double slope = o - z;
        if (seen) {
          // The entry replaces the ancestor's: divide its factor out.
          double previousSlope = oPrevious - zPrevious;
          for (int k = 0; k < points; k++) {
            double t = nodes[k];
            childProduct[k] = product[k] * (z + slope * t) / (zPrevious + previousSlope * t);
          }
        } else {
          for (int k = 0; k < points; k++) {
            childProduct[k] = product[k] * (z + slope * nodes[k]);
          }
        }
        zero[at] = z;
        one[at] = o;
        java.util.Arrays.fill(takenHere, 0);
        visit(child, level + 1);
        double credit = 0;
        for (int k = 0; k < points; k++) {
          credit += weights[k] * (childSum[k] - takenHere[k]) / (z + slope * nodes[k]);
          sum[k] += childSum[k];
        }
        phi[f] += slope * credit;
      }
      if (seen) {
        // The ancestor's entry again; its leaves under this node are this node's now.
        zero[at] = zPrevious;
        one[at] = oPrevious;
        for (int k = 0; k < points; k++) {
          takenHere[k] = kept[k] + sum[k];
        }
      } else {
        size--;
      }
    }

    /**
     * A split on the conditioned feature: present, the row's way alone; absent, both ways weighted
     * by cover. Either way it adds no entry to the path and credits nothing.
     */
    private void visitConditioned(int node, int level) {
      double[] product = products[level];
      double[] sum = sums[level];
      double[] childProduct = products[level + 1];
      double[] childSum = sums[level + 1];
      java.util.Arrays.fill(sum, 0);
      if (condition > 0) {
        System.arraycopy(product, 0, childProduct, 0, points);
        visit(tree.next(node, row), level + 1);
        System.arraycopy(childSum, 0, sum, 0, points);
        return;
      }
      for (int child : new int[] {tree.left(node), tree.right(node)}) {
        double fraction = tree.fraction(child);
        if (fraction == 0) {
          continue;
        }
        for (int k = 0; k < points; k++) {
          childProduct[k] = product[k] * fraction;
        }
        visit(child, level + 1);
        for (int k = 0; k < points; k++) {
          sum[k] += childSum[k];
        }
      }
    }
  }

  /**
   * Path-dependent SHAP interaction values of {@code row} (Lundberg et al. 2020, the Shapley
   * interaction index; XGBoost's {@code pred_interactions}): {@code [output][i][j]} of size (M + 1)
   * × (M + 1), Φ_ij = Φ_ji for i ≠ j half the change in i's value between the games where j is
   * always present and always absent, Φ_ii = φ_i − Σ_{j≠i} Φ_ij, and the expected value at [M][M].
   * Each row of the matrix sums to the feature's SHAP value, and the whole to the margin.
   */
  public static double[][][] interactions(TreeEnsemble model, double[] row) {
    double[][] phi = pathDependent(model, row);
    int m = model.features();
    double[][][] out = new double[model.outputs()][m + 1][m + 1];
    Quadrature walk = null;
    double[] on = new double[m + 1];
    double[] off = new double[m + 1];
    for (int t = 0; t < model.trees().size(); t++) {
      Tree tree = model.trees().get(t);
      if (tree.isLeaf(0)) {
        continue;
      }
      if (walk == null || walk.depth < tree.depth()) {
        walk = new Quadrature(Math.max(tree.depth(), walk == null ? 0 : walk.depth));
      }
      double[][] matrix = out[model.outputOf()[t]];
      java.util.BitSet used = new java.util.BitSet();
      for (int node = 0; node < tree.nodes(); node++) {
        if (!tree.isLeaf(node)) {
          used.set(tree.feature(node));
        }
      }
      for (int j = used.nextSetBit(0); j >= 0; j = used.nextSetBit(j + 1)) {
        java.util.Arrays.fill(on, 0);
        java.util.Arrays.fill(off, 0);
        walk.run(tree, row, on, j, +1);
        walk.run(tree, row, off, j, -1);
        for (int i = 0; i < m; i++) {
          if (i != j) {
            matrix[i][j] += (on[i] - off[i]) / 2;
          }
        }
      }
    }
    for (int k = 0; k < out.length; k++) {
      for (int i = 0; i < m; i++) {
        double rest = 0;
        for (int j = 0; j < m; j++) {
          if (j != i) {
            rest += out[k][i][j];
          }
        }
        out[k][i][i] = phi[k][i] - rest;
      }
      out[k][m][m] = phi[k][m];
    }
    return out;
  }

  /**
   * Interventional SHAP interaction values of {@code row} against {@code background}: the Shapley
   * interaction index of the game v(S) = mean over the background rows b of f(x_S, b_rest), as
   * {@link #interactions} gives for the path-dependent game. For each background row the game where
   * j is always present is the game against b with b_j set to x_j, and the game where j is always
   * absent is the game of x with x_j set to b_j; in both j is a null player, so the other features'
   * values are those of the game without j, and Φ_ij is half their difference. Φ_ii = φ_i − Σ_{j≠i}
   * Φ_ij, and the expected value at [M][M]. Costs 2M walks per tree and background row.
   *
   * @throws IllegalArgumentException for an empty background or rows of the wrong length
   */
  public static double[][][] interventionalInteractions(
      TreeEnsemble model, double[] row, double[][] background) {
    double[][] phi = interventional(model, row, background);
    int m = model.features();
    int outputs = model.outputs();
    double[][][] out = new double[outputs][m + 1][m + 1];
    double weight = 1.0 / background.length;
    double[][] on = new double[outputs][m + 1];
    double[][] off = new double[outputs][m + 1];
    double[] present = new double[m];
    double[] absent = new double[m];
    for (int j = 0; j < m; j++) {
      for (double[] k : on) {
        java.util.Arrays.fill(k, 0);
      }
      for (double[] k : off) {
        java.util.Arrays.fill(k, 0);
      }
      boolean differs = false;
      for (double[] reference : background) {
        if (Double.compare(reference[j], row[j]) == 0) {
          continue; // both games are the game without j: no difference
        }
        differs = true;
        System.arraycopy(reference, 0, present, 0, m);
        present[j] = row[j];
        System.arraycopy(row, 0, absent, 0, m);
        absent[j] = reference[j];
        for (int t = 0; t < model.trees().size(); t++) {
          Tree tree = model.trees().get(t);
          int k = model.outputOf()[t];
          new Walk(tree, row, present, on[k], weight).visit(0, 0, 0);
          new Walk(tree, absent, reference, off[k], weight).visit(0, 0, 0);
        }
      }
      if (!differs) {
        continue;
      }
      for (int k = 0; k < outputs; k++) {
        for (int i = 0; i < m; i++) {
          if (i != j) {
            out[k][i][j] = (on[k][i] - off[k][i]) / 2;
          }
        }
      }
    }
    for (int k = 0; k < outputs; k++) {
      for (int i = 0; i < m; i++) {
        double rest = 0;
        for (int j = 0; j < m; j++) {
          if (j != i) {
            rest += out[k][i][j];
          }
        }
        out[k][i][i] = phi[k][i] - rest;
      }
      out[k][m][m] = phi[k][m];
    }
    return out;
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
