package io.truststram.trust.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * EigenTrust (Kamvar, Schlosser and Garcia-Molina, WWW 2003): the global trust vector t, the
 * stationary point of t = (1 − a) Cᵀ t + a p, where C is the local trust normalised by row, c_ij =
 * max(s_ij, 0) / Σ_j max(s_ij, 0) (a row with nothing positive is p itself: who trusts no one
 * defers to the pre-trusted), and p the pre-trusted distribution (uniform over every node when no
 * one is pre-trusted). Power iteration from p, or from a previous t (an incremental update after
 * new evidence), until the L1 change falls below the tolerance. Each iteration is one pass over the
 * edges, split over the cores by target ranges of the transposed graph.
 */
public final class EigenTrust {

  private EigenTrust() {}

  /**
   * The settings.
   *
   * @param alpha the weight a of the pre-trusted distribution (0.15 by default: PageRank's 0.85
   *     damping)
   * @param tolerance the L1 change between iterations at which to stop
   * @param maxIterations the most iterations
   */
  public record Options(double alpha, double tolerance, int maxIterations) {
    public static final Options DEFAULT = new Options(0.15, 1e-10, 1_000);

    public Options {
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new IllegalArgumentException("alpha lies in [0, 1], not " + alpha);
      }
      if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
        throw new IllegalArgumentException("the tolerance is positive, not " + tolerance);
      }
      if (maxIterations < 1 || maxIterations > 1_000_000) {
        throw new IllegalArgumentException("iterations lie in 1..1,000,000");
      }
    }
  }

  /**
   * The global trust.
   *
   * @param scores per node, its trust; they sum to 1
   * @param iterations the iterations run
   * @param change the last iteration's L1 change
   */
  public record Result(double[] scores, int iterations, double change) {}

  /**
   * The row-normalised local trust: the graph's positive weights, each row summing to 1 (rows with
   * nothing positive are left empty: they follow the pre-trusted distribution).
   */
  public static Graph normalise(Graph local) {
    double[] sums = new double[local.nodes()];
    for (int i = 0; i < local.nodes(); i++) {
      for (int e = local.start(i); e < local.end(i); e++) {
        sums[i] += Math.max(local.weight(e), 0);
      }
    }
    return local.reweigh(
        (source, edge) -> {
          double w = local.weight(edge);
          return w > 0 ? w / sums[source] : 0;
        });
  }

  /**
   * The pre-trusted distribution: uniform over {@code pretrusted}, or over every node when it is
   * empty.
   *
   * @throws IllegalArgumentException for a node out of range
   */
  public static double[] pretrusted(int nodes, int[] pretrusted) {
    double[] p = new double[nodes];
    if (pretrusted.length == 0) {
      java.util.Arrays.fill(p, nodes == 0 ? 0 : 1.0 / nodes);
      return p;
    }
    for (int node : pretrusted) {
      if (node < 0 || node >= nodes) {
        throw new IllegalArgumentException("pre-trusted node " + node + " is not in the graph");
      }
      p[node] = 1;
    }
    double count = java.util.Arrays.stream(p).sum();
    for (int i = 0; i < nodes; i++) {
      p[i] /= count;
    }
    return p;
  }

  /**
   * Iterates from {@code initial} (null: from p) on the transposed normalised graph {@code
   * incoming} (from {@link #normalise} then {@link Graph#transpose}).
   *
   * @param dangling per node, whether its row of C is empty (it then gives its trust as p does)
   * @throws IllegalArgumentException when p does not sum to 1, or the iteration does not converge
   *     (a periodic graph with alpha 0)
   */
  public static Result iterate(
      Graph incoming,
      boolean[] dangling,
      double[] p,
      double @Nullable [] initial,
      Options options) {
    int n = incoming.nodes();
    if (p.length != n || dangling.length != n) {
      throw new IllegalArgumentException("p and dangling have one value per node");
    }
    double total = 0;
    for (double v : p) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException("p is a distribution: no negative or NaN values");
      }
      total += v;
    }
    if (n > 0 && Math.abs(total - 1) > 1e-9) {
      throw new IllegalArgumentException("p sums to " + total + ", not 1");
    }
    double[] t = initial == null ? p.clone() : normalised(initial, p);
    double[] next = new double[n];
    double a = options.alpha();
    int[] chunks = chunks(incoming);
    for (int iteration = 1; iteration <= options.maxIterations(); iteration++) {
      double danglingMass = 0;
      for (int i = 0; i < n; i++) {
        if (dangling[i]) {
          danglingMass += t[i];
        }
      }
      double spread = danglingMass;
      double[] current = t;
      double[] into = next;
      IntStream.range(0, chunks.length - 1)
          .parallel()
          .forEach(
              c -> {
                for (int j = chunks[c]; j < chunks[c + 1]; j++) {
                  double sum = 0;
                  for (int e = incoming.start(j); e < incoming.end(j); e++) {
                    sum += incoming.weight(e) * current[incoming.target(e)];
                  }
                  into[j] = (1 - a) * (sum + spread * p[j]) + a * p[j];
                }
              });
      double change = 0;
      for (int j = 0; j < n; j++) {
        change += Math.abs(next[j] - t[j]);
      }
      double[] swap = t;
      t = next;
      next = swap;
      if (change < options.tolerance()) {
        return new Result(t, iteration, change);
      }
    }
    throw new IllegalArgumentException(
        "EigenTrust did not converge in "
            + options.maxIterations()
            + " iterations: a periodic graph needs alpha above 0 (or pre-trusted nodes to"
            + " return to)");
  }

  /**
   * EigenTrust of a graph of local trust values s_ij.
   *
   * @param pretrusted the pre-trusted nodes (none: uniform p)
   */
  public static Result compute(
      Graph local, int[] pretrusted, double @Nullable [] initial, Options options) {
    return compute(Prepared.of(local), pretrusted, initial, options);
  }

  /** EigenTrust of a graph already normalised and transposed ({@link Prepared#of}). */
  public static Result compute(
      Prepared prepared, int[] pretrusted, double @Nullable [] initial, Options options) {
    return iterate(
        prepared.incoming(),
        prepared.dangling(),
        pretrusted(prepared.nodes(), pretrusted),
        initial,
        options);
  }

  /**
   * The local trust as iteration, explanations and paths read it: normalised by row ({@link
   * #normalise}) and transposed, so that each node's edges are the trust it receives, with the rows
   * that had nothing positive to give (dangling: they give as p does). Kept with a computation, it
   * explains its scores without rebuilding the graph.
   *
   * @param incoming the transposed normalised graph: node j's edges are its c_ij
   * @param dangling per node, whether its row of C is empty
   */
  public record Prepared(Graph incoming, boolean[] dangling) {

    /** Prepared from a graph of local trust values s_ij. */
    public static Prepared of(Graph local) {
      return ofNormalised(normalise(local));
    }

    /** Prepared from a graph already normalised by row. */
    public static Prepared ofNormalised(Graph normalised) {
      boolean[] dangling = new boolean[normalised.nodes()];
      for (int i = 0; i < dangling.length; i++) {
        dangling[i] = normalised.start(i) == normalised.end(i);
      }
      return new Prepared(normalised.transpose(), dangling);
    }

    public int nodes() {
      return incoming.nodes();
    }

    /** The trust the dangling rows hold, which they give out as p does. */
    double danglingMass(double[] t) {
      double mass = 0;
      for (int i = 0; i < dangling.length; i++) {
        if (dangling[i]) {
          mass += t[i];
        }
      }
      return mass;
    }
  }

  /** Target ranges of about equal edge counts, a few per core. */
  private static int[] chunks(Graph incoming) {
    int n = incoming.nodes();
    int parts = Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors() * 4));
    long per = Math.max(1, (incoming.edges() + n) / parts);
    List<Integer> bounds = new ArrayList<>();
    bounds.add(0);
    long load = 0;
    for (int j = 0; j < n; j++) {
      load += incoming.end(j) - incoming.start(j) + 1;
      if (load >= per && j + 1 < n) {
        bounds.add(j + 1);
        load = 0;
      }
    }
    bounds.add(n);
    return bounds.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[] normalised(double[] initial, double[] p) {
    if (initial.length != p.length) {
      throw new IllegalArgumentException("the initial vector has one value per node");
    }
    double sum = 0;
    for (double v : initial) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("initial trust is finite and not negative");
      }
      sum += v;
    }
    if (sum == 0) {
      return p.clone();
    }
    double[] out = new double[initial.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = initial[i] / sum;
    }
    return out;
  }

  /** One source of a node's trust. */
  public record Contribution(int source, double amount) {}

  /**
   * Why node {@code node} has its trust: the pre-trusted share (a p_j, plus what dangling nodes
   * give) and each in-neighbour's (1 − a) c_ij t_i, largest first; they add up to t_j.
   *
   * @param normalised the row-normalised graph ({@link #normalise})
   * @return the sources, the pre-trusted share as source −1
   */
  public static List<Contribution> explain(
      Graph normalised, double[] p, Result result, double alpha, int node, int top) {
    return explain(Prepared.ofNormalised(normalised), p, result, alpha, node, top);
  }

  /** As {@link #explain(Graph, double[], Result, double, int, int)}, on a prepared graph. */
  public static List<Contribution> explain(
      Prepared prepared, double[] p, Result result, double alpha, int node, int top) {
    double[] t = result.scores();
    double danglingMass = prepared.danglingMass(t);
    List<Contribution> out = new ArrayList<>();
    out.add(new Contribution(-1, alpha * p[node] + (1 - alpha) * danglingMass * p[node]));
    Graph incoming = prepared.incoming();
    for (int e = incoming.start(node); e < incoming.end(node); e++) {
      int source = incoming.target(e);
      out.add(new Contribution(source, (1 - alpha) * incoming.weight(e) * t[source]));
    }
    out.sort(Comparator.comparingDouble((Contribution c) -> -c.amount()));
    return out.subList(0, Math.min(out.size(), Math.max(1, top)));
  }

  /**
   * One way trust reaches a node: a path of nodes (the first a source of trust, the last the node
   * explained) and the trust that flows along it.
   */
  public record Path(List<Integer> nodes, double amount) {
    public Path {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * The paths along which most of node {@code node}'s trust arrives. The fixed point unrolls into t
   * = Σ_k ((1 − a) Cᵀ)^k q, q = a p + (1 − a) (dangling mass) p: trust starts at the pre-trusted
   * (q) and flows along edges, keeping (1 − a) c_ij of itself at each step. A path s → … → j
   * carries q_s Π (1 − a) c along it; the paths of every length add up to t_j. This searches
   * backwards from the node, best first, for the {@code top} largest of length at most {@code
   * maxLength}.
   *
   * @param normalised the row-normalised graph ({@link #normalise})
   */
  public static List<Path> paths(
      Graph normalised, double[] p, Result result, double alpha, int node, int maxLength, int top) {
    return paths(Prepared.ofNormalised(normalised), p, result, alpha, node, maxLength, top);
  }

  /** As {@link #paths(Graph, double[], Result, double, int, int, int)}, on a prepared graph. */
  public static List<Path> paths(
      Prepared prepared,
      double[] p,
      Result result,
      double alpha,
      int node,
      int maxLength,
      int top) {
    int n = prepared.nodes();
    if (node < 0 || node >= n) {
      throw new IllegalArgumentException("node " + node + " is not in the graph");
    }
    if (maxLength < 0 || maxLength > 64 || top < 1 || top > 1_000) {
      throw new IllegalArgumentException("path length lies in 0..64 and top in 1..1,000");
    }
    double danglingMass = prepared.danglingMass(result.scores());
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = alpha * p[i] + (1 - alpha) * danglingMass * p[i];
    }
    double qMax = java.util.Arrays.stream(q).max().orElse(0);
    Graph incoming = prepared.incoming();
    // A partial path, from its current start back to the node: its factor Π (1 − a) c.
    record Partial(int[] nodes, double factor) {}
    java.util.PriorityQueue<Partial> frontier =
        new java.util.PriorityQueue<>(Comparator.comparingDouble((Partial x) -> -x.factor()));
    frontier.add(new Partial(new int[] {node}, 1));
    java.util.PriorityQueue<Path> best =
        new java.util.PriorityQueue<>(Comparator.comparingDouble(Path::amount));
    int expanded = 0;
    while (!frontier.isEmpty() && expanded < 200_000) {
      Partial partial = frontier.poll();
      expanded++;
      if (best.size() == top && partial.factor() * qMax <= best.peek().amount()) {
        break; // nothing left can beat the paths kept
      }
      int start = partial.nodes()[0];
      if (q[start] > 0) {
        List<Integer> nodes = new ArrayList<>();
        for (int v : partial.nodes()) {
          nodes.add(v);
        }
        best.add(new Path(nodes, q[start] * partial.factor()));
        if (best.size() > top) {
          best.poll();
        }
      }
      if (partial.nodes().length > maxLength) {
        continue;
      }
      for (int e = incoming.start(start); e < incoming.end(start); e++) {
        int[] longer = new int[partial.nodes().length + 1];
        longer[0] = incoming.target(e);
        System.arraycopy(partial.nodes(), 0, longer, 1, partial.nodes().length);
        frontier.add(new Partial(longer, partial.factor() * (1 - alpha) * incoming.weight(e)));
      }
    }
    List<Path> out = new ArrayList<>(best);
    out.sort(Comparator.comparingDouble((Path x) -> -x.amount()));
    return out;
  }
}
