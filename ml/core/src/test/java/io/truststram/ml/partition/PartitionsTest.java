package io.truststram.ml.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PartitionsTest {

  @Property(tries = 50)
  void everySplitHoldsEveryRowOnce(
      @ForAll @IntRange(min = 50, max = 2000) int rows,
      @ForAll @IntRange(min = 1, max = 20) int clients,
      @ForAll long seed) {
    int[] labels = IntStream.range(0, rows).map(i -> i % 5).toArray();
    assertCoversOnce(Partitions.iid(rows, clients, seed), rows);
    assertCoversOnce(Partitions.dirichletLabelSkew(labels, 5, clients, 0.5, 1, seed), rows);
    assertCoversOnce(Partitions.quantitySkew(rows, clients, 1.0, 2, seed), rows);
  }

  @Test
  void iidPartsDifferInSizeByAtMostOne() {
    List<int[]> parts = Partitions.iid(103, 10, 7);
    assertThat(
            parts.stream().mapToInt(p -> p.length).max().orElseThrow()
                - parts.stream().mapToInt(p -> p.length).min().orElseThrow())
        .isLessThanOrEqualTo(1);
    assertThat(Partitions.iid(103, 10, 7).get(3)).containsExactly(parts.get(3));
    assertThat(Partitions.iid(103, 10, 8).get(3)).isNotEqualTo(parts.get(3));
  }

  @Test
  void smallerAlphaConcentratesEachClientOnFewerClasses() {
    int[] labels = IntStream.range(0, 10_000).map(i -> i % 10).toArray();
    double skewed =
        meanClassesPerClient(Partitions.dirichletLabelSkew(labels, 10, 20, 0.1, 10, 1), labels);
    double even =
        meanClassesPerClient(Partitions.dirichletLabelSkew(labels, 10, 20, 100, 10, 1), labels);
    assertThat(even).isEqualTo(10.0);
    assertThat(skewed).isLessThan(6.0);
    assertThat(Partitions.dirichletLabelSkew(labels, 10, 20, 0.1, 10, 1))
        .allSatisfy(part -> assertThat(part.length).isGreaterThanOrEqualTo(10));
  }

  @Test
  void quantitySkewSpreadsSizesWithSigmaAndKeepsTheMinimum() {
    List<int[]> flat = Partitions.quantitySkew(10_000, 20, 0.01, 50, 3);
    List<int[]> skewed = Partitions.quantitySkew(10_000, 20, 2.0, 50, 3);
    assertThat(spread(flat)).isLessThan(1.1);
    assertThat(spread(skewed)).isGreaterThan(5.0);
    assertThat(skewed).allSatisfy(part -> assertThat(part.length).isGreaterThanOrEqualTo(50));
  }

  @Test
  void theNaturalSplitGroupsByValueLargestFirstAndPoolsTheRest() {
    String[] country = {"fr", "de", "fr", "it", "fr", "de", "es", "pt"};
    Map<String, int[]> parts = Partitions.byValue(country, 3);
    assertThat(parts.keySet()).containsExactly("fr", "de", "other");
    assertThat(parts.get("fr")).containsExactly(0, 2, 4);
    assertThat(parts.get("de")).containsExactly(1, 5);
    assertThat(parts.get("other")).containsExactly(3, 6, 7);
    assertThat(Partitions.byValue(country, 10)).hasSize(5);
  }

  @Test
  void gammaAndDirichletDrawsHaveTheirMeans() {
    SplittableRandom random = new SplittableRandom(11);
    for (double shape : new double[] {0.3, 1, 4.5}) {
      double sum = 0;
      for (int i = 0; i < 100_000; i++) {
        sum += Partitions.gamma(shape, random);
      }
      assertThat(sum / 100_000)
          .as("Gamma(%s) mean", shape)
          .isCloseTo(shape, within(0.05 * shape + 0.01));
    }
    double[] p = Partitions.dirichlet(4, 2.0, random);
    assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void impossibleSplitsAreRefused() {
    assertThatThrownBy(() -> Partitions.iid(5, 6, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Partitions.quantitySkew(100, 10, 1, 11, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Partitions.dirichletLabelSkew(new int[10], 1, 2, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha");
  }

  private static void assertCoversOnce(List<int[]> parts, int rows) {
    int[] all = parts.stream().flatMapToInt(Arrays::stream).sorted().toArray();
    assertThat(all).containsExactly(IntStream.range(0, rows).toArray());
  }

  private static double meanClassesPerClient(List<int[]> parts, int[] labels) {
    return parts.stream()
        .mapToLong(part -> Arrays.stream(part).map(i -> labels[i]).distinct().count())
        .average()
        .orElseThrow();
  }

  private static double spread(List<int[]> parts) {
    int max = parts.stream().mapToInt(p -> p.length).max().orElseThrow();
    int min = parts.stream().mapToInt(p -> p.length).min().orElseThrow();
    return (double) max / min;
  }
}
