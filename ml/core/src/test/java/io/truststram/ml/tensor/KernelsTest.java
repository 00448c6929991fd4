package io.truststram.ml.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class KernelsTest {

  @Test
  void axpyAddsAScaledVector() {
    float[] y = {1, 2, 3, 4, 5};
    Kernels.axpy(2f, new float[] {1, 1, 1, 1, -1}, y);
    assertThat(y).containsExactly(3, 4, 5, 6, 3);
  }

  @Test
  void weightedSumIsTheWeightedAverageWhenWeightsSumToOne() {
    float[] out = new float[3];
    Kernels.weightedSum(new float[][] {{1, 2, 3}, {3, 2, 1}}, new double[] {0.25, 0.75}, out);
    assertThat(out).containsExactly(2.5f, 2f, 1.5f);
  }

  @Test
  void theBlockedFoldEqualsFoldingOneUpdateAtATimeBitForBit() {
    java.util.Random random = new java.util.Random(4);
    int n = Kernels.BLOCK * 3 + 17;
    float[][] xs = new float[7][n];
    double[] weights = new double[7];
    for (int k = 0; k < xs.length; k++) {
      weights[k] = 1 + random.nextInt(50);
      for (int i = 0; i < n; i++) {
        xs[k][i] = (float) random.nextGaussian();
      }
    }
    double[] one = new double[n];
    for (int k = 0; k < xs.length; k++) {
      Kernels.accumulate(weights[k], xs[k], one);
    }
    double[] blocked = new double[n];
    Kernels.accumulateAll(weights, xs, blocked);
    assertThat(blocked).containsExactly(one);
  }

  @Test
  void normsAndDot() {
    float[] x = {3, -4, 0, 0, 0};
    assertThat(Kernels.norm2(x)).isEqualTo(5.0);
    assertThat(Kernels.norm1(x)).isEqualTo(7.0);
    assertThat(Kernels.normInf(x)).isEqualTo(4.0);
    assertThat(Kernels.dot(x, new float[] {1, 1, 1, 1, 1})).isEqualTo(-1.0);
    assertThat(Kernels.squaredDistance(x, new float[5])).isEqualTo(25.0);
  }

  @Test
  void elementWiseOperations() {
    float[] out = new float[3];
    Kernels.add(new float[] {1, 2, 3}, new float[] {4, 5, 6}, out);
    assertThat(out).containsExactly(5, 7, 9);
    Kernels.subtract(new float[] {1, 2, 3}, new float[] {4, 5, 6}, out);
    assertThat(out).containsExactly(-3, -3, -3);
    Kernels.multiply(new float[] {1, 2, 3}, new float[] {4, 5, 6}, out);
    assertThat(out).containsExactly(4, 10, 18);
    Kernels.scale(0.5f, out);
    assertThat(out).containsExactly(2, 5, 9);
  }

  @Test
  void allFiniteFindsNanAndInfinityAnywhere() {
    assertThat(Kernels.allFinite(new float[] {1, 2, 3})).isTrue();
    assertThat(Kernels.allFinite(new float[0])).isTrue();
    assertThat(Kernels.allFinite(new float[] {1, Float.NaN, 3})).isFalse();
    assertThat(Kernels.allFinite(new float[] {1, 2, Float.POSITIVE_INFINITY})).isFalse();
    assertThat(Kernels.allFinite(new float[] {Float.NEGATIVE_INFINITY})).isFalse();
    assertThat(Kernels.allFinite(new float[] {Float.MAX_VALUE, Float.MAX_VALUE})).isTrue();
  }

  @Test
  void mismatchedLengthsAreRefused() {
    assertThatThrownBy(() -> Kernels.axpy(1, new float[2], new float[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lengths differ");
    assertThatThrownBy(() -> Kernels.dot(new float[2], new float[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Kernels.accumulate(1, new float[2], new double[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Kernels.weightedSum(new float[][] {new float[2]}, new double[2], new float[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void dotMatchesASequentialDoubleSum(
      @ForAll @Size(max = 300) float @FloatRange(min = -1e3f, max = 1e3f) [] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (i % 7) - 3;
    }
    double expected = 0;
    double magnitude = 0;
    for (int i = 0; i < x.length; i++) {
      expected += (double) x[i] * y[i];
      magnitude += Math.abs((double) x[i] * y[i]);
    }
    // Products of floats are exact in double; only the additions round, each by at most one ulp
    // of the running magnitude.
    assertThat(Kernels.dot(x, y)).isCloseTo(expected, within(1e-13 * magnitude + 1e-300));
  }

  @Property(tries = 300)
  void accumulatingInAnyOrderGivesTheSameFloats(
      @ForAll @Size(min = 1, max = 50) int @IntRange(min = -100_000, max = 100_000) [] units) {
    // Values on a grid of 1/16: every partial sum is exact in double, so the order cannot matter.
    double[] forward = new double[1];
    double[] backward = new double[1];
    for (int i = 0; i < units.length; i++) {
      Kernels.accumulate(1.0, new float[] {units[i] / 16f}, forward);
      Kernels.accumulate(1.0, new float[] {units[units.length - 1 - i] / 16f}, backward);
    }
    float[] a = new float[1];
    float[] b = new float[1];
    Kernels.scaleInto(1.0 / units.length, forward, a);
    Kernels.scaleInto(1.0 / units.length, backward, b);
    assertThat(a[0]).isEqualTo(b[0]);
  }
}
