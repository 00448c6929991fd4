package io.truststram.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The trust service of a TrustStram server ({@code /api/v1/trust}): write the tenant's trust graph
 * (entities, relationships, evidence), compute scores, read them with their history and
 * explanations, list communities, and judge entities by policies. Large writes are sent in batches
 * of {@link #BATCH}, each written whole or not at all.
 */
public final class TrustApi {

  /** Records per request in the bulk writes (keeps a body under the server's 1MB default). */
  public static final int BATCH = 2_000;

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String API = "/api/v1/trust";

  private final Http http;

  private TrustApi(Http http) {
    this.http = http;
  }

  public static TrustApi connect(URI server, TokenSource tokens) {
    return new TrustApi(new Http(server, tokens));
  }

  /**
   * An entity.
   *
   * @param type organisation, user, client-node, model, dataset or agent
   * @param pretrusted whether it is a pre-trusted peer (EigenTrust) and seed (SybilRank)
   */
  public record Entity(
      String id,
      String type,
      @Nullable String name,
      Map<String, String> attributes,
      boolean pretrusted) {
    public Entity {
      attributes = Map.copyOf(attributes);
    }

    public static Entity of(String id, String type) {
      return new Entity(id, type, null, Map.of(), false);
    }
  }

  /**
   * A relationship.
   *
   * @param type TRUSTS, COLLABORATED_WITH, MEMBER_OF, PRODUCED, TRAINED_ON or ATTESTED_BY
   */
  public record Relationship(String source, String target, String type, double weight) {}

  /**
   * Evidence about an entity.
   *
   * @param source the observing entity, or null
   * @param observedAt when, or null for now
   */
  public record Evidence(
      String subject,
      @Nullable String source,
      String kind,
      boolean positive,
      double weight,
      @Nullable Instant observedAt,
      Map<String, String> details) {
    public Evidence {
      details = Map.copyOf(details);
    }
  }

  /** An entity's scores. */
  public record Score(
      String entity,
      String type,
      double eigentrust,
      @Nullable Double sybilrank,
      double reputation,
      double uncertainty) {
    static Score of(JsonNode n) {
      return new Score(
          n.path("entity").asString(),
          n.path("type").asString(),
          n.path("eigentrust").asDouble(),
          n.path("sybilrank").isNull() || n.path("sybilrank").isMissingNode()
              ? null
              : n.path("sybilrank").asDouble(),
          n.path("reputation").asDouble(),
          n.path("uncertainty").asDouble());
    }
  }

  /** A computation's summary. */
  public record Computation(
      String id,
      long sequence,
      int entities,
      long relationships,
      long evidence,
      int iterations,
      boolean warmStart,
      int communityLevels,
      double modularity,
      long millis) {
    static Computation of(JsonNode n) {
      return new Computation(
          n.path("id").asString(),
          n.path("sequence").asLong(),
          n.path("entities").asInt(),
          n.path("relationships").asLong(),
          n.path("evidence").asLong(),
          n.path("iterations").asInt(),
          n.path("warmStart").asBoolean(),
          n.path("communityLevels").asInt(),
          n.path("modularity").asDouble(),
          n.path("millis").asLong());
    }
  }

  /** A policy's verdict on an entity. */
  public record Verdict(
      String policy, String entity, boolean passed, @Nullable Double value, String reason) {}

  /** Creates or replaces entities, in batches; returns how many were written. */
  public int putEntities(List<Entity> entities) throws IOException {
    int written = 0;
    for (int from = 0; from < entities.size(); from += BATCH) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Entity e : entities.subList(from, Math.min(entities.size(), from + BATCH))) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", e.id());
        row.put("type", e.type());
        if (e.name() != null) {
          row.put("name", e.name());
        }
        row.put("attributes", e.attributes());
        row.put("pretrusted", e.pretrusted());
        rows.add(row);
      }
      written += post("/entities", Map.of("entities", rows)).path("written").asInt();
    }
    return written;
  }

  /** Creates relationships or replaces their weights, in batches. */
  public int putRelationships(List<Relationship> relationships) throws IOException {
    int written = 0;
    for (int from = 0; from < relationships.size(); from += BATCH) {
      List<Relationship> batch =
          relationships.subList(from, Math.min(relationships.size(), from + BATCH));
      written += post("/relationships", Map.of("relationships", batch)).path("written").asInt();
    }
    return written;
  }

  /** Records evidence, in batches; returns the ids of the records. */
  public List<String> recordEvidence(List<Evidence> evidence) throws IOException {
    List<String> ids = new ArrayList<>();
    for (int from = 0; from < evidence.size(); from += BATCH) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Evidence e : evidence.subList(from, Math.min(evidence.size(), from + BATCH))) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("subject", e.subject());
        if (e.source() != null) {
          row.put("source", e.source());
        }
        row.put("kind", e.kind());
        row.put("outcome", e.positive() ? "positive" : "negative");
        row.put("weight", e.weight());
        if (e.observedAt() != null) {
          row.put("observedAt", e.observedAt().toString());
        }
        row.put("details", e.details());
        rows.add(row);
      }
      post("/evidence", Map.of("evidence", rows)).path("ids").forEach(i -> ids.add(i.asString()));
    }
    return ids;
  }

  /** Computes the tenant's scores and communities now (alpha null: the server's). */
  public Computation compute(@Nullable Double alpha) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    if (alpha != null) {
      body.put("alpha", alpha);
    }
    return Computation.of(post("/computations", body));
  }

  public Score score(String entity) throws IOException {
    return Score.of(get("/entities/" + encode(entity) + "/score"));
  }

  /**
   * The top entities by a score.
   *
   * @param kind eigentrust, sybilrank or reputation
   * @param type only entities of this type, or null
   */
  public List<Score> top(String kind, @Nullable String type, int k) throws IOException {
    JsonNode list =
        get(
            "/scores?kind="
                + encode(kind)
                + (type == null ? "" : "&type=" + encode(type))
                + "&top="
                + k);
    List<Score> out = new ArrayList<>();
    list.forEach(n -> out.add(Score.of(n)));
    return out;
  }

  /** An entity's scores in the kept computations, newest first, as the server gives them. */
  public JsonNode history(String entity, int limit) throws IOException {
    return get("/entities/" + encode(entity) + "/history?limit=" + limit);
  }

  /** Why an entity has its scores: evidence, EigenTrust's sources and paths. */
  public JsonNode explain(String entity, int top, int pathLength) throws IOException {
    return get(
        "/entities/" + encode(entity) + "/explanation?top=" + top + "&pathLength=" + pathLength);
  }

  /** The communities of a level of the hierarchy, largest first, each with a sample of members. */
  public JsonNode communities(int level, int limit) throws IOException {
    return get("/communities?level=" + level + "&limit=" + limit);
  }

  /**
   * Stores a policy.
   *
   * @param kind eigentrust, sybilrank or reputation
   * @param entityTypes the types it applies to; empty for all
   */
  public void putPolicy(String name, String kind, double minimum, List<String> entityTypes)
      throws IOException {
    http.json(
        http.request(API + "/policies/" + encode(name), TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(
                Http.jsonBody(
                    Map.of("kind", kind, "minimum", minimum, "entityTypes", entityTypes))));
  }

  /** Judges an entity by a stored policy. */
  public Verdict check(String policy, String entity) throws IOException {
    JsonNode n = post("/policies/" + encode(policy) + "/check", Map.of("entity", entity));
    return new Verdict(
        n.path("policy").asString(),
        n.path("entity").asString(),
        n.path("passed").asBoolean(),
        n.path("value").isNumber() ? n.path("value").asDouble() : null,
        n.path("reason").asString());
  }

  private JsonNode get(String path) throws IOException {
    return Objects.requireNonNull(http.json(http.request(API + path, TIMEOUT).GET()));
  }

  private JsonNode post(String path, Object body) throws IOException {
    return Objects.requireNonNull(
        http.json(
            http.request(API + path, TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(Http.jsonBody(body))));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
