package io.truststram.explain.attention;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;

/**
 * Attention rollout and attention flow (Abnar and Zuidema, "Quantifying Attention Flow in
 * Transformers", ACL 2020), from attention weights {@code [layer][head][query token][key token]},
 * each query's row summing to 1 (softmax outputs, as a transformer returns them with {@code
 * output_attentions}).
 *
 * <p>The heads of a layer are fused (their mean by default, as the paper), and the residual
 * connection is accounted for as the paper does: Ã = 0.5 A + 0.5 I, rows renormalised.
 * <b>Rollout</b> multiplies the layers: R = Ã_L ⋯ Ã_1, so R[i][j] is how much output token i draws
 * on input token j. <b>Flow</b> treats the layers as a network whose edge from token j at layer l −
 * 1 to token i at layer l has capacity Ã_l[i][j], and gives each (output, input) pair the maximum
 * flow between them (by Dinic's algorithm), each output's row normalised to sum to 1 as the paper's
 * code does.
 */
public final class AttentionMaps {

  /** The most tokens rollout accepts. */
  public static final int MAX_TOKENS = 4_096;

  /** The most tokens flow accepts: it solves one maximum-flow problem per (output, input) pair. */
  public static final int MAX_FLOW_TOKENS = 128;

  /** The most layers either accepts. */
  public static final int MAX_LAYERS = 256;

  private AttentionMaps() {}

  /** How a layer's heads become one matrix. */
  public enum HeadFusion {
    MEAN,
    MAX,
    MIN;

    /** The fusion named {@code id}: {@code mean}, {@code max} or {@code min}. */
    public static HeadFusion of(String id) {
      for (HeadFusion fusion : values()) {
        if (fusion.name().toLowerCase(Locale.ROOT).equals(id)) {
          return fusion;
        }
      }
      throw new IllegalArgumentException("heads are fused by mean, max or min, not '" + id + "'");
    }
  }

  /**
   * The rollout: {@code [output token][input token]}, each row summing to 1.
   *
   * @throws IllegalArgumentException for an empty, ragged, oversize or non-stochastic input
   */
  public static double[][] rollout(double[][][][] attentions, HeadFusion fusion) {
    double[][][] layers = prepare(attentions, fusion, MAX_TOKENS);
    int n = layers[0].length;
    double[][] r = layers[0];
    for (int l = 1; l < layers.length; l++) {
      double[][] a = layers[l];
      double[][] next = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          double aik = a[i][k];
          if (aik != 0) {
            for (int j = 0; j < n; j++) {
              next[i][j] += aik * r[k][j];
            }
          }
        }
      }
      r = next;
    }
    return r;
  }

  /**
   * The flow: {@code [output token][input token]}, each row normalised to sum to 1, for every
   * output token.
   *
   * @throws IllegalArgumentException as {@link #rollout}, and for more than {@link
   *     #MAX_FLOW_TOKENS} tokens
   */
  public static double[][] flow(double[][][][] attentions, HeadFusion fusion) {
    double[][][] layers = prepare(attentions, fusion, MAX_FLOW_TOKENS);
    int layerCount = layers.length;
    int n = layers[0].length;
    Network network = new Network((layerCount + 1) * n);
    for (int l = 1; l <= layerCount; l++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double capacity = layers[l - 1][i][j];
          if (capacity > 0) {
            network.add((l - 1) * n + j, l * n + i, capacity);
          }
        }
      }
    }
    network.seal();
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int j = 0; j < n; j++) {
        out[i][j] = network.maxFlow(j, layerCount * n + i);
        sum += out[i][j];
      }
      if (sum > 0) {
        for (int j = 0; j < n; j++) {
          out[i][j] /= sum;
        }
      }
    }
    return out;
  }

  /** Checks the weights, fuses the heads and adds the residual: one n × n matrix per layer. */
  private static double[][][] prepare(double[][][][] attentions, HeadFusion fusion, int maxTokens) {
    if (attentions.length == 0 || attentions.length > MAX_LAYERS) {
      throw new IllegalArgumentException("attention comes in 1 to " + MAX_LAYERS + " layers");
    }
    if (attentions[0].length == 0 || attentions[0][0].length == 0) {
      throw new IllegalArgumentException("a layer has at least one head and one token");
    }
    int n = attentions[0][0].length;
    if (n > maxTokens) {
      throw new IllegalArgumentException(n + " tokens: at most " + maxTokens + " for this method");
    }
    double[][][] out = new double[attentions.length][n][n];
    for (int l = 0; l < attentions.length; l++) {
      double[][][] heads = attentions[l];
      if (heads.length == 0) {
        throw new IllegalArgumentException("layer " + l + " has no heads");
      }
      double[][] fused = out[l];
      for (int h = 0; h < heads.length; h++) {
        double[][] a = heads[h];
        if (a.length != n) {
          throw new IllegalArgumentException(
              "layer " + l + " head " + h + " has " + a.length + " rows, not " + n);
        }
        for (int i = 0; i < n; i++) {
          if (a[i].length != n) {
            throw new IllegalArgumentException(
                "layer " + l + " head " + h + " row " + i + " has " + a[i].length + " values");
          }
          double sum = 0;
          for (int j = 0; j < n; j++) {
            double v = a[i][j];
            if (!(v >= 0) || Double.isInfinite(v)) {
              throw new IllegalArgumentException(
                  "attention weights are finite and not negative (layer " + l + " head " + h + ")");
            }
            sum += v;
            fused[i][j] =
                h == 0
                    ? v
                    : switch (fusion) {
                      case MEAN -> fused[i][j] + v;
                      case MAX -> Math.max(fused[i][j], v);
                      case MIN -> Math.min(fused[i][j], v);
                    };
          }
          if (Math.abs(sum - 1) > 1e-3) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "layer %d head %d row %d sums to %.4f: attention rows are softmax outputs"
                        + " summing to 1",
                    l,
                    h,
                    i,
                    sum));
          }
        }
      }
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
          if (fusion == HeadFusion.MEAN) {
            fused[i][j] /= heads.length;
          }
          fused[i][j] = 0.5 * fused[i][j] + (i == j ? 0.5 : 0);
          sum += fused[i][j];
        }
        for (int j = 0; j < n; j++) {
          fused[i][j] /= sum;
        }
      }
    }
    return out;
  }

  /** A flow network solved by Dinic's algorithm; capacities kept, flows reset per query. */
  private static final class Network {
    private final int nodes;
    private int[] head;
    private int[] next = new int[16];
    private int[] to = new int[16];
    private double[] capacity = new double[16];
    private double[] flow = new double[0];
    private int edges;
    private final int[] level;
    private final int[] cursor;

    Network(int nodes) {
      this.nodes = nodes;
      this.head = new int[nodes];
      Arrays.fill(head, -1);
      this.level = new int[nodes];
      this.cursor = new int[nodes];
    }

    void add(int from, int into, double c) {
      edge(from, into, c);
      edge(into, from, 0);
    }

    private void edge(int from, int into, double c) {
      if (edges == to.length) {
        next = Arrays.copyOf(next, edges * 2);
        to = Arrays.copyOf(to, edges * 2);
        capacity = Arrays.copyOf(capacity, edges * 2);
      }
      to[edges] = into;
      capacity[edges] = c;
      next[edges] = head[from];
      head[from] = edges++;
    }

    void seal() {
      flow = new double[edges];
    }

    double maxFlow(int source, int sink) {
      Arrays.fill(flow, 0);
      double total = 0;
      while (levels(source, sink)) {
        System.arraycopy(head, 0, cursor, 0, nodes);
        double pushed;
        while ((pushed = push(source, sink, Double.POSITIVE_INFINITY)) > 1e-15) {
          total += pushed;
        }
      }
      return total;
    }

    private boolean levels(int source, int sink) {
      Arrays.fill(level, -1);
      level[source] = 0;
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      queue.add(source);
      while (!queue.isEmpty()) {
        int u = queue.poll();
        for (int e = head[u]; e >= 0; e = next[e]) {
          if (level[to[e]] < 0 && capacity[e] - flow[e] > 1e-15) {
            level[to[e]] = level[u] + 1;
            queue.add(to[e]);
          }
        }
      }
      return level[sink] >= 0;
    }

    private double push(int u, int sink, double limit) {
      if (u == sink) {
        return limit;
      }
      for (; cursor[u] >= 0; cursor[u] = next[cursor[u]]) {
        int e = cursor[u];
        int v = to[e];
        double room = capacity[e] - flow[e];
        if (room > 1e-15 && level[v] == level[u] + 1) {
          double pushed = push(v, sink, Math.min(limit, room));
          if (pushed > 0) {
            flow[e] += pushed;
            flow[e ^ 1] -= pushed;
            return pushed;
          }
        }
      }
      return 0;
    }
  }
}
