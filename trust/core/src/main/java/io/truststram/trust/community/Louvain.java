package io.truststram.trust.community;

import io.truststram.trust.graph.Graph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Communities by the Louvain method (Blondel, Guillaume, Lambiotte and Lefebvre, J. Stat. Mech.
 * 2008): each node moves to the neighbouring community that most increases modularity, in a random
 * order, until no move helps; the communities then become the nodes of a smaller graph, and so on
 * until nothing changes. Each pass is a level of the hierarchy: the finest first, the coarsest
 * (highest modularity) last. The graph is taken as undirected (weights of both directions summed);
 * weights must not be negative.
 */
public final class Louvain {

  private Louvain() {}

  /**
   * The hierarchy.
   *
   * @param levels per level, each node's community (numbered 0..k−1); the last is the best
   * @param modularity per level, its modularity
   */
  public record Result(List<int[]> levels, double[] modularity) {

    /** The best (coarsest) partition. */
    public int[] communities() {
      return levels.getLast();
    }

    public double bestModularity() {
      return modularity[modularity.length - 1];
    }
  }

  /**
   * Detects communities.
   *
   * @param resolution the modularity's resolution γ (1 for Newman's modularity)
   * @param seed the seed of the node orders
   * @throws IllegalArgumentException for negative weights or a resolution that is not positive
   */
  public static Result detect(Graph graph, double resolution, long seed) {
    if (!(resolution > 0) || Double.isInfinite(resolution)) {
      throw new IllegalArgumentException("the resolution is positive");
    }
    Graph undirected = graph.symmetric();
    for (int i = 0; i < undirected.nodes(); i++) {
      for (int e = undirected.start(i); e < undirected.end(i); e++) {
        if (undirected.weight(e) < 0) {
          throw new IllegalArgumentException("Louvain takes no negative weights");
        }
      }
    }
    int n = graph.nodes();
    int[] membership = new int[n];
    for (int i = 0; i < n; i++) {
      membership[i] = i;
    }
    List<int[]> levels = new ArrayList<>();
    List<Double> qualities = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(seed);
    Graph current = undirected;
    double[] selfLoops = new double[n];
    while (true) {
      int[] local = movePhase(current, selfLoops, resolution, random);
      int communities = renumber(local);
      boolean merged = communities < current.nodes();
      for (int i = 0; i < n; i++) {
        membership[i] = local[membership[i]];
      }
      if (!merged && !levels.isEmpty()) {
        break;
      }
      levels.add(membership.clone());
      qualities.add(modularity(graph, membership, resolution));
      if (!merged) {
        break;
      }
      // Aggregate: communities become nodes; their internal weight becomes a self-loop.
      double[] loops = new double[communities];
      Graph.Builder builder = new Graph.Builder(communities, current.edges());
      for (int i = 0; i < current.nodes(); i++) {
        loops[local[i]] += selfLoops[i];
        for (int e = current.start(i); e < current.end(i); e++) {
          int a = local[i];
          int b = local[current.target(e)];
          if (a == b) {
            loops[a] += current.weight(e);
          } else {
            builder.add(a, b, current.weight(e));
          }
        }
      }
      current = builder.build();
      selfLoops = loops;
    }
    return new Result(levels, qualities.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Newman's modularity of a partition (with resolution γ), on the undirected form of the graph: Q
   * = Σ_c [ in_c / 2m − γ (tot_c / 2m)² ].
   */
  public static double modularity(Graph graph, int[] communities, double resolution) {
    Graph undirected = graph.symmetric();
    int n = undirected.nodes();
    if (communities.length != n) {
      throw new IllegalArgumentException("one community per node");
    }
    int k = Arrays.stream(communities).max().orElse(-1) + 1;
    double[] inside = new double[k];
    double[] total = new double[k];
    double twiceM = 0;
    for (int i = 0; i < n; i++) {
      for (int e = undirected.start(i); e < undirected.end(i); e++) {
        double w = undirected.weight(e);
        twiceM += w;
        total[communities[i]] += w;
        if (communities[i] == communities[undirected.target(e)]) {
          inside[communities[i]] += w;
        }
      }
    }
    if (twiceM == 0) {
      return 0;
    }
    double q = 0;
    for (int c = 0; c < k; c++) {
      q += inside[c] / twiceM - resolution * (total[c] / twiceM) * (total[c] / twiceM);
    }
    return q;
  }

  /** One level's local moves; returns each node's community. */
  private static int[] movePhase(
      Graph g, double[] selfLoops, double resolution, SplittableRandom random) {
    int n = g.nodes();
    double[] degree = new double[n];
    double twiceM = 0;
    for (int i = 0; i < n; i++) {
      // selfLoops[i]: the weight inside node i counted both ways, as its members' degrees count it.
      degree[i] = selfLoops[i];
      for (int e = g.start(i); e < g.end(i); e++) {
        degree[i] += g.weight(e);
      }
      twiceM += degree[i];
    }
    int[] community = new int[n];
    double[] total = new double[n];
    for (int i = 0; i < n; i++) {
      community[i] = i;
      total[i] = degree[i];
    }
    if (twiceM == 0) {
      return community;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double[] linkTo = new double[n];
    int[] touched = new int[n];
    boolean moved = true;
    while (moved) {
      moved = false;
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      for (int node : order) {
        int count = 0;
        int own = community[node];
        for (int e = g.start(node); e < g.end(node); e++) {
          int c = community[g.target(e)];
          if (linkTo[c] == 0) {
            touched[count++] = c;
          }
          linkTo[c] += g.weight(e);
        }
        total[own] -= degree[node];
        // Gain of joining c, up to a constant: k_i,in(c) − γ tot_c k_i / 2m.
        int best = own;
        double bestGain = linkTo[own] - resolution * total[own] * degree[node] / twiceM;
        for (int t = 0; t < count; t++) {
          int c = touched[t];
          double gain = linkTo[c] - resolution * total[c] * degree[node] / twiceM;
          if (gain > bestGain + 1e-12) {
            bestGain = gain;
            best = c;
          }
        }
        total[best] += degree[node];
        if (best != own) {
          community[node] = best;
          moved = true;
        }
        for (int t = 0; t < count; t++) {
          linkTo[touched[t]] = 0;
        }
        linkTo[own] = 0;
      }
    }
    return community;
  }

  /** Renumbers communities 0..k−1 in order of first appearance; returns k. */
  private static int renumber(int[] community) {
    int[] map = new int[community.length];
    Arrays.fill(map, -1);
    int next = 0;
    for (int i = 0; i < community.length; i++) {
      int c = community[i];
      if (map[c] < 0) {
        map[c] = next++;
      }
      community[i] = map[c];
    }
    return next;
  }
}
