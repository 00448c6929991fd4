package io.truststram.explain.shap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.Link;
import io.truststram.explain.Model;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PermutationShapTest {

  /**
   * Every walk adds up, so the values always do; their error falls as the orders grow; and with
   * pairwise interactions only, one antithetic order is already exact.
   */
  @Test
  void valuesAddUpExactlyAndApproachTheExactOnesAsOrdersGrow() {
    SplittableRandom random = new SplittableRandom(4);
    int m = 9;
    // Three-way interactions: an antithetic walk is exact for pairwise ones, not for these.
    Model model =
        KernelShapTest.model(
            m,
            x ->
                x[0] * x[1] * x[2]
                    + Math.max(x[3], Math.max(x[4], x[5]))
                    + (x[6] > 0 && x[7] > 0 ? x[8] : -x[8]));
    double[][] background = KernelShapTest.rows(random, 6, m);
    double[] row = KernelShapTest.rows(random, 1, m)[0];
    double[] exact = ExactShap.explain(model, Link.IDENTITY, row, background)[0];
    double fx = model.predict(new double[][] {row})[0][0];
    double previous = Double.POSITIVE_INFINITY;
    for (int budget : new int[] {19 * 4, 19 * 64, 19 * 2048}) {
      double[] phi = PermutationShap.explain(model, Link.IDENTITY, row, background, budget, 3)[0];
      double sum = phi[m];
      double error = 0;
      for (int i = 0; i < m; i++) {
        sum += phi[i];
        error += Math.abs(phi[i] - exact[i]);
      }
      assertThat(sum).isCloseTo(fx, within(1e-9));
      assertThat(error).isLessThan(previous);
      previous = error;
    }
    assertThat(previous).isLessThan(0.02);
    // With two features one antithetic order is exact: both orders are walked.
    Model two = KernelShapTest.model(2, x -> x[0] * x[1] + x[0]);
    double[][] bg = KernelShapTest.rows(random, 4, 2);
    double[] x = {0.3, -0.7};
    double[] once = PermutationShap.explain(two, Link.IDENTITY, x, bg, 5, 1)[0];
    double[] truth = ExactShap.explain(two, Link.IDENTITY, x, bg)[0];
    assertThat(once[0]).isCloseTo(truth[0], within(1e-12));
    assertThat(once[1]).isCloseTo(truth[1], within(1e-12));
    assertThatThrownBy(() -> PermutationShap.explain(model, Link.IDENTITY, row, background, 10, 1))
        .hasMessageContaining("too small for one order");
  }
}
