package io.truststram.cli;

import io.truststram.ml.data.CsvTable;
import io.truststram.trust.community.Louvain;
import io.truststram.trust.graph.EigenTrust;
import io.truststram.trust.graph.Graph;
import io.truststram.trust.graph.SybilRank;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram trust}: trust scores of a graph in a CSV file, computed locally (EigenTrust,
 * SybilRank and Louvain communities), and the trust service of the signed-in server ({@link
 * TrustServer}).
 */
@Command(
    name = "trust",
    mixinStandardHelpOptions = true,
    description =
        "Trust scores and communities: of a CSV graph, locally (eigentrust, sybilrank,"
            + " communities), or of your tenant's trust graph on the signed-in server (import,"
            + " compute, score, top, explain, tenant-communities, policy, check).",
    subcommands = {
      TrustCommand.Eigen.class,
      TrustCommand.Sybil.class,
      TrustCommand.Communities.class,
      TrustServer.Import.class,
      TrustServer.Compute.class,
      TrustServer.Score.class,
      TrustServer.Top.class,
      TrustServer.Explain.class,
      TrustServer.Communities.class,
      TrustServer.Policy.class,
      TrustServer.Check.class
    })
final class TrustCommand extends CommandGroup {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The edge file's options and the graph read from it. */
  static final class Edges {
    @Option(
        names = "--edges",
        required = true,
        description =
            "CSV with a header: source,target[,weight] (weight 1 when there is no column). One"
                + " row per rating; repeated pairs add up.")
    Path file;

    /** The entities' ids, in index order. */
    final List<String> ids = new ArrayList<>();

    Graph read(boolean negativeAllowed) throws IOException {
      CsvTable table = ExplainCommand.Shap.table(file, "--edges");
      for (String column : List.of("source", "target")) {
        if (!table.columns().contains(column)) {
          throw new IllegalArgumentException("--edges has no '" + column + "' column");
        }
      }
      String[] sources = table.column("source");
      String[] targets = table.column("target");
      String[] weights = table.columns().contains("weight") ? table.column("weight") : null;
      Map<String, Integer> index = new LinkedHashMap<>();
      int[] a = new int[sources.length];
      int[] b = new int[sources.length];
      double[] w = new double[sources.length];
      for (int r = 0; r < sources.length; r++) {
        String s = sources[r].strip();
        String t = targets[r].strip();
        if (s.isEmpty() || t.isEmpty()) {
          throw new IllegalArgumentException("--edges, row " + (r + 1) + ": an empty id");
        }
        a[r] = index.computeIfAbsent(s, k -> index.size());
        b[r] = index.computeIfAbsent(t, k -> index.size());
        double weight = 1;
        if (weights != null) {
          try {
            weight = Double.parseDouble(weights[r].strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "--edges, row " + (r + 1) + ": the weight '" + weights[r] + "' is not a number");
          }
        }
        if (!Double.isFinite(weight) || (!negativeAllowed && weight < 0)) {
          throw new IllegalArgumentException(
              "--edges, row "
                  + (r + 1)
                  + ": the weight "
                  + weights[r].strip()
                  + " is not "
                  + (negativeAllowed ? "finite" : "finite and non-negative"));
        }
        if (a[r] == b[r]) {
          throw new IllegalArgumentException(
              "--edges, row " + (r + 1) + ": '" + s + "' rates itself (a self-loop)");
        }
        w[r] = weight;
      }
      ids.addAll(index.keySet());
      Graph.Builder builder = new Graph.Builder(ids.size(), sources.length);
      for (int r = 0; r < sources.length; r++) {
        builder.add(a[r], b[r], w[r]);
      }
      return builder.build();
    }

    int[] indices(List<String> names, String option) {
      int[] out = new int[names.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = ids.indexOf(names.get(i).strip());
        if (out[i] < 0) {
          throw new IllegalArgumentException(
              option + ": '" + names.get(i) + "' is not in the graph");
        }
      }
      return out;
    }

    Map<String, Double> byId(double[] scores) {
      Map<String, Double> out = new LinkedHashMap<>();
      for (int i = 0; i < scores.length; i++) {
        out.put(ids.get(i), scores[i]);
      }
      return out;
    }
  }

  /** {@code truststram trust eigentrust}. */
  @Command(
      name = "eigentrust",
      mixinStandardHelpOptions = true,
      description = {
        "EigenTrust (Kamvar et al. 2003) of the graph: t = (1 - a) C^T t + a p, C the local"
            + " trust normalised by row (negative ratings count as 0), p uniform over"
            + " --pretrusted (over everyone without it).",
        "With --json the last line is {\"scores\": {id: score, ...}, \"iterations\": n}."
      })
  static final class Eigen implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Edges edges;

    @Option(names = "--pretrusted", split = ",", description = "Pre-trusted ids.")
    List<String> pretrusted = new ArrayList<>();

    @Option(names = "--alpha", defaultValue = "0.15", description = "The weight of p (0.15).")
    double alpha;

    @Option(names = "--tolerance", defaultValue = "1e-10", description = "L1 change to stop at.")
    double tolerance;

    @Option(
        names = "--max-iterations",
        defaultValue = "1000",
        description = "The most iterations (1000).")
    int maxIterations;

    @Option(
        names = "--explain",
        description =
            "An id whose score to explain: what flows into it from each source, and the paths"
                + " that carry most of it, largest first.")
    String explain;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws IOException {
      Graph graph = edges.read(true);
      int[] seeds = edges.indices(pretrusted, "--pretrusted");
      EigenTrust.Options options = new EigenTrust.Options(alpha, tolerance, maxIterations);
      EigenTrust.Result result = EigenTrust.compute(graph, seeds, null, options);
      List<Map<String, Object>> why = new ArrayList<>();
      List<Map<String, Object>> paths = new ArrayList<>();
      if (explain != null) {
        int node = edges.indices(List.of(explain), "--explain")[0];
        Graph normalised = EigenTrust.normalise(graph);
        double[] p = EigenTrust.pretrusted(graph.nodes(), seeds);
        for (EigenTrust.Path path : EigenTrust.paths(normalised, p, result, alpha, node, 6, 5)) {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("path", path.nodes().stream().map(edges.ids::get).toList());
          one.put("amount", path.amount());
          paths.add(one);
        }
        for (EigenTrust.Contribution c :
            EigenTrust.explain(normalised, p, result, alpha, node, 10)) {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("from", c.source() < 0 ? "pre-trusted" : edges.ids.get(c.source()));
          one.put("amount", c.amount());
          why.add(one);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scores", edges.byId(result.scores()));
        r.put("iterations", result.iterations());
        r.put("change", result.change());
        if (explain != null) {
          r.put("explanation", Map.of("id", explain, "contributions", why, "paths", paths));
        }
        out.println(JSON.writeValueAsString(r));
      } else {
        printRanked(out, edges, result.scores(), 20);
        out.printf(
            Locale.ROOT, "%d iterations, last change %.2e%n", result.iterations(), result.change());
        for (Map<String, Object> c : why) {
          out.printf(Locale.ROOT, "  %s gives %s %.6f%n", c.get("from"), explain, c.get("amount"));
        }
        for (Map<String, Object> path : paths) {
          out.printf(
              Locale.ROOT,
              "  path %s carries %.6f%n",
              String.join(" -> ", (List<String>) path.get("path")),
              (Double) path.get("amount"));
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code truststram trust sybilrank}. */
  @Command(
      name = "sybilrank",
      mixinStandardHelpOptions = true,
      description =
          "SybilRank (Cao et al. 2012): trust walked from --seeds for ~log2 n steps over the"
              + " undirected graph, divided by degree; Sybils behind few edges rank low.")
  static final class Sybil implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Edges edges;

    @Option(names = "--seeds", required = true, split = ",", description = "Trusted seed ids.")
    List<String> seeds;

    @Option(names = "--iterations", defaultValue = "0", description = "Steps (0: ceil(log2 n)).")
    int iterations;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      Graph graph = edges.read(false);
      double[] scores =
          SybilRank.compute(graph, edges.indices(seeds, "--seeds"), Math.max(0, iterations));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JSON.writeValueAsString(Map.of("scores", edges.byId(scores))));
      } else {
        printRanked(out, edges, scores, 20);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code truststram trust communities}. */
  @Command(
      name = "communities",
      mixinStandardHelpOptions = true,
      description =
          "Louvain communities (Blondel et al. 2008) of the undirected graph, level by level,"
              + " with each level's modularity.")
  static final class Communities implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Edges edges;

    @Option(names = "--resolution", defaultValue = "1", description = "Modularity's resolution.")
    double resolution;

    @Option(names = "--seed", defaultValue = "0", description = "The node orders' seed.")
    long seed;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    @Override
    public Integer call() throws IOException {
      Graph graph = edges.read(false);
      Louvain.Result result = Louvain.detect(graph, resolution, seed);
      List<Map<String, Object>> levels = new ArrayList<>();
      for (int l = 0; l < result.levels().size(); l++) {
        Map<String, Object> level = new LinkedHashMap<>();
        int[] membership = result.levels().get(l);
        Map<String, Integer> of = new LinkedHashMap<>();
        for (int i = 0; i < membership.length; i++) {
          of.put(edges.ids.get(i), membership[i]);
        }
        level.put("communities", Arrays.stream(membership).max().orElse(-1) + 1);
        level.put("modularity", result.modularity()[l]);
        level.put("membership", of);
        levels.add(level);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JSON.writeValueAsString(Map.of("levels", levels)));
      } else {
        for (Map<String, Object> level : levels) {
          out.printf(
              Locale.ROOT,
              "level: %s communities, modularity %.4f%n",
              level.get("communities"),
              (Double) level.get("modularity"));
        }
      }
      out.flush();
      return 0;
    }
  }

  private static void printRanked(PrintWriter out, Edges edges, double[] scores, int top) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x]));
    for (int k = 0; k < Math.min(top, order.length); k++) {
      out.printf(Locale.ROOT, "%-24s %.6f%n", edges.ids.get(order[k]), scores[order[k]]);
    }
    if (order.length > top) {
      out.printf("... %d more (--json for all)%n", order.length - top);
    }
  }
}
