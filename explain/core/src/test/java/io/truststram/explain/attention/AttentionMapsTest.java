package io.truststram.explain.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.explain.attention.AttentionMaps.HeadFusion;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rollout and flow against values worked by hand from Abnar and Zuidema's definitions. */
class AttentionMapsTest {

  private static final double[][] UNIFORM = {{0.5, 0.5}, {0.5, 0.5}};

  @Test
  void rolloutMultipliesTheResidualAdjustedLayers() {
    // Ã = 0.5 A + 0.5 I = [[.75, .25], [.25, .75]]; two layers: Ã² = [[.625, .375], [.375, .625]].
    double[][] r =
        AttentionMaps.rollout(new double[][][][] {{UNIFORM}, {UNIFORM}}, HeadFusion.MEAN);
    assertThat(r[0]).containsExactly(new double[] {0.625, 0.375}, within(1e-12));
    assertThat(r[1]).containsExactly(new double[] {0.375, 0.625}, within(1e-12));
  }

  @Test
  void flowIsTheMaximumFlowThroughTheLayersNormalised() {
    // Input 0 to output 0: 0.75 straight through plus 0.25 across and back, 1.0 in all; input 1
    // to output 0: 0.25 across then 0.75 straight, plus 0.75 straight then 0.25 across: 0.5.
    // Normalised: [2/3, 1/3].
    double[][] f = AttentionMaps.flow(new double[][][][] {{UNIFORM}, {UNIFORM}}, HeadFusion.MEAN);
    assertThat(f[0]).containsExactly(new double[] {2.0 / 3, 1.0 / 3}, within(1e-12));
    assertThat(f[1]).containsExactly(new double[] {1.0 / 3, 2.0 / 3}, within(1e-12));
  }

  @Test
  void onOneLayerFlowAndRolloutAreTheLayerItself() {
    double[][][][] one = {randomHeads(new Random(4), 3, 6)};
    double[][] r = AttentionMaps.rollout(one, HeadFusion.MEAN);
    double[][] f = AttentionMaps.flow(one, HeadFusion.MEAN);
    for (int i = 0; i < 6; i++) {
      assertThat(f[i]).containsExactly(r[i], within(1e-9));
      double sum = 0;
      for (double v : r[i]) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1, within(1e-12));
    }
  }

  @Test
  void deepRandomAttentionGivesStochasticRows() {
    Random random = new Random(7);
    double[][][][] layers = new double[6][][][];
    for (int l = 0; l < layers.length; l++) {
      layers[l] = randomHeads(random, 4, 8);
    }
    for (HeadFusion fusion : HeadFusion.values()) {
      for (double[][] map :
          new double[][][] {
            AttentionMaps.rollout(layers, fusion), AttentionMaps.flow(layers, fusion)
          }) {
        for (double[] row : map) {
          double sum = 0;
          for (double v : row) {
            assertThat(v).isBetween(0.0, 1.0);
            sum += v;
          }
          assertThat(sum).isCloseTo(1, within(1e-9));
        }
      }
    }
  }

  @Test
  void headsAreFusedAsAsked() {
    double[][] a = {{1, 0}, {0, 1}};
    double[][] b = {{0, 1}, {1, 0}};
    double[][][][] layer = {{a, b}};
    // mean: A = uniform, Ã = [[.75, .25], ...]; max: A = all ones, Ã = [[1, .5]]/1.5; min: zeros,
    // so Ã = I.
    assertThat(AttentionMaps.rollout(layer, HeadFusion.MEAN)[0])
        .containsExactly(new double[] {0.75, 0.25}, within(1e-12));
    assertThat(AttentionMaps.rollout(layer, HeadFusion.MAX)[0])
        .containsExactly(new double[] {2.0 / 3, 1.0 / 3}, within(1e-12));
    assertThat(AttentionMaps.rollout(layer, HeadFusion.MIN)[0])
        .containsExactly(new double[] {1, 0}, within(1e-12));
  }

  @Test
  void badAttentionIsRefused() {
    assertThatThrownBy(() -> AttentionMaps.rollout(new double[0][][][], HeadFusion.MEAN))
        .hasMessageContaining("layers");
    assertThatThrownBy(
            () ->
                AttentionMaps.rollout(
                    new double[][][][] {{{{0.5, 0.2}, {0.5, 0.5}}}}, HeadFusion.MEAN))
        .hasMessageContaining("sums to 0.7000");
    assertThatThrownBy(
            () ->
                AttentionMaps.rollout(
                    new double[][][][] {{{{1.5, -0.5}, {0.5, 0.5}}}}, HeadFusion.MEAN))
        .hasMessageContaining("not negative");
    assertThatThrownBy(
            () -> AttentionMaps.rollout(new double[][][][] {{{{1, 0}, {1}}}}, HeadFusion.MEAN))
        .hasMessageContaining("row 1 has 1 values");
    double[][][][] wide = {randomHeads(new Random(1), 1, AttentionMaps.MAX_FLOW_TOKENS + 1)};
    assertThatThrownBy(() -> AttentionMaps.flow(wide, HeadFusion.MEAN))
        .hasMessageContaining("at most 128");
    assertThatThrownBy(() -> HeadFusion.of("median")).hasMessageContaining("mean, max or min");
  }

  /** Softmax rows of random logits: heads × n × n. */
  private static double[][][] randomHeads(Random random, int heads, int n) {
    double[][][] out = new double[heads][n][n];
    for (double[][] head : out) {
      for (double[] row : head) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
          row[j] = Math.exp(2 * random.nextGaussian());
          sum += row[j];
        }
        for (int j = 0; j < n; j++) {
          row[j] /= sum;
        }
      }
    }
    return out;
  }
}
