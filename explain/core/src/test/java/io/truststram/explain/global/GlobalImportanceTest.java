package io.truststram.explain.global;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.Model;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GlobalImportanceTest {

  private static Model model(java.util.function.ToDoubleFunction<double[]> f, int features) {
    return Model.scalar(features, f);
  }

  private static double[][] rows(int n) {
    SplittableRandom random = new SplittableRandom(2);
    double[][] out = new double[n][3];
    for (double[] row : out) {
      for (int i = 0; i < 3; i++) {
        row[i] = random.nextDouble() * 2 - 1;
      }
    }
    return out;
  }

  /** A feature the model ignores has importance exactly 0; one it uses, a positive one. */
  @Test
  void permutationImportanceSeesOnlyTheFeaturesTheModelUses() {
    double[][] rows = rows(300);
    Model model = model(x -> x[0] > 0 ? 0.9 : 0.1, 3);
    double[] targets = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      targets[r] = rows[r][0] > 0 ? 1 : 0;
    }
    double[][] importance =
        GlobalImportance.permutation(
            model, rows, targets, GlobalImportance.Scoring.ACCURACY, null, 5, 1);
    assertThat(importance[0][0]).isGreaterThan(0.3);
    assertThat(importance[1][0]).isZero();
    assertThat(importance[2][0]).isZero();
    assertThat(importance[1][1]).isZero();
    // Shuffling features 0 and 1 together matters as much as 0 alone does, on average.
    double[][] grouped =
        GlobalImportance.permutation(
            model,
            rows,
            targets,
            GlobalImportance.Scoring.NEG_LOG_LOSS,
            new int[][] {{0, 1}, {2}},
            5,
            1);
    assertThat(grouped[0][0]).isPositive();
    assertThat(grouped[1][0]).isZero();
    assertThatThrownBy(
            () ->
                GlobalImportance.permutation(
                    model, rows, new double[3], GlobalImportance.Scoring.R2, null, 5, 1))
        .hasMessageContaining("one length");
  }

  /** An additive model's partial dependence is its own term, and its ICE curves are parallel. */
  @Test
  void partialDependenceOfAnAdditiveModelIsItsTerm() {
    double[][] rows = rows(200);
    Model model = model(x -> 2 * x[0] + x[1] * x[1], 3);
    GlobalImportance.Dependence pd = GlobalImportance.partialDependence(model, rows, 0, 0, 50);
    assertThat(pd.grid()).hasSize(50);
    for (int g = 1; g < pd.grid().length; g++) {
      assertThat(pd.average()[g] - pd.average()[0])
          .isCloseTo(2 * (pd.grid()[g] - pd.grid()[0]), within(1e-12));
      for (double[] ice : pd.individual()) {
        assertThat(ice[g] - ice[0]).isCloseTo(2 * (pd.grid()[g] - pd.grid()[0]), within(1e-12));
      }
    }
    // A feature with few distinct values is gridded on them.
    for (int r = 0; r < rows.length; r++) {
      rows[r][2] = r % 3;
    }
    assertThat(GlobalImportance.partialDependence(model, rows, 2, 0, 50).grid())
        .containsExactly(0, 1, 2);
    assertThat(GlobalImportance.meanAbsolute(new double[][] {{1, -2}, {-3, 0}}))
        .containsExactly(2, 1);
  }

  @org.junit.jupiter.api.Test
  void theInteractionSummaryIsTheMeanAbsoluteMatrix() {
    double[][][] matrices = {
      {{1, -2, 0}, {-2, 3, 0}, {0, 0, 5}},
      {{-3, 4, 0}, {4, 1, 0}, {0, 0, 5}}
    };
    double[][] summary = GlobalImportance.meanAbsoluteInteractions(matrices);
    org.assertj.core.api.Assertions.assertThat(summary[0]).containsExactly(2, 3);
    org.assertj.core.api.Assertions.assertThat(summary[1]).containsExactly(3, 2);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> GlobalImportance.meanAbsoluteInteractions(new double[0][][]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
