package io.truststram.bench;

import io.truststram.trust.graph.EigenTrust;
import io.truststram.trust.graph.Graph;
import io.truststram.trust.graph.PageRank;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Trust scoring's speed (bench/trust/measure.sh), one JSON line per measurement.
 *
 * <ul>
 *   <li>{@code eigen NODES EDGES}: EigenTrust on a random graph whose out-degrees and targets
 *       follow a heavy tail (preferential choice of popular targets): time per iteration, the bytes
 *       one iteration moves, and that as a share of this machine's memory bandwidth measured in the
 *       same run (a STREAM triad over both cores); iterations to 1e-10; then a batch of 1,000 new
 *       ratings: rebuilding the graph and iterating again from the old scores.
 *   <li>{@code write NODES EDGES FILE}: writes such a graph as a CSV edge list, for networkx.
 *   <li>{@code pagerank FILE OUT}: PageRank (networkx's semantics) of the edge list, personalised
 *       on nodes 0..9, median time of 5, the scores written to OUT for comparison.
 * </ul>
 */
public final class TrustSpeed {

  private TrustSpeed() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "eigen" -> eigen(Integer.parseInt(args[1]), Long.parseLong(args[2]));
      case "write" -> write(Integer.parseInt(args[1]), Long.parseLong(args[2]), Path.of(args[3]));
      case "pagerank" -> pageRank(Path.of(args[1]), Path.of(args[2]));
      default -> throw new IllegalArgumentException("eigen, write or pagerank");
    }
  }

  /** A random graph with heavy-tailed in-degrees: targets drawn by a power of a uniform. */
  static Graph graph(int nodes, long edges, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Graph.Builder builder = new Graph.Builder(nodes, edges);
    for (long e = 0; e < edges; e++) {
      int source = random.nextInt(nodes);
      int target = (int) (nodes * Math.pow(random.nextDouble(), 2.5));
      if (target == source) {
        target = (target + 1) % nodes;
      }
      builder.add(source, target, 1 + random.nextInt(5));
    }
    return builder.build();
  }

  private static void eigen(int nodes, long edges) {
    long start = System.nanoTime();
    Graph local = graph(nodes, edges, 1);
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    Graph normalised = EigenTrust.normalise(local);
    Graph incoming = normalised.transpose();
    boolean[] dangling = new boolean[nodes];
    for (int i = 0; i < nodes; i++) {
      dangling[i] = normalised.start(i) == normalised.end(i);
    }
    double[] p = EigenTrust.pretrusted(nodes, IntStream.range(0, 100).toArray());
    // Warm up the JIT on a few iterations, then time the run to convergence.
    EigenTrust.iterate(incoming, dangling, p, null, new EigenTrust.Options(0.15, 1e-3, 1_000));
    start = System.nanoTime();
    EigenTrust.Result result =
        EigenTrust.iterate(incoming, dangling, p, null, new EigenTrust.Options(0.15, 1e-10, 1_000));
    double seconds = (System.nanoTime() - start) / 1e9;
    double perIteration = seconds / result.iterations();
    // Bytes an iteration reads and writes: per edge a target (4) and a weight (8) streamed and a
    // score gathered (8); per node an offset (4), p (8), the old and new score (16), dangling (1).
    double bytes = local.edges() * 20.0 + nodes * 29.0;
    double bandwidth = triad();
    // A batch of 1,000 new ratings: rebuild, then iterate from the old scores.
    SplittableRandom random = new SplittableRandom(9);
    start = System.nanoTime();
    Graph.Builder builder = new Graph.Builder(nodes, local.edges() + 1_000);
    for (int i = 0; i < nodes; i++) {
      for (int e = local.start(i); e < local.end(i); e++) {
        builder.add(i, local.target(e), local.weight(e));
      }
    }
    for (int k = 0; k < 1_000; k++) {
      int a = random.nextInt(nodes);
      builder.add(a, (a + 1 + random.nextInt(nodes - 1)) % nodes, 1 + random.nextInt(5));
    }
    Graph updated = builder.build();
    double rebuild = (System.nanoTime() - start) / 1e9;
    long iterateStart = System.nanoTime();
    EigenTrust.Result warm =
        EigenTrust.compute(
            updated,
            IntStream.range(0, 100).toArray(),
            result.scores(),
            new EigenTrust.Options(0.15, 1e-10, 1_000));
    double warmSeconds = (System.nanoTime() - iterateStart) / 1e9;
    EigenTrust.Result cold =
        EigenTrust.compute(
            updated,
            IntStream.range(0, 100).toArray(),
            null,
            new EigenTrust.Options(0.15, 1e-10, 1_000));
    System.out.printf(
        "{\"bench\":\"eigentrust\",\"nodes\":%d,\"edges\":%d,\"buildSeconds\":%.2f,"
            + "\"iterations\":%d,\"secondsPerIteration\":%.4f,\"bytesPerIteration\":%.0f,"
            + "\"achievedGBps\":%.2f,\"triadGBps\":%.2f,\"bandwidthShare\":%.3f,"
            + "\"updateRebuildSeconds\":%.2f,\"updateIterateSeconds\":%.2f,"
            + "\"updateIterationsWarm\":%d,\"updateIterationsCold\":%d,\"cores\":%d}%n",
        nodes,
        local.edges(),
        buildSeconds,
        result.iterations(),
        perIteration,
        bytes,
        bytes / perIteration / 1e9,
        bandwidth / 1e9,
        bytes / perIteration / bandwidth,
        rebuild,
        warmSeconds,
        warm.iterations(),
        cold.iterations(),
        Runtime.getRuntime().availableProcessors());
  }

  /** STREAM's triad a = b + s c over 3 × 400 MB (beyond any cache), both cores: the best of 10. */
  private static double triad() {
    int n = 50_000_000;
    double[] a = new double[n];
    double[] b = new double[n];
    double[] c = new double[n];
    Arrays.fill(b, 1);
    Arrays.fill(c, 2);
    int parts = Runtime.getRuntime().availableProcessors() * 4;
    double best = Double.POSITIVE_INFINITY;
    for (int round = 0; round < 10; round++) {
      long start = System.nanoTime();
      IntStream.range(0, parts)
          .parallel()
          .forEach(
              part -> {
                int from = (int) ((long) n * part / parts);
                int to = (int) ((long) n * (part + 1) / parts);
                for (int i = from; i < to; i++) {
                  a[i] = b[i] + 3.0 * c[i];
                }
              });
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    if (a[n / 2] != 7.0) {
      throw new IllegalStateException("the triad went wrong");
    }
    return 3.0 * 8 * n / best;
  }

  private static void write(int nodes, long edges, Path file) throws Exception {
    Graph graph = graph(nodes, edges, 2);
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      for (int i = 0; i < graph.nodes(); i++) {
        for (int e = graph.start(i); e < graph.end(i); e++) {
          out.write(i + "," + graph.target(e) + "," + (long) graph.weight(e) + "\n");
        }
      }
    }
  }

  private static void pageRank(Path file, Path out) throws Exception {
    List<String> lines = Files.readAllLines(file);
    int nodes = 0;
    int[][] edges = new int[lines.size()][3];
    for (int k = 0; k < lines.size(); k++) {
      String[] f = lines.get(k).split(",");
      edges[k] = new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2])};
      nodes = Math.max(nodes, Math.max(edges[k][0], edges[k][1]) + 1);
    }
    double[] personalization = new double[nodes];
    Arrays.fill(personalization, 0, 10, 1);
    double[] times = new double[5];
    double[] scores = null;
    for (int run = 0; run < 6; run++) {
      long start = System.nanoTime();
      Graph.Builder builder = new Graph.Builder(nodes, edges.length);
      for (int[] e : edges) {
        builder.add(e[0], e[1], e[2]);
      }
      scores = PageRank.compute(builder.build(), 0.85, personalization, 1e-10, 1_000);
      if (run > 0) {
        times[run - 1] = (System.nanoTime() - start) / 1e9;
      }
    }
    Arrays.sort(times);
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      for (int i = 0; i < scores.length; i++) {
        w.write(i + "," + scores[i] + "\n");
      }
    }
    System.out.printf(
        "{\"bench\":\"pagerank-java\",\"nodes\":%d,\"edges\":%d,\"seconds\":%.4f}%n",
        nodes, edges.length, times[2]);
  }
}
