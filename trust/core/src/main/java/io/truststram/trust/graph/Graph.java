package io.truststram.trust.graph;

import java.util.Arrays;

/**
 * A directed, weighted graph of {@code n} nodes in compressed-sparse-row form: node i's out-edges
 * are {@code targets[offsets[i] .. offsets[i + 1])} with their {@code weights}, sorted by target,
 * one edge per pair (parallel edges are summed when built). Immutable; safe to share. Memory is
 * about 12 bytes per edge, so ten million edges take some 120 MB.
 */
public final class Graph {

  private final int nodes;
  private final int[] offsets;
  private final int[] targets;
  private final double[] weights;

  private Graph(int nodes, int[] offsets, int[] targets, double[] weights) {
    this.nodes = nodes;
    this.offsets = offsets;
    this.targets = targets;
    this.weights = weights;
  }

  public int nodes() {
    return nodes;
  }

  public long edges() {
    return targets.length;
  }

  /** The index of node {@code node}'s first out-edge; its last is {@code end(node) − 1}. */
  public int start(int node) {
    return offsets[node];
  }

  public int end(int node) {
    return offsets[node + 1];
  }

  public int target(int edge) {
    return targets[edge];
  }

  public double weight(int edge) {
    return weights[edge];
  }

  /** The weight of the edge from {@code source} to {@code target}, or 0 when there is none. */
  public double weight(int source, int target) {
    int at = Arrays.binarySearch(targets, offsets[source], offsets[source + 1], target);
    return at >= 0 ? weights[at] : 0;
  }

  /**
   * The graph with every edge reversed, in O(nodes + edges): a counting sort by target, whose rows
   * come out sorted because the sources are visited in order.
   */
  public Graph transpose() {
    int[] t = new int[nodes + 1];
    for (int target : targets) {
      t[target + 1]++;
    }
    for (int i = 0; i < nodes; i++) {
      t[i + 1] += t[i];
    }
    int[] cursor = Arrays.copyOf(t, nodes);
    int[] sources = new int[targets.length];
    double[] w = new double[targets.length];
    for (int i = 0; i < nodes; i++) {
      for (int e = offsets[i]; e < offsets[i + 1]; e++) {
        int at = cursor[targets[e]]++;
        sources[at] = i;
        w[at] = weights[e];
      }
    }
    return new Graph(nodes, t, sources, w);
  }

  /**
   * The graph with each edge's weight replaced by {@code weight.apply(source, edge)}, edges whose
   * new weight is 0 dropped, in O(nodes + edges).
   */
  public Graph reweigh(EdgeWeight weight) {
    int[] o = new int[nodes + 1];
    int[] t = new int[targets.length];
    double[] w = new double[targets.length];
    int write = 0;
    for (int i = 0; i < nodes; i++) {
      o[i] = write;
      for (int e = offsets[i]; e < offsets[i + 1]; e++) {
        double v = weight.apply(i, e);
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("a new weight is not finite");
        }
        if (v != 0) {
          t[write] = targets[e];
          w[write] = v;
          write++;
        }
      }
    }
    o[nodes] = write;
    return new Graph(nodes, o, Arrays.copyOf(t, write), Arrays.copyOf(w, write));
  }

  /** A new weight for an edge of a row. */
  @FunctionalInterface
  public interface EdgeWeight {
    double apply(int source, int edge);
  }

  /** The graph with each edge also in the other direction, weights summed: its undirected form. */
  public Graph symmetric() {
    Builder builder = new Builder(nodes, 2L * targets.length);
    for (int i = 0; i < nodes; i++) {
      for (int e = offsets[i]; e < offsets[i + 1]; e++) {
        builder.add(i, targets[e], weights[e]);
        builder.add(targets[e], i, weights[e]);
      }
    }
    return builder.build();
  }

  /**
   * Collects edges and builds the graph: O(edges) memory while collecting, a counting sort by
   * source then a sort of each row by target.
   */
  public static final class Builder {
    private final int nodes;
    private int[] sources;
    private int[] targets;
    private double[] weights;
    private int size;

    /** A builder of a graph of {@code nodes} nodes, room for {@code expectedEdges} to start. */
    public Builder(int nodes, long expectedEdges) {
      if (nodes < 0) {
        throw new IllegalArgumentException("a graph has no fewer than 0 nodes");
      }
      if (expectedEdges > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("at most 2^31 − 9 edges");
      }
      this.nodes = nodes;
      int room = (int) Math.max(16, expectedEdges);
      this.sources = new int[room];
      this.targets = new int[room];
      this.weights = new double[room];
    }

    /**
     * Adds an edge.
     *
     * @throws IllegalArgumentException for a node out of range, a self-loop, or a weight that is
     *     not finite
     */
    public Builder add(int source, int target, double weight) {
      if (source < 0 || source >= nodes || target < 0 || target >= nodes) {
        throw new IllegalArgumentException(
            "an edge " + source + " -> " + target + " names a node outside 0.." + (nodes - 1));
      }
      if (source == target) {
        throw new IllegalArgumentException(
            "a self-loop at node " + source + ": no one rates itself");
      }
      if (!Double.isFinite(weight)) {
        throw new IllegalArgumentException(
            "the edge " + source + " -> " + target + " has a weight that is not finite");
      }
      if (size == sources.length) {
        int grown = (int) Math.min(Integer.MAX_VALUE - 8L, sources.length * 2L);
        if (grown == size) {
          throw new IllegalArgumentException("at most 2^31 − 9 edges");
        }
        sources = Arrays.copyOf(sources, grown);
        targets = Arrays.copyOf(targets, grown);
        weights = Arrays.copyOf(weights, grown);
      }
      sources[size] = source;
      targets[size] = target;
      weights[size] = weight;
      size++;
      return this;
    }

    public Graph build() {
      int[] offsets = new int[nodes + 1];
      for (int e = 0; e < size; e++) {
        offsets[sources[e] + 1]++;
      }
      for (int i = 0; i < nodes; i++) {
        offsets[i + 1] += offsets[i];
      }
      int[] cursor = Arrays.copyOf(offsets, nodes);
      int[] t = new int[size];
      double[] w = new double[size];
      for (int e = 0; e < size; e++) {
        int at = cursor[sources[e]]++;
        t[at] = targets[e];
        w[at] = weights[e];
      }
      // Sort each row by target and sum parallel edges.
      int[] compactOffsets = new int[nodes + 1];
      int write = 0;
      long[] keys = new long[0];
      for (int i = 0; i < nodes; i++) {
        int from = offsets[i];
        int to = offsets[i + 1];
        int length = to - from;
        if (keys.length < length) {
          keys = new long[Math.max(length, keys.length * 2)];
        }
        for (int k = 0; k < length; k++) {
          keys[k] = ((long) t[from + k] << 32) | k;
        }
        Arrays.sort(keys, 0, length);
        double[] rowWeights = Arrays.copyOfRange(w, from, to);
        compactOffsets[i] = write;
        int previous = -1;
        for (int k = 0; k < length; k++) {
          int target = (int) (keys[k] >>> 32);
          double weight = rowWeights[(int) keys[k]];
          if (target == previous) {
            w[write - 1] += weight;
          } else {
            t[write] = target;
            w[write] = weight;
            write++;
            previous = target;
          }
        }
      }
      compactOffsets[nodes] = write;
      return new Graph(nodes, compactOffsets, Arrays.copyOf(t, write), Arrays.copyOf(w, write));
    }
  }
}
