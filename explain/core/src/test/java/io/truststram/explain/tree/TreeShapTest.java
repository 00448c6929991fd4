package io.truststram.explain.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.Link;
import io.truststram.explain.shap.ExactShap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * TreeSHAP against brute force: path-dependent values against Shapley values of the cover-weighted
 * value function (Lundberg et al. 2020, Algorithm 1) enumerated over every coalition, and
 * interventional values against exact Shapley values of the background-mean value function.
 */
class TreeShapTest {

  /** A random tree on {@code features} features, some splitting twice on one feature. */
  static Tree randomTree(SplittableRandom random, int features, int depth) {
    List<int[]> children = new ArrayList<>();
    List<Integer> feature = new ArrayList<>();
    List<Float> threshold = new ArrayList<>();
    List<Boolean> defaultLeft = new ArrayList<>();
    List<Float> value = new ArrayList<>();
    List<Double> cover = new ArrayList<>();
    grow(
        random,
        features,
        depth,
        100 + random.nextInt(900),
        children,
        feature,
        threshold,
        defaultLeft,
        value,
        cover);
    int n = children.size();
    int[] left = new int[n];
    int[] right = new int[n];
    int[] f = new int[n];
    float[] t = new float[n];
    boolean[] d = new boolean[n];
    float[] v = new float[n];
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      left[i] = children.get(i)[0];
      right[i] = children.get(i)[1];
      f[i] = feature.get(i);
      t[i] = threshold.get(i);
      d[i] = defaultLeft.get(i);
      v[i] = value.get(i);
      c[i] = cover.get(i);
    }
    return new Tree(left, right, f, t, d, v, c, new BitSet[n]);
  }

  private static int grow(
      SplittableRandom random,
      int features,
      int depth,
      double weight,
      List<int[]> children,
      List<Integer> feature,
      List<Float> threshold,
      List<Boolean> defaultLeft,
      List<Float> value,
      List<Double> cover) {
    int me = children.size();
    children.add(new int[] {-1, -1});
    cover.add(weight);
    defaultLeft.add(random.nextBoolean());
    if (depth == 0 || random.nextInt(6) == 0) {
      feature.add(0);
      threshold.add(0f);
      value.add((float) (random.nextDouble() * 4 - 2));
      return me;
    }
    feature.add(random.nextInt(features));
    threshold.add((float) random.nextDouble());
    value.add(0f);
    double share = 0.1 + 0.8 * random.nextDouble();
    int l =
        grow(
            random,
            features,
            depth - 1,
            weight * share,
            children,
            feature,
            threshold,
            defaultLeft,
            value,
            cover);
    int r =
        grow(
            random,
            features,
            depth - 1,
            weight * (1 - share),
            children,
            feature,
            threshold,
            defaultLeft,
            value,
            cover);
    children.set(me, new int[] {l, r});
    return me;
  }

  static TreeEnsemble ensemble(SplittableRandom random, int features, int trees, int depth) {
    List<Tree> list = new ArrayList<>();
    for (int i = 0; i < trees; i++) {
      list.add(randomTree(random, features, depth));
    }
    return new TreeEnsemble(
        list,
        new int[trees],
        new float[] {0.25f},
        features,
        "reg:squarederror",
        IntStream.range(0, features).mapToObj(i -> "f" + i).toList());
  }

  /** Algorithm 1: the expected output with the features in {@code set} fixed to the row's. */
  private static double expected(Tree tree, int node, double[] row, int set) {
    if (tree.isLeaf(node)) {
      return tree.leafValue(node);
    }
    if ((set & (1 << tree.feature(node))) != 0) {
      return expected(tree, tree.next(node, row), row, set);
    }
    int l = tree.left(node);
    int r = tree.right(node);
    return (tree.cover(l) * expected(tree, l, row, set)
            + tree.cover(r) * expected(tree, r, row, set))
        / tree.cover(node);
  }

  private static double[] bruteForce(TreeEnsemble model, double[] row) {
    int m = model.features();
    double[] value = new double[1 << m];
    for (int s = 0; s < value.length; s++) {
      value[s] = model.baseMargin()[0];
      for (Tree tree : model.trees()) {
        value[s] += expected(tree, 0, row, s);
      }
    }
    double[] phi = new double[m + 1];
    for (int s = 0; s < value.length; s++) {
      int size = Integer.bitCount(s);
      for (int f = 0; f < m; f++) {
        if ((s & (1 << f)) == 0) {
          double weight = factorial(size) * factorial(m - size - 1) / factorial(m);
          phi[f] += weight * (value[s | (1 << f)] - value[s]);
        }
      }
    }
    phi[m] = value[0];
    return phi;
  }

  private static double factorial(int n) {
    double out = 1;
    for (int i = 2; i <= n; i++) {
      out *= i;
    }
    return out;
  }

  private static double[] randomRow(SplittableRandom random, int features) {
    double[] row = new double[features];
    for (int i = 0; i < features; i++) {
      row[i] = random.nextInt(10) == 0 ? Double.NaN : random.nextDouble();
    }
    return row;
  }

  @Property(tries = 60)
  void pathDependentValuesAreTheShapleyValuesOfTheCoverWeightedGame(
      @ForAll @IntRange(min = 1, max = 7) int features,
      @ForAll @IntRange(min = 1, max = 6) int depth,
      @ForAll @IntRange(min = 1, max = 4) int trees,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TreeEnsemble model = ensemble(random, features, trees, depth);
    double[] row = randomRow(random, features);
    double[] expected = bruteForce(model, row);
    double[] actual = TreeShap.pathDependent(model, row)[0];
    for (int i = 0; i <= features; i++) {
      assertThat(actual[i]).as("feature %d", i).isCloseTo(expected[i], within(1e-9));
    }
    // Additivity: the values and the bias sum to the margin.
    assertThat(java.util.Arrays.stream(actual).sum())
        .isCloseTo(model.predict(new double[][] {row})[0][0], within(1e-5));
  }

  /**
   * Interaction values against the Shapley interaction index of the same game enumerated over every
   * coalition: Φ_ij = Σ_S |S|!(M − |S| − 2)!/(2(M − 1)!) [v(S∪ij) − v(S∪i) − v(S∪j) + v(S)].
   */
  @Property(tries = 40)
  void interactionValuesAreTheShapleyInteractionIndexOfTheCoverWeightedGame(
      @ForAll @IntRange(min = 2, max = 6) int features,
      @ForAll @IntRange(min = 1, max = 5) int depth,
      @ForAll @IntRange(min = 1, max = 3) int trees,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TreeEnsemble model = ensemble(random, features, trees, depth);
    double[] row = randomRow(random, features);
    int m = features;
    double[] value = new double[1 << m];
    for (int s = 0; s < value.length; s++) {
      value[s] = model.baseMargin()[0];
      for (Tree tree : model.trees()) {
        value[s] += expected(tree, 0, row, s);
      }
    }
    double[][] actual = TreeShap.interactions(model, row)[0];
    double[] phi = TreeShap.pathDependent(model, row)[0];
    assertIsTheInteractionIndex(actual, phi, value, m, 1e-9);
  }

  /**
   * Interventional interaction values against the Shapley interaction index of the interventional
   * game, v(S) = mean over the background of f(x_S, b_rest), enumerated over every coalition.
   */
  @Property(tries = 30)
  void interventionalInteractionValuesAreTheShapleyInteractionIndexOverTheBackground(
      @ForAll @IntRange(min = 2, max = 5) int features,
      @ForAll @IntRange(min = 1, max = 4) int depth,
      @ForAll @IntRange(min = 1, max = 3) int trees,
      @ForAll @IntRange(min = 1, max = 4) int backgroundRows,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TreeEnsemble model = ensemble(random, features, trees, depth);
    double[] row = randomRow(random, features);
    double[][] background = randomRows(random, backgroundRows, features);
    int m = features;
    double[] value = new double[1 << m];
    for (int s = 0; s < value.length; s++) {
      double[][] mixed = new double[backgroundRows][];
      for (int b = 0; b < backgroundRows; b++) {
        mixed[b] = background[b].clone();
        for (int i = 0; i < m; i++) {
          if ((s & (1 << i)) != 0) {
            mixed[b][i] = row[i];
          }
        }
      }
      for (double[] margin : model.predict(mixed)) {
        value[s] += margin[0] / backgroundRows;
      }
    }
    double[][] actual = TreeShap.interventionalInteractions(model, row, background)[0];
    double[] phi = TreeShap.interventional(model, row, background)[0];
    assertIsTheInteractionIndex(actual, phi, value, m, 1e-6);
  }

  @Property(tries = 40)
  void interventionalValuesAreExactShapleyValuesOverTheBackground(
      @ForAll @IntRange(min = 1, max = 6) int features,
      @ForAll @IntRange(min = 1, max = 5) int depth,
      @ForAll @IntRange(min = 1, max = 3) int trees,
      @ForAll @IntRange(min = 1, max = 6) int backgroundRows,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TreeEnsemble model = ensemble(random, features, trees, depth);
    double[] row = randomRow(random, features);
    double[][] background = randomRows(random, backgroundRows, features);
    double[] expected = ExactShap.explain(model, Link.IDENTITY, row, background)[0];
    double[] actual = TreeShap.interventional(model, row, background)[0];
    for (int i = 0; i <= features; i++) {
      assertThat(actual[i]).as("feature %d", i).isCloseTo(expected[i], within(1e-6));
    }
  }

  /**
   * Asserts that {@code actual} is the Shapley interaction index of the game {@code value} (one
   * value per coalition bitmask), Φ_ij = Σ_S |S|!(M − |S| − 2)!/(2(M − 1)!) [v(S∪ij) − v(S∪i) −
   * v(S∪j) + v(S)], symmetric, each row summing to the feature's value and the corner the expected
   * value.
   */
  private static void assertIsTheInteractionIndex(
      double[][] actual, double[] phi, double[] value, int m, double tolerance) {
    for (int i = 0; i < m; i++) {
      double rowSum = 0;
      for (int j = 0; j < m; j++) {
        rowSum += actual[i][j];
        if (i == j) {
          continue;
        }
        double expectedValue = 0;
        for (int s = 0; s < value.length; s++) {
          if ((s & (1 << i)) != 0 || (s & (1 << j)) != 0) {
            continue;
          }
          int size = Integer.bitCount(s);
          double weight = factorial(size) * factorial(m - size - 2) / (2 * factorial(m - 1));
          expectedValue +=
              weight
                  * (value[s | 1 << i | 1 << j] - value[s | 1 << i] - value[s | 1 << j] + value[s]);
        }
        assertThat(actual[i][j]).as("(%d, %d)", i, j).isCloseTo(expectedValue, within(tolerance));
        assertThat(actual[i][j]).isCloseTo(actual[j][i], within(tolerance));
      }
      assertThat(rowSum).isCloseTo(phi[i], within(1e-9));
    }
    assertThat(actual[m][m]).isEqualTo(phi[m]);
  }

  private static double[][] randomRows(SplittableRandom random, int count, int features) {
    double[][] out = new double[count][];
    for (int b = 0; b < count; b++) {
      out[b] = randomRow(random, features);
    }
    return out;
  }
}
