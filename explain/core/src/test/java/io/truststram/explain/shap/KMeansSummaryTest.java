package io.truststram.explain.shap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.Link;
import io.truststram.explain.Model;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KMeansSummaryTest {

  /** Three tight clusters come back as three centres, weighted by their sizes, on data values. */
  @Test
  void findsTheClustersWeightsThemAndRoundsToDataValues() {
    SplittableRandom random = new SplittableRandom(1);
    double[][] rows = new double[60][];
    double[][] truth = {{0, 0}, {10, 1}, {-10, 1}};
    int[] sizes = {30, 20, 10};
    int r = 0;
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < sizes[c]; i++) {
        rows[r++] = new double[] {truth[c][0] + random.nextGaussian() * 0.1, truth[c][1]};
      }
    }
    KMeansSummary summary = KMeansSummary.of(rows, 3, 0);
    assertThat(Arrays.stream(summary.weights()).sum()).isCloseTo(1.0, within(1e-12));
    double[] sorted = summary.weights().clone();
    Arrays.sort(sorted);
    assertThat(sorted).containsExactly(10 / 60.0, 20 / 60.0, 30 / 60.0);
    for (double[] centre : summary.centres()) {
      // Rounded to values the data takes: the 0/1 column stays 0/1.
      assertThat(centre[1]).isIn(0.0, 1.0);
      assertThat(Arrays.stream(rows).anyMatch(row -> row[0] == centre[0])).isTrue();
    }
  }

  /** Kernel SHAP on a summary stays additive against the summary's weighted mean. */
  @Test
  void kernelShapTakesTheWeightedSummary() {
    SplittableRandom random = new SplittableRandom(2);
    double[][] rows = new double[200][4];
    for (double[] row : rows) {
      for (int j = 0; j < 4; j++) {
        row[j] = random.nextDouble();
      }
    }
    KMeansSummary summary = KMeansSummary.of(rows, 10, 0);
    Model model = Model.scalar(4, x -> x[0] * x[1] + x[2] - x[3]);
    KernelShap explainer =
        new KernelShap(model, Link.IDENTITY, summary.centres(), summary.weights(), null);
    double[] row = {0.9, 0.1, 0.5, 0.3};
    double[] phi = explainer.explain(row, KernelShap.Options.DEFAULT).values()[0];
    double expected = 0;
    for (int c = 0; c < summary.centres().length; c++) {
      expected += summary.weights()[c] * model.predict(new double[][] {summary.centres()[c]})[0][0];
    }
    assertThat(phi[4]).isCloseTo(expected, within(1e-12));
    assertThat(Arrays.stream(phi).sum())
        .isCloseTo(model.predict(new double[][] {row})[0][0], within(1e-9));
    // No more rows than k: the rows themselves, equally weighted.
    assertThat(KMeansSummary.of(new double[][] {{1}, {2}}, 5, 0).weights())
        .containsExactly(0.5, 0.5);
  }
}
