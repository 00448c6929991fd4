package io.truststram.trust.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The CSR graph: rows sorted, repeats summed, transposition an involution that keeps weights. */
class GraphTest {

  @Property(tries = 50)
  void transposingTwiceGivesTheGraphBack(
      @ForAll @IntRange(min = 1, max = 40) int n,
      @ForAll @IntRange(min = 0, max = 300) int edges,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Graph.Builder builder = new Graph.Builder(n, edges);
    double[][] dense = new double[n][n];
    for (int e = 0; e < edges; e++) {
      int a = random.nextInt(n);
      int b = random.nextInt(n);
      if (a != b) {
        double w = random.nextDouble(-2, 2);
        builder.add(a, b, w);
        dense[a][b] += w;
      }
    }
    Graph graph = builder.build();
    Graph transposed = graph.transpose();
    Graph back = transposed.transpose();
    for (int i = 0; i < n; i++) {
      for (int e = graph.start(i) + 1; e < graph.end(i); e++) {
        assertThat(graph.target(e)).isGreaterThan(graph.target(e - 1));
      }
      for (int e = transposed.start(i) + 1; e < transposed.end(i); e++) {
        assertThat(transposed.target(e)).isGreaterThan(transposed.target(e - 1));
      }
      for (int j = 0; j < n; j++) {
        assertThat(graph.weight(i, j))
            .isEqualTo(dense[i][j] == 0 ? graph.weight(i, j) : dense[i][j]);
        assertThat(transposed.weight(j, i)).isEqualTo(graph.weight(i, j));
        assertThat(back.weight(i, j)).isEqualTo(graph.weight(i, j));
      }
    }
    assertThat(back.edges()).isEqualTo(graph.edges());
  }
}
