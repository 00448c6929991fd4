package io.truststram.explain.lime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.Model;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LimeTabularTest {

  private static final double[] WEIGHTS = {3, -2, 1.5, -1, 0.5, 0.1};

  private static Model linear() {
    return new Model() {
      @Override
      public int features() {
        return WEIGHTS.length;
      }

      @Override
      public int outputs() {
        return 1;
      }

      @Override
      public void predict(double[][] rows, double[][] out) {
        for (int r = 0; r < rows.length; r++) {
          double v = 0.2;
          for (int i = 0; i < WEIGHTS.length; i++) {
            v += WEIGHTS[i] * rows[r][i];
          }
          out[r][0] = v;
        }
      }
    };
  }

  private static double[][] training(int n) {
    SplittableRandom random = new SplittableRandom(1);
    double[][] out = new double[n][WEIGHTS.length];
    for (double[] row : out) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextDouble();
      }
    }
    return out;
  }

  private static final List<String> NAMES =
      IntStream.range(0, WEIGHTS.length).mapToObj(i -> "x" + i).toList();

  /** A linear model's coefficients come back with their signs and in order of size. */
  @Test
  void recoversTheSignAndRankingOfALinearModelsCoefficients() {
    LimeTabular lime = new LimeTabular(linear(), training(2000), NAMES, null);
    double[] row = {0.9, 0.9, 0.9, 0.9, 0.9, 0.9};
    LimeTabular.Explanation e = lime.explain(row, 0, new LimeTabular.Options(5000, 6, 42));
    assertThat(e.featureIndices()).containsExactly(0, 1, 2, 3, 4, 5);
    for (int i = 0; i < 6; i++) {
      assertThat(Math.signum(e.weights()[i]))
          .isEqualTo(Math.signum(WEIGHTS[e.featureIndices()[i]]));
    }
    // The row lies in each feature's top quartile (near 0.75 for uniform training data).
    assertThat(e.features().get(0)).matches("x0 > 0\\.7[0-9]");
    // The surrogate sees bins, not values: it explains much, not all, of a linear model.
    assertThat(e.score()).isBetween(0.5, 1.0);
    assertThat(e.modelPrediction()).isCloseTo(0.2 + 0.9 * 2.1, within(1e-12));
    // The surrogate's prediction at the row is its intercept plus every weight (all bins match).
    double local = e.intercept();
    for (double w : e.weights()) {
      local += w;
    }
    assertThat(e.localPrediction()).isCloseTo(local, within(1e-12));
    // Reproducible by seed; another seed differs.
    assertThat(lime.explain(row, 0, new LimeTabular.Options(5000, 6, 42)).weights())
        .isEqualTo(e.weights());
    assertThat(lime.explain(row, 0, new LimeTabular.Options(5000, 6, 43)).weights())
        .isNotEqualTo(e.weights());
  }

  /** Above six features lime ranks by a ridge fit's weights instead; the top ones still lead. */
  @Test
  void highestWeightsSelectionKeepsTheLargestEffects() {
    LimeTabular lime = new LimeTabular(linear(), training(2000), NAMES, null);
    double[] row = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    LimeTabular.Explanation e = lime.explain(row, 0, new LimeTabular.Options(5000, 7, 5));
    assertThat(e.featureIndices()).hasSize(6);
    assertThat(e.featureIndices()[0]).isEqualTo(0);
    assertThat(e.featureIndices()[1]).isEqualTo(1);
    // In the lowest quartile, the signs flip: being in x0's low bin lowers the output.
    assertThat(e.weights()[0]).isNegative();
    assertThat(e.weights()[1]).isPositive();
    assertThat(e.features().get(0)).matches("x0 <= 0\\.2[0-9]");
  }

  @Test
  void badInputIsRefused() {
    boolean[] categorical = {false, false, false, false, false, true};
    double[][] data = training(100);
    for (double[] row : data) {
      row[5] = Math.floor(row[5] * 3);
    }
    LimeTabular lime = new LimeTabular(linear(), data, NAMES, categorical);
    assertThatThrownBy(
            () -> lime.explain(new double[] {0, 0, 0, 0, 0, 7}, 0, LimeTabular.Options.DEFAULT))
        .hasMessageContaining("'x5' = 7.00 is a category the training rows lack");
    assertThatThrownBy(() -> lime.explain(new double[] {0, 0}, 0, LimeTabular.Options.DEFAULT))
        .hasMessageContaining("the row has 2 values");
    assertThatThrownBy(
            () ->
                lime.explain(
                    new double[] {0, 0, 0, 0, Double.NaN, 1}, 0, LimeTabular.Options.DEFAULT))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> lime.explain(new double[6], 3, LimeTabular.Options.DEFAULT))
        .hasMessageContaining("outputs 0 to 0");
    assertThatThrownBy(() -> new LimeTabular.Options(1, 5, 0)).hasMessageContaining("2 to");
    assertThatThrownBy(() -> new LimeTabular(linear(), new double[0][], NAMES, null))
        .hasMessageContaining("training rows");
  }
}
