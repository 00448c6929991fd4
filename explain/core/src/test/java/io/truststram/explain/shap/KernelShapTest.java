package io.truststram.explain.shap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.Link;
import io.truststram.explain.Model;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class KernelShapTest {

  /** A one-output model from a function of a row. */
  static Model model(int features, ToDoubleFunction<double[]> f) {
    return Model.scalar(features, f);
  }

  /** Interactions, a product and a threshold: nothing a linear surrogate gets right by chance. */
  static double nonlinear(double[] x) {
    double out = 0.5 * x[0] - 0.3 * x[1] * x[2] + (x[3] > 0.2 ? 1.0 : -0.5);
    for (int i = 4; i < x.length; i++) {
      out += Math.sin(x[i] * (i % 3 + 1)) * (i % 2 == 0 ? x[0] : 1);
    }
    return out;
  }

  static double[][] rows(SplittableRandom random, int n, int m) {
    double[][] out = new double[n][m];
    for (double[] row : out) {
      for (int i = 0; i < m; i++) {
        row[i] = random.nextDouble() * 2 - 1;
      }
    }
    return out;
  }

  /** With every coalition enumerated, Kernel SHAP is exact (Lundberg and Lee 2017, Theorem 2). */
  @Test
  void enumeratingEveryCoalitionGivesTheExactShapleyValues() {
    SplittableRandom random = new SplittableRandom(11);
    for (int m : new int[] {2, 3, 5, 8, 11}) {
      Model model = model(m, KernelShapTest::nonlinearPadded);
      double[][] background = rows(random, 7, m);
      double[] row = rows(random, 1, m)[0];
      KernelShap explainer = new KernelShap(model, Link.IDENTITY, background, null, null);
      KernelShap.Result result = explainer.explain(row, new KernelShap.Options(0, 0, 1));
      assertThat(result.cost().enumerated()).isTrue();
      assertThat(result.cost().coalitions()).isEqualTo((1 << m) - 2);
      double[] exact = ExactShap.explain(model, Link.IDENTITY, row, background)[0];
      for (int i = 0; i <= m; i++) {
        assertThat(result.values()[0][i])
            .as("m=%d feature %d", m, i)
            .isCloseTo(exact[i], within(1e-9));
      }
    }
  }

  private static double nonlinearPadded(double[] x) {
    double[] padded = java.util.Arrays.copyOf(x, Math.max(x.length, 4));
    return nonlinear(padded);
  }

  /** Sampled, the values approach the exact ones, and always sum to f(x) − E f. */
  @Test
  void sampledValuesAreCloseAndAlwaysAdditive() {
    SplittableRandom random = new SplittableRandom(5);
    int m = 14;
    Model model = model(m, KernelShapTest::nonlinear);
    double[][] background = rows(random, 5, m);
    double[] row = rows(random, 1, m)[0];
    double[] exact = ExactShap.explain(model, Link.IDENTITY, row, background)[0];
    KernelShap explainer = new KernelShap(model, Link.IDENTITY, background, null, null);
    KernelShap.Result result = explainer.explain(row, new KernelShap.Options(0, 0, 42));
    assertThat(result.cost().enumerated()).isFalse();
    assertThat(result.cost().coalitions()).isEqualTo(2 * m + 2048);
    double fx = model.predict(new double[][] {row})[0][0];
    double sum = 0;
    double worst = 0;
    for (int i = 0; i < m; i++) {
      sum += result.values()[0][i];
      worst = Math.max(worst, Math.abs(result.values()[0][i] - exact[i]));
    }
    assertThat(sum + result.values()[0][m]).isCloseTo(fx, within(1e-9));
    assertThat(worst).isLessThan(0.05);
    // Reproducible by seed.
    assertThat(explainer.explain(row, new KernelShap.Options(0, 0, 42)).values())
        .isDeepEqualTo(result.values());
  }

  /** A linear model's Kernel SHAP values are Linear SHAP's: w_i (x_i − E x_i). */
  @Test
  void aLinearModelGetsTheLinearShapValues() {
    SplittableRandom random = new SplittableRandom(3);
    int m = 6;
    double[] w = {0.7, -1.2, 0.0, 2.5, -0.4, 0.9};
    Model model =
        model(
            m,
            x -> {
              double out = 0.3;
              for (int i = 0; i < m; i++) {
                out += w[i] * x[i];
              }
              return out;
            });
    double[][] background = rows(random, 20, m);
    double[] row = rows(random, 1, m)[0];
    double[][] linear =
        new LinearShap(new double[][] {w}, new double[] {0.3}, LinearShap.mean(background, null))
            .explain(row);
    double[][] kernel =
        new KernelShap(model, Link.IDENTITY, background, null, null)
            .explain(row, KernelShap.Options.DEFAULT)
            .values();
    for (int i = 0; i <= m; i++) {
      assertThat(kernel[0][i]).isCloseTo(linear[0][i], within(1e-9));
    }
  }

  /**
   * A one-hot encoding's columns explained as one feature: the group's value is the Shapley value
   * of the game whose players are the groups.
   */
  @Test
  void groupsAreExplainedAsOneFeature() {
    SplittableRandom random = new SplittableRandom(8);
    // Features: x0, a three-column one-hot (1..3), x4.
    Model model = model(5, x -> 1.5 * x[0] + (x[1] == 1 ? 2 : x[2] == 1 ? -1 : 0.5) * (1 + x[4]));
    double[][] background = new double[9][];
    for (int b = 0; b < background.length; b++) {
      double[] oneHot = new double[3];
      oneHot[b % 3] = 1;
      background[b] =
          new double[] {random.nextDouble(), oneHot[0], oneHot[1], oneHot[2], random.nextDouble()};
    }
    double[] row = {0.9, 0, 1, 0, 0.3};
    int[][] groups = {{0}, {1, 2, 3}, {4}};
    double[] grouped =
        new KernelShap(model, Link.IDENTITY, background, null, groups)
            .explain(row, KernelShap.Options.DEFAULT)
            .values()[0];
    // The same game with the one-hot block as one player, computed by hand over its 8 coalitions.
    double[] exact = new double[4];
    double[] v = new double[8];
    for (int s = 0; s < 8; s++) {
      double total = 0;
      for (double[] b : background) {
        double[] mixed = b.clone();
        if ((s & 1) != 0) {
          mixed[0] = row[0];
        }
        if ((s & 2) != 0) {
          mixed[1] = row[1];
          mixed[2] = row[2];
          mixed[3] = row[3];
        }
        if ((s & 4) != 0) {
          mixed[4] = row[4];
        }
        total += model.predict(new double[][] {mixed})[0][0];
      }
      v[s] = total / background.length;
    }
    double[] weightBySize = {1 / 3.0, 1 / 6.0, 1 / 3.0};
    for (int s = 0; s < 8; s++) {
      for (int p = 0; p < 3; p++) {
        if ((s & (1 << p)) == 0) {
          exact[p] += weightBySize[Integer.bitCount(s)] * (v[s | (1 << p)] - v[s]);
        }
      }
    }
    for (int p = 0; p < 3; p++) {
      assertThat(grouped[p]).isCloseTo(exact[p], within(1e-9));
    }
    assertThatThrownBy(
            () -> new KernelShap(model, Link.IDENTITY, background, null, new int[][] {{0, 1}, {1}}))
        .hasMessageContaining("out of range or in two");
  }

  /**
   * Under the logit link the values sum to logit(f(x)) − logit(E f); with num_features(k) at most k
   * are non-zero, and features equal to every background row's get 0.
   */
  @Test
  void theLogitLinkAndFeatureSelection() {
    SplittableRandom random = new SplittableRandom(2);
    int m = 12;
    Model model = model(m, x -> 1 / (1 + Math.exp(-nonlinear(x))));
    double[][] background = rows(random, 6, m);
    for (double[] b : background) {
      b[7] = 0.25;
    }
    double[] row = rows(random, 1, m)[0];
    row[7] = 0.25;
    KernelShap explainer = new KernelShap(model, Link.LOGIT, background, null, null);
    KernelShap.Result result = explainer.explain(row, new KernelShap.Options(0, 4, 9));
    double[] phi = result.values()[0];
    assertThat(result.cost().varying()).isEqualTo(11);
    assertThat(phi[7]).isZero();
    long nonZero = java.util.Arrays.stream(phi, 0, m).filter(v -> v != 0).count();
    assertThat(nonZero).isLessThanOrEqualTo(4).isGreaterThan(0);
    double sum = java.util.Arrays.stream(phi, 0, m).sum();
    double fx = model.predict(new double[][] {row})[0][0];
    assertThat(sum + phi[m]).isCloseTo(Link.LOGIT.apply(fx), within(1e-9));
    assertThat(phi[m]).isEqualTo(explainer.expectedValue()[0]);
  }
}
