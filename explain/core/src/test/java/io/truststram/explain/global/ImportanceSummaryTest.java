package io.truststram.explain.global;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.Explanation;
import io.truststram.explain.Link;
import io.truststram.explain.Model;
import io.truststram.explain.ShapExplainer;
import io.truststram.explain.shap.KernelShap;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Federated global importance: participants explain their own rows against a shared background, and
 * the merged summaries give the mean |SHAP| of the pooled rows.
 */
class ImportanceSummaryTest {

  private static final Model MODEL =
      Model.scalar(4, x -> Math.tanh(x[0] * x[1]) + 0.5 * x[2] * x[2] - x[3]);

  private static double[][] rows(int n, long seed) {
    Random random = new Random(seed);
    double[][] out = new double[n][4];
    for (double[] row : out) {
      for (int j = 0; j < 4; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return out;
  }

  private static Explanation explain(double[][] rows, double[][] background) {
    return ShapExplainer.explain(
        MODEL,
        "m",
        new ShapExplainer.Request(
            ShapExplainer.Method.EXACT,
            rows,
            background,
            Link.IDENTITY,
            KernelShap.Options.DEFAULT,
            500,
            null));
  }

  @Test
  void mergedSummariesGiveThePooledImportances() {
    double[][] background = rows(20, 1);
    double[][] all = rows(90, 2);
    Explanation pooled = explain(all, background);
    ImportanceSummary merged =
        ImportanceSummary.of(explain(Arrays.copyOfRange(all, 0, 30), background))
            .merge(ImportanceSummary.of(explain(Arrays.copyOfRange(all, 30, 31), background)))
            .merge(ImportanceSummary.of(explain(Arrays.copyOfRange(all, 31, 90), background)));
    assertThat(merged.rows()).isEqualTo(90);
    assertThat(merged.meanAbsolute()[0])
        .containsExactly(GlobalImportance.meanAbsolute(pooled.values()[0]), within(1e-12));
    double[] mean = new double[4];
    for (double[] row : pooled.values()[0]) {
      for (int j = 0; j < 4; j++) {
        mean[j] += row[j] / 90;
      }
    }
    assertThat(merged.mean()[0]).containsExactly(mean, within(1e-12));
    ImportanceSummary back =
        ImportanceSummary.fromVector(merged.features(), merged.method(), 1, merged.toVector());
    assertThat(back.meanAbsolute()[0]).containsExactly(merged.meanAbsolute()[0]);
    assertThat(back.standardDeviation()[0]).containsExactly(merged.standardDeviation()[0]);
  }

  @Test
  void summariesOfOtherThingsDoNotMerge() {
    ImportanceSummary a = ImportanceSummary.of(explain(rows(3, 1), rows(5, 2)));
    ImportanceSummary renamed =
        new ImportanceSummary(
            List.of("a", "b", "c", "z"), a.method(), a.sumAbs(), a.sum(), a.sumSquares(), a.rows());
    assertThatThrownBy(() -> a.merge(renamed)).hasMessageContaining("do not merge");
    assertThatThrownBy(
            () -> ImportanceSummary.fromVector(a.features(), a.method(), 1, new double[5]))
        .hasMessageContaining("13 numbers");
  }
}
