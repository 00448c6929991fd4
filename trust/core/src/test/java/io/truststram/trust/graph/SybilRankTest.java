package io.truststram.trust.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SybilRank's promise (Cao et al. 2012): a Sybil region joined to the honest region by a few attack
 * edges gets little trust, and no more as it grows, while honest nodes rank above Sybils.
 */
class SybilRankTest {

  /** An honest random graph of 1,000 nodes, a Sybil region of {@code sybils}, 5 attack edges. */
  private static Graph attacked(int sybils, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int honest = 1_000;
    Graph.Builder builder = new Graph.Builder(honest + sybils, 20_000L + 10L * sybils);
    for (int i = 0; i < honest; i++) {
      for (int k = 0; k < 8; k++) {
        int j = random.nextInt(honest);
        if (j != i) {
          builder.add(i, j, 1);
        }
      }
    }
    for (int i = 0; i < sybils; i++) {
      for (int k = 0; k < 8; k++) {
        int j = random.nextInt(sybils);
        if (j != i) {
          builder.add(honest + i, honest + j, 1); // Sybils befriend each other freely
        }
      }
    }
    for (int k = 0; k < 5; k++) {
      builder.add(random.nextInt(honest), honest + random.nextInt(sybils), 1);
    }
    return builder.build();
  }

  @Test
  void aSybilRegionsTrustStaysBoundedAsItGrows() {
    double[] regionTrust = new double[3];
    int[] sizes = {500, 2_000, 8_000};
    for (int s = 0; s < sizes.length; s++) {
      Graph graph = attacked(sizes[s], 7);
      double[] held = SybilRank.walk(graph, new int[] {0, 1, 2, 3, 4}, 0);
      double sybil = 0;
      for (int i = 1_000; i < graph.nodes(); i++) {
        sybil += held[i];
      }
      regionTrust[s] = sybil;
      // Most honest nodes rank above the best-ranked half of the Sybils.
      double[] scores = SybilRank.compute(graph, new int[] {0, 1, 2, 3, 4}, 0);
      double[] sybilScores = java.util.Arrays.copyOfRange(scores, 1_000, scores.length);
      java.util.Arrays.sort(sybilScores);
      double medianSybil = sybilScores[sybilScores.length / 2];
      long honestAbove =
          java.util.stream.IntStream.range(0, 1_000).filter(i -> scores[i] > medianSybil).count();
      assertThat(honestAbove).as("size %d", sizes[s]).isGreaterThan(950);
    }
    // Sixteen times the Sybils, not more trust: the attack edges are the bottleneck.
    assertThat(regionTrust[2]).isLessThan(0.1);
    assertThat(regionTrust[2]).isLessThan(regionTrust[0] * 2);
  }

  @Test
  void seedsAreRequired() {
    Graph graph = new Graph.Builder(2, 1).add(0, 1, 1).build();
    assertThatThrownBy(() -> SybilRank.compute(graph, new int[0], 0)).hasMessageContaining("seed");
    assertThatThrownBy(() -> SybilRank.compute(graph, new int[] {4}, 0))
        .hasMessageContaining("not in the graph");
  }
}
