package io.truststram.cli;

import io.truststram.ml.data.CsvTable;
import io.truststram.sdk.TrustApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code truststram trust import|compute|score|top|explain|communities|policy|check}: the trust
 * service of the signed-in server.
 */
final class TrustServer {

  private TrustServer() {}

  /** The trust API of the server in the kept credentials. */
  abstract static class OnServer extends CryptoCommand.OnServer {

    TrustApi trust() throws IOException {
      Connection connection = connection();
      return TrustApi.connect(connection.server(), connection.tokens());
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
        tools.jackson.databind.json.JsonMapper.builder().build();

    /** Prints a JSON value as one line. */
    int printJson(Object value) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(JSON.writeValueAsString(value));
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Write entities, relationships and evidence from CSV files to your tenant's trust graph"
              + " (in batches, each all or nothing; entities first).")
  static final class Import extends OnServer {

    @Option(
        names = "--entities",
        description =
            "CSV: id,type[,name][,pretrusted] (type organisation, user, client-node,"
                + " model, dataset or agent; pretrusted true or false).")
    Path entities;

    @Option(
        names = "--relationships",
        description =
            "CSV: source,target,type[,weight] (type TRUSTS, COLLABORATED_WITH, MEMBER_OF,"
                + " PRODUCED, TRAINED_ON or ATTESTED_BY; weight 1 when absent).")
    Path relationships;

    @Option(
        names = "--evidence",
        description =
            "CSV: subject,outcome[,source][,kind][,weight][,observed_at] (outcome positive or"
                + " negative; kind rating when absent; observed_at ISO-8601, now when absent).")
    Path evidence;

    @Override
    public Integer call() throws IOException {
      if (entities == null && relationships == null && evidence == null) {
        throw new IllegalArgumentException(
            "give at least one of --entities, --relationships, --evidence");
      }
      TrustApi trust = trust();
      Map<String, Object> result = new LinkedHashMap<>();
      if (entities != null) {
        CsvTable t = table(entities, "--entities", "id", "type");
        List<TrustApi.Entity> rows = new ArrayList<>();
        for (int r = 0; r < t.rows().size(); r++) {
          rows.add(
              new TrustApi.Entity(
                  cell(t, "id", r),
                  cell(t, "type", r),
                  optional(t, "name", r),
                  Map.of(),
                  bool(optional(t, "pretrusted", r), "--entities", r)));
        }
        result.put("entities", trust.putEntities(rows));
      }
      if (relationships != null) {
        CsvTable t = table(relationships, "--relationships", "source", "target", "type");
        List<TrustApi.Relationship> rows = new ArrayList<>();
        for (int r = 0; r < t.rows().size(); r++) {
          String weight = optional(t, "weight", r);
          rows.add(
              new TrustApi.Relationship(
                  cell(t, "source", r),
                  cell(t, "target", r),
                  cell(t, "type", r).toUpperCase(Locale.ROOT),
                  weight == null ? 1 : number(weight, "--relationships", r)));
        }
        result.put("relationships", trust.putRelationships(rows));
      }
      if (evidence != null) {
        CsvTable t = table(evidence, "--evidence", "subject", "outcome");
        List<TrustApi.Evidence> rows = new ArrayList<>();
        for (int r = 0; r < t.rows().size(); r++) {
          String outcome = cell(t, "outcome", r);
          if (!outcome.equals("positive") && !outcome.equals("negative")) {
            throw new IllegalArgumentException(
                "--evidence, row " + (r + 1) + ": outcome is positive or negative");
          }
          String weight = optional(t, "weight", r);
          String kind = optional(t, "kind", r);
          String at = optional(t, "observed_at", r);
          Instant observed;
          try {
            observed = at == null ? null : Instant.parse(at);
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                "--evidence, row " + (r + 1) + ": observed_at is an ISO-8601 instant");
          }
          rows.add(
              new TrustApi.Evidence(
                  cell(t, "subject", r),
                  optional(t, "source", r),
                  kind == null ? "rating" : kind,
                  outcome.equals("positive"),
                  weight == null ? 1 : number(weight, "--evidence", r),
                  observed,
                  Map.of()));
        }
        result.put("evidence", trust.recordEvidence(rows).size());
      }
      return print(result);
    }

    static CsvTable table(Path file, String option, String... required) throws IOException {
      CsvTable table = ExplainCommand.Shap.table(file, option);
      for (String column : required) {
        if (!table.columns().contains(column)) {
          throw new IllegalArgumentException(option + " has no '" + column + "' column");
        }
      }
      return table;
    }

    static String cell(CsvTable table, String column, int row) {
      String value = table.column(column)[row].strip();
      if (value.isEmpty()) {
        throw new IllegalArgumentException("row " + (row + 1) + ": an empty " + column);
      }
      return value;
    }

    static String optional(CsvTable table, String column, int row) {
      if (!table.columns().contains(column)) {
        return null;
      }
      String value = table.column(column)[row].strip();
      return value.isEmpty() ? null : value;
    }

    static double number(String text, String option, int row) {
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            option + ", row " + (row + 1) + ": '" + text + "' is not a number");
      }
    }

    static boolean bool(String text, String option, int row) {
      if (text == null || text.equalsIgnoreCase("false")) {
        return false;
      }
      if (text.equalsIgnoreCase("true")) {
        return true;
      }
      throw new IllegalArgumentException(
          option + ", row " + (row + 1) + ": pretrusted is true or false, not " + text);
    }
  }

  @Command(
      name = "compute",
      mixinStandardHelpOptions = true,
      description = "Compute your tenant's trust scores and communities now.")
  static final class Compute extends OnServer {

    @Option(names = "--alpha", description = "EigenTrust's teleport weight (the server's: 0.15).")
    Double alpha;

    @Override
    public Integer call() throws IOException {
      TrustApi.Computation c = trust().compute(alpha);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("computation", c.id());
      result.put("sequence", c.sequence());
      result.put("entities", c.entities());
      result.put("relationships", c.relationships());
      result.put("evidence", c.evidence());
      result.put("iterations", c.iterations());
      result.put("warmStart", c.warmStart());
      result.put("communityLevels", c.communityLevels());
      result.put("modularity", c.modularity());
      result.put("millis", c.millis());
      return print(result);
    }
  }

  static Map<String, Object> score(TrustApi.Score s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entity", s.entity());
    out.put("type", s.type());
    out.put("eigentrust", s.eigentrust());
    out.put("sybilrank", s.sybilrank());
    out.put("reputation", s.reputation());
    out.put("uncertainty", s.uncertainty());
    return out;
  }

  @Command(
      name = "score",
      mixinStandardHelpOptions = true,
      description = "An entity's scores in the latest computation.")
  static final class Score extends OnServer {

    @Parameters(index = "0", paramLabel = "ENTITY", description = "The entity's id.")
    String entity;

    @Override
    public Integer call() throws IOException {
      return print(score(trust().score(entity)));
    }
  }

  @Command(
      name = "top",
      mixinStandardHelpOptions = true,
      description = "The highest-scored entities of your tenant.")
  static final class Top extends OnServer {

    @Option(
        names = "--kind",
        defaultValue = "eigentrust",
        description = "eigentrust, sybilrank or reputation (default ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--type", description = "Only entities of this type.")
    String type;

    @Option(names = "--top", defaultValue = "10", description = "How many (default 10).")
    int top;

    @Override
    public Integer call() throws IOException {
      List<Map<String, Object>> scores = new ArrayList<>();
      for (TrustApi.Score s : trust().top(kind, type, top)) {
        scores.add(score(s));
      }
      if (json) {
        return printJson(Map.of("scores", scores));
      }
      PrintWriter out = spec.commandLine().getOut();
      for (Map<String, Object> s : scores) {
        out.printf(
            Locale.ROOT,
            "%-40s %-12s %.6f%n",
            s.get("entity"),
            s.get("type"),
            ((Number) (s.get(kind) == null ? Double.NaN : s.get(kind))).doubleValue());
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description = "Why an entity has its scores: evidence, and EigenTrust's sources and paths.")
  static final class Explain extends OnServer {

    @Parameters(index = "0", paramLabel = "ENTITY", description = "The entity's id.")
    String entity;

    @Option(names = "--top", defaultValue = "10", description = "Sources and paths to show.")
    int top;

    @Option(names = "--path-length", defaultValue = "4", description = "Longest path (1-8).")
    int pathLength;

    @Override
    public Integer call() throws IOException {
      JsonNode why = trust().explain(entity, top, pathLength);
      if (json) {
        return printJson(why);
      }
      PrintWriter out = spec.commandLine().getOut();
      JsonNode score = why.path("score");
      out.printf(
          Locale.ROOT,
          "%s: eigentrust %.4f, reputation %.4f (uncertainty %.4f)%n",
          entity,
          score.path("eigentrust").asDouble(),
          score.path("reputation").asDouble(),
          score.path("uncertainty").asDouble());
      out.println("EigenTrust comes from:");
      for (JsonNode c : why.path("eigentrust").path("contributions")) {
        out.printf(
            Locale.ROOT,
            "  %-40s %.4f (%.1f%%)%n",
            c.path("source").asString(),
            c.path("amount").asDouble(),
            100 * c.path("share").asDouble());
      }
      out.println("along:");
      for (JsonNode p : why.path("eigentrust").path("paths")) {
        List<String> path = new ArrayList<>();
        p.path("entities").forEach(e -> path.add(e.asString()));
        out.printf(
            Locale.ROOT,
            "  %s  %.1f%%%n",
            String.join(" -> ", path),
            100 * p.path("share").asDouble());
      }
      out.println("recent evidence:");
      for (JsonNode e : why.path("reputation").path("recentEvidence")) {
        out.printf(
            "  %s  %s  %s  %s%n",
            e.path("observedAt").asString(),
            e.path("kind").asString(),
            e.path("outcome").asString(),
            e.path("source").isNull() ? "" : "from " + e.path("source").asString());
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "tenant-communities",
      mixinStandardHelpOptions = true,
      description =
          "Your tenant's communities at one level of the Louvain hierarchy (of its latest"
              + " computation on the server).")
  static final class Communities extends OnServer {

    @Option(names = "--level", defaultValue = "0", description = "0 the finest (default 0).")
    int level;

    @Option(names = "--limit", defaultValue = "20", description = "How many (default 20).")
    int limit;

    @Override
    public Integer call() throws IOException {
      JsonNode communities = trust().communities(level, limit);
      if (json) {
        return printJson(Map.of("communities", communities));
      }
      PrintWriter out = spec.commandLine().getOut();
      for (JsonNode c : communities) {
        List<String> sample = new ArrayList<>();
        c.path("sample").forEach(m -> sample.add(m.asString()));
        out.printf(
            "%d  %d members  %s%n",
            c.path("community").asInt(), c.path("size").asInt(), String.join(", ", sample));
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "policy",
      mixinStandardHelpOptions = true,
      description = "Store a trust policy: a minimum score, for entities of some types.")
  static final class Policy extends OnServer {

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Its name (federation-selection: keeps clients below it out of rounds).")
    String name;

    @Option(names = "--kind", required = true, description = "eigentrust, sybilrank or reputation.")
    String kind;

    @Option(names = "--minimum", required = true, description = "The least score that passes.")
    double minimum;

    @Option(
        names = "--types",
        split = ",",
        description = "The entity types it applies to (default all).")
    List<String> types = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      trust().putPolicy(name, kind, minimum, types);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("policy", name);
      result.put("kind", kind);
      result.put("minimum", minimum);
      result.put("entityTypes", types);
      return print(result);
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Judge an entity by a trust policy: exit 0 when it passes, 1 when not.")
  static final class Check extends OnServer {

    @Parameters(index = "0", paramLabel = "POLICY", description = "The policy's name.")
    String policy;

    @Parameters(index = "1", paramLabel = "ENTITY", description = "The entity's id.")
    String entity;

    @Override
    public Integer call() throws IOException {
      TrustApi.Verdict verdict = trust().check(policy, entity);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("policy", verdict.policy());
      result.put("entity", verdict.entity());
      result.put("passed", verdict.passed());
      result.put("value", verdict.value());
      result.put("reason", verdict.reason());
      print(result);
      return verdict.passed() ? 0 : 1;
    }
  }
}
