package io.truststram.trust.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * EigenTrust against its definition (Kamvar et al. 2003) and against PageRank: the fixed point
 * satisfies t = (1 − a) Cᵀ t + a p; it is personalised PageRank with p as the teleport vector;
 * PageRank matches networkx's on Zachary's karate club; a warm start converges to the same point in
 * fewer iterations; explanations add up to the score.
 */
class EigenTrustTest {

  static Graph random(SplittableRandom random, int n, int edges, boolean negative) {
    Graph.Builder builder = new Graph.Builder(n, edges);
    for (int e = 0; e < edges; e++) {
      int a = random.nextInt(n);
      int b = random.nextInt(n);
      if (a != b) {
        builder.add(a, b, negative ? random.nextDouble(-1, 3) : random.nextDouble(0.1, 3));
      }
    }
    return builder.build();
  }

  @Property(tries = 50)
  void theFixedPointSatisfiesItsEquation(
      @ForAll @IntRange(min = 2, max = 60) int n,
      @ForAll @IntRange(min = 0, max = 300) int edges,
      @ForAll @IntRange(min = 0, max = 3) int pretrustedCount,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Graph local = random(random, n, edges, true);
    int[] pretrusted = random.ints(pretrustedCount, 0, n).distinct().toArray();
    EigenTrust.Options options = new EigenTrust.Options(0.2, 1e-13, 10_000);
    EigenTrust.Result result = EigenTrust.compute(local, pretrusted, null, options);
    double[] t = result.scores();
    double[] p = EigenTrust.pretrusted(n, pretrusted);
    Graph c = EigenTrust.normalise(local);
    // t_j = (1 − a) (Σ_i c_ij t_i + Σ_{i: row i empty} t_i p_j) + a p_j, computed directly.
    double dangling = 0;
    for (int i = 0; i < n; i++) {
      if (c.start(i) == c.end(i)) {
        dangling += t[i];
      }
    }
    double[] expected = new double[n];
    for (int i = 0; i < n; i++) {
      for (int e = c.start(i); e < c.end(i); e++) {
        expected[c.target(e)] += 0.8 * c.weight(e) * t[i];
      }
    }
    double sum = 0;
    for (int j = 0; j < n; j++) {
      expected[j] += 0.8 * dangling * p[j] + 0.2 * p[j];
      assertThat(t[j]).as("node %d", j).isCloseTo(expected[j], within(1e-10));
      sum += t[j];
    }
    assertThat(sum).isCloseTo(1, within(1e-9));
  }

  @Property(tries = 50)
  void eigenTrustIsPersonalisedPageRankWithThePretrustedAsTeleport(
      @ForAll @IntRange(min = 2, max = 50) int n,
      @ForAll @IntRange(min = 0, max = 250) int edges,
      @ForAll @IntRange(min = 1, max = 4) int pretrustedCount,
      @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Graph local = random(random, n, edges, false);
    int[] pretrusted = random.ints(pretrustedCount, 0, n).distinct().toArray();
    double[] eigenTrust =
        EigenTrust.compute(local, pretrusted, null, new EigenTrust.Options(0.15, 1e-14, 10_000))
            .scores();
    double[] pageRank =
        PageRank.compute(local, 0.85, EigenTrust.pretrusted(n, pretrusted), 1e-15, 10_000);
    for (int i = 0; i < n; i++) {
      assertThat(eigenTrust[i]).as("node %d", i).isCloseTo(pageRank[i], within(1e-9));
    }
  }

  @Test
  void pageRankMatchesNetworkxOnTheKarateClub() throws IOException {
    Graph karate = karate();
    double[] personalization = new double[34];
    personalization[0] = 1;
    personalization[33] = 1;
    double[] ours = PageRank.compute(karate, 0.85, personalization, 1e-13, 1_000);
    List<String> reference = lines("/reference/karate-pagerank.csv");
    for (String line : reference) {
      String[] f = line.split(",");
      assertThat(ours[Integer.parseInt(f[0])])
          .as("node %s", f[0])
          .isCloseTo(Double.parseDouble(f[1]), within(1e-9));
    }
    // And EigenTrust with the two leaders pre-trusted is the same vector.
    double[] eigenTrust =
        EigenTrust.compute(
                karate, new int[] {0, 33}, null, new EigenTrust.Options(0.15, 1e-14, 1_000))
            .scores();
    for (int i = 0; i < 34; i++) {
      assertThat(eigenTrust[i]).isCloseTo(ours[i], within(1e-9));
    }
  }

  @Test
  void aWarmStartReachesTheSamePointInFewerIterations() {
    SplittableRandom random = new SplittableRandom(3);
    Graph before = random(random, 2_000, 20_000, false);
    EigenTrust.Options options = new EigenTrust.Options(0.15, 1e-12, 10_000);
    EigenTrust.Result old = EigenTrust.compute(before, new int[] {1, 2, 3}, null, options);
    // New evidence: a few edges change.
    Graph.Builder builder = new Graph.Builder(2_000, 20_100);
    for (int i = 0; i < 2_000; i++) {
      for (int e = before.start(i); e < before.end(i); e++) {
        builder.add(i, before.target(e), before.weight(e));
      }
    }
    for (int k = 0; k < 50; k++) {
      builder.add(random.nextInt(1_000), 1_000 + random.nextInt(1_000), 5);
    }
    Graph after = builder.build();
    EigenTrust.Result cold = EigenTrust.compute(after, new int[] {1, 2, 3}, null, options);
    EigenTrust.Result warm = EigenTrust.compute(after, new int[] {1, 2, 3}, old.scores(), options);
    assertThat(warm.iterations()).isLessThan(cold.iterations());
    for (int i = 0; i < 2_000; i++) {
      assertThat(warm.scores()[i]).isCloseTo(cold.scores()[i], within(1e-10));
    }
  }

  @Test
  void anExplanationAddsUpToTheScore() {
    SplittableRandom random = new SplittableRandom(5);
    Graph local = random(random, 40, 200, true);
    int[] pretrusted = {0, 1};
    EigenTrust.Options options = new EigenTrust.Options(0.15, 1e-13, 10_000);
    EigenTrust.Result result = EigenTrust.compute(local, pretrusted, null, options);
    Graph c = EigenTrust.normalise(local);
    double[] p = EigenTrust.pretrusted(40, pretrusted);
    for (int node : new int[] {0, 7, 21}) {
      List<EigenTrust.Contribution> all = EigenTrust.explain(c, p, result, 0.15, node, 1_000);
      double sum = all.stream().mapToDouble(EigenTrust.Contribution::amount).sum();
      assertThat(sum).isCloseTo(result.scores()[node], within(1e-10));
      for (int k = 1; k < all.size(); k++) {
        assertThat(all.get(k).amount()).isLessThanOrEqualTo(all.get(k - 1).amount());
      }
    }
  }

  @Test
  void thePathsIntoANodeAddUpToItsTrust() {
    // A small graph with a cycle: paths of every length, whose amounts sum to the score.
    Graph local =
        new Graph.Builder(5, 8)
            .add(0, 1, 2)
            .add(0, 2, 1)
            .add(1, 2, 1)
            .add(2, 3, 1)
            .add(3, 1, 1)
            .add(3, 4, 3)
            .add(4, 0, 1)
            .add(2, 4, 1)
            .build();
    int[] pretrusted = {0};
    EigenTrust.Options options = new EigenTrust.Options(0.3, 1e-15, 10_000);
    EigenTrust.Result result = EigenTrust.compute(local, pretrusted, null, options);
    Graph c = EigenTrust.normalise(local);
    double[] p = EigenTrust.pretrusted(5, pretrusted);
    // Every path of length up to 8 (a few hundred here) against the series cut at 8 terms,
    // Σ_{k ≤ 8} ((1 − a) Cᵀ)^k q, computed by iterating on vectors.
    List<EigenTrust.Path> all = EigenTrust.paths(c, p, result, 0.3, 4, 8, 1_000);
    assertThat(all.size()).isLessThan(1_000);
    double sum = all.stream().mapToDouble(EigenTrust.Path::amount).sum();
    double dangling = 0; // no node here rates no one
    double[] q = new double[5];
    for (int i = 0; i < 5; i++) {
      q[i] = 0.3 * p[i] + 0.7 * dangling * p[i];
    }
    double[] term = q.clone();
    double series = term[4];
    for (int k = 1; k <= 8; k++) {
      double[] next = new double[5];
      for (int i = 0; i < 5; i++) {
        for (int e = c.start(i); e < c.end(i); e++) {
          next[c.target(e)] += 0.7 * c.weight(e) * term[i];
        }
      }
      term = next;
      series += term[4];
    }
    assertThat(sum).isCloseTo(series, within(1e-12));
    assertThat(series).isLessThan(result.scores()[4]);
    List<EigenTrust.Path> top = EigenTrust.paths(c, p, result, 0.3, 4, 10, 3);
    assertThat(top).hasSize(3);
    assertThat(top.getFirst().nodes().getFirst()).isEqualTo(0); // trust starts at the pre-trusted
    assertThat(top.getFirst().nodes().getLast()).isEqualTo(4);
    assertThat(top.getFirst().amount()).isEqualTo(all.getFirst().amount());
    for (int k = 1; k < top.size(); k++) {
      assertThat(top.get(k).amount()).isLessThanOrEqualTo(top.get(k - 1).amount());
    }
  }

  @Test
  void badGraphsAndSettingsAreRefused() {
    assertThatThrownBy(() -> new Graph.Builder(3, 1).add(1, 1, 1))
        .hasMessageContaining("self-loop");
    assertThatThrownBy(() -> new Graph.Builder(3, 1).add(0, 5, 1))
        .hasMessageContaining("outside 0..2");
    assertThatThrownBy(() -> new Graph.Builder(3, 1).add(0, 1, Double.NaN))
        .hasMessageContaining("not finite");
    assertThatThrownBy(() -> new EigenTrust.Options(1.5, 1e-9, 10)).hasMessageContaining("alpha");
    Graph cycle = new Graph.Builder(3, 3).add(0, 1, 1).add(1, 2, 1).add(2, 0, 1).build();
    // A cycle with nothing to return to (alpha 0) oscillates from a start off its fixed point.
    assertThatThrownBy(
            () ->
                EigenTrust.compute(
                    cycle, new int[] {0}, null, new EigenTrust.Options(0, 1e-12, 500)))
        .hasMessageContaining("did not converge");
    assertThatThrownBy(
            () -> EigenTrust.compute(cycle, new int[] {7}, null, EigenTrust.Options.DEFAULT))
        .hasMessageContaining("not in the graph");
  }

  static Graph karate() throws IOException {
    Graph.Builder builder = new Graph.Builder(34, 156);
    for (String line : lines("/reference/karate.csv")) {
      String[] f = line.split(",");
      int a = Integer.parseInt(f[0]);
      int b = Integer.parseInt(f[1]);
      builder.add(a, b, 1).add(b, a, 1);
    }
    return builder.build();
  }

  static List<String> lines(String resource) throws IOException {
    try (InputStream in = EigenTrustTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.startsWith("#") && !l.isBlank())
          .toList();
    }
  }
}
