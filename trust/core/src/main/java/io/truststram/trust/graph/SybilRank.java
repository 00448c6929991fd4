package io.truststram.trust.graph;

/**
 * SybilRank (Cao, Sirivianos, Yang and Pregueiro, NSDI 2012): trust from a few trusted seeds spread
 * by a short random walk over the undirected graph, stopped after O(log n) steps (before it mixes
 * into the Sybil region through the few attack edges), and each node's trust divided by its degree.
 * A Sybil region attached by g attack edges receives trust through those edges only, so however
 * many Sybils it holds, its total stays bounded by what g edges carry in log n steps.
 */
public final class SybilRank {

  private SybilRank() {}

  /**
   * The degree-normalised trust of every node.
   *
   * @param graph the trust graph; taken as undirected, weights summed both ways
   * @param seeds the trusted seeds (at least one), sharing a total trust of 1
   * @param iterations the walk's steps; 0 for ⌈log₂ n⌉
   * @throws IllegalArgumentException for no seeds, a seed out of range, or negative weights
   */
  public static double[] compute(Graph graph, int[] seeds, int iterations) {
    double[][] walked = spread(graph, seeds, iterations);
    double[] trust = walked[0];
    double[] degree = walked[1];
    double[] out = new double[trust.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = degree[i] == 0 ? 0 : trust[i] / degree[i];
    }
    return out;
  }

  /** The total trust (before normalisation) each node holds after the walk. */
  public static double[] walk(Graph graph, int[] seeds, int iterations) {
    return spread(graph, seeds, iterations)[0];
  }

  /** The walk: {trust each node holds, its weighted degree}. */
  private static double[][] spread(Graph graph, int[] seeds, int iterations) {
    int n = graph.nodes();
    if (seeds.length == 0) {
      throw new IllegalArgumentException("SybilRank starts from at least one trusted seed");
    }
    Graph undirected = graph.symmetric();
    double[] degree = new double[n];
    for (int i = 0; i < n; i++) {
      for (int e = undirected.start(i); e < undirected.end(i); e++) {
        if (undirected.weight(e) < 0) {
          throw new IllegalArgumentException("SybilRank takes no negative weights");
        }
        degree[i] += undirected.weight(e);
      }
    }
    double[] trust = new double[n];
    for (int seed : seeds) {
      if (seed < 0 || seed >= n) {
        throw new IllegalArgumentException("seed " + seed + " is not in the graph");
      }
      trust[seed] += 1.0 / seeds.length;
    }
    int steps =
        iterations > 0
            ? iterations
            : Math.max(1, (int) Math.ceil(Math.log(Math.max(2, n)) / Math.log(2)));
    for (int step = 0; step < steps; step++) {
      double[] next = new double[n];
      for (int i = 0; i < n; i++) {
        if (degree[i] == 0) {
          next[i] += trust[i]; // an isolated node keeps what it has
          continue;
        }
        for (int e = undirected.start(i); e < undirected.end(i); e++) {
          next[undirected.target(e)] += trust[i] * undirected.weight(e) / degree[i];
        }
      }
      trust = next;
    }
    return new double[][] {trust, degree};
  }
}
