package io.truststram.trust.internal;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionCallback;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trust graph in Neo4j, through the official Java driver and Cypher. Entities are {@code
 * :TrustEntity} nodes keyed by tenant and id, relationships are Neo4j relationships of the same six
 * types, and evidence, computations, scores, memberships and policies are nodes of their own
 * labels, each indexed for the queries the service makes. Every method runs in one transaction.
 */
final class Neo4jTrustGraphStore implements TrustGraphStore {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  private static final int CHUNK = 10_000;
  private static final List<String> SCHEMA =
      List.of(
          "CREATE CONSTRAINT trust_entity_key IF NOT EXISTS FOR (e:TrustEntity) REQUIRE e.key IS"
              + " UNIQUE",
          "CREATE INDEX trust_entity_type IF NOT EXISTS FOR (e:TrustEntity) ON (e.tenant, e.type)",
          "CREATE INDEX trust_entity_tenant IF NOT EXISTS FOR (e:TrustEntity) ON (e.tenant, e.id)",
          "CREATE INDEX trust_evidence_subject IF NOT EXISTS FOR (e:TrustEvidence) ON (e.tenant,"
              + " e.subject)",
          "CREATE INDEX trust_evidence_id IF NOT EXISTS FOR (e:TrustEvidence) ON (e.tenant, e.id)",
          "CREATE INDEX trust_computation_seq IF NOT EXISTS FOR (c:TrustComputation) ON (c.tenant,"
              + " c.seq)",
          "CREATE INDEX trust_score_entity IF NOT EXISTS FOR (s:TrustScore) ON (s.tenant,"
              + " s.computation, s.entity)",
          "CREATE INDEX trust_score_history IF NOT EXISTS FOR (s:TrustScore) ON (s.tenant,"
              + " s.entity)",
          "CREATE INDEX trust_score_rank_eigentrust IF NOT EXISTS FOR (s:TrustScore) ON (s.tenant,"
              + " s.computation, s.rankEigentrust)",
          "CREATE INDEX trust_score_type_rank_eigentrust IF NOT EXISTS FOR (s:TrustScore) ON"
              + " (s.tenant, s.computation, s.type, s.typeRankEigentrust)",
          "CREATE INDEX trust_score_rank_sybilrank IF NOT EXISTS FOR (s:TrustScore) ON (s.tenant,"
              + " s.computation, s.rankSybilrank)",
          "CREATE INDEX trust_score_type_rank_sybilrank IF NOT EXISTS FOR (s:TrustScore) ON"
              + " (s.tenant, s.computation, s.type, s.typeRankSybilrank)",
          "CREATE INDEX trust_score_rank_reputation IF NOT EXISTS FOR (s:TrustScore) ON (s.tenant,"
              + " s.computation, s.rankReputation)",
          "CREATE INDEX trust_score_type_rank_reputation IF NOT EXISTS FOR (s:TrustScore) ON"
              + " (s.tenant, s.computation, s.type, s.typeRankReputation)",
          "CREATE INDEX trust_membership_community IF NOT EXISTS FOR (m:TrustMembership) ON"
              + " (m.tenant, m.computation, m.level, m.community)",
          "CREATE INDEX trust_membership_entity IF NOT EXISTS FOR (m:TrustMembership) ON"
              + " (m.tenant, m.computation, m.entity)",
          "CREATE CONSTRAINT trust_policy_key IF NOT EXISTS FOR (p:TrustPolicy) REQUIRE p.key IS"
              + " UNIQUE",
          "CREATE CONSTRAINT trust_changed_tenant IF NOT EXISTS FOR (c:TrustChanged) REQUIRE"
              + " c.tenant IS UNIQUE",
          "CREATE CONSTRAINT trust_revision_tenant IF NOT EXISTS FOR (r:TrustRevision) REQUIRE"
              + " r.tenant IS UNIQUE");

  /*
   * Index hints: right after a large write, Neo4j's statistics still count few nodes, every plan
   * looks free, and the planner may scan a whole index instead of seeking one (measured: a score
   * lookup scanned 100,000 index entries, 31 ms, until the statistics caught up). The hints make
   * every read seek the index it was written for. A hinted composite index needs a predicate on
   * each of its properties, hence the IS NOT NULL on trailing ones.
   */
  private static final String SCORE_BY_ENTITY =
      "USING INDEX SEEK s:TrustScore(tenant, computation, entity)";
  private static final String SCORE_HISTORY = "USING INDEX SEEK s:TrustScore(tenant, entity)";
  private static final String MEMBERSHIP_BY_ENTITY =
      "USING INDEX SEEK m:TrustMembership(tenant, computation, entity)";
  private static final String MEMBERSHIP_BY_COMMUNITY =
      "USING INDEX SEEK m:TrustMembership(tenant, computation, level, community)";
  private static final String EVIDENCE_BY_SUBJECT =
      "USING INDEX SEEK v:TrustEvidence(tenant, subject)";

  private static final String EVIDENCE_BY_ID = "USING INDEX SEEK v:TrustEvidence(tenant, id)";
  private static final String COMPUTATION_BY_SEQ =
      "USING INDEX SEEK c:TrustComputation(tenant, seq)";

  private final Driver driver;
  private final SessionConfig sessions;

  /**
   * @param database the Neo4j database to use, or null for the server's default
   */
  Neo4jTrustGraphStore(Driver driver, @Nullable String database) {
    this.driver = driver;
    this.sessions =
        database == null || database.isBlank()
            ? SessionConfig.defaultConfig()
            : SessionConfig.forDatabase(database);
    try (Session session = driver.session(sessions)) {
      for (String statement : SCHEMA) {
        session.run(statement).consume();
      }
    }
  }

  private <T> T write(TransactionCallback<T> work) {
    try (Session session = driver.session(sessions)) {
      return session.executeWrite(work);
    }
  }

  private <T> T read(TransactionCallback<T> work) {
    try (Session session = driver.session(sessions)) {
      return session.executeRead(work);
    }
  }

  /**
   * Runs {@code query} over {@code rows} in chunks, each bound to {@code $rows} with the other
   * parameters beside it.
   */
  private static void unwind(
      TransactionContext tx, String query, List<Map<String, Object>> rows, Object... others) {
    for (int from = 0; from < rows.size(); from += CHUNK) {
      Map<String, Object> p = params(others);
      p.put("rows", rows.subList(from, Math.min(rows.size(), from + CHUNK)));
      tx.run(query, p).consume();
    }
  }

  /** The score node's property holding its rank by {@code kind}, overall or within its type. */
  private static String rankProperty(ScoreKind kind, boolean withinType) {
    String name = kind.wire();
    return (withinType ? "typeRank" : "rank")
        + name.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
        + name.substring(1);
  }

  private static String key(TenantId tenant, String id) {
    return tenant.value() + "|" + id;
  }

  private static Map<String, Object> params(Object... pairs) {
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1]);
    }
    return out;
  }

  // Entities

  @Override
  public void putEntities(TenantId tenant, List<Entity> entities) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Entity e : entities) {
      rows.add(
          params(
              "key", key(tenant, e.id()),
              "id", e.id(),
              "type", e.type().name(),
              "name", e.name(),
              "attributes", JSON.writeValueAsString(e.attributes()),
              "pretrusted", e.pretrusted(),
              "createdAt", e.createdAt().toEpochMilli(),
              "updatedAt", e.updatedAt().toEpochMilli()));
    }
    write(
        tx -> {
          count(tx, tenant);
          unwind(
              tx,
              "UNWIND $rows AS row MERGE (e:TrustEntity {key: row.key})"
                  + " ON CREATE SET e.tenant = $tenant, e.id = row.id,"
                  + " e.createdAt = row.createdAt"
                  + " SET e.type = row.type, e.name = row.name, e.attributes = row.attributes,"
                  + " e.pretrusted = row.pretrusted, e.updatedAt = row.updatedAt",
              rows,
              "tenant",
              tenant.value().toString());
          return null;
        });
  }

  @Override
  public Optional<Entity> entity(TenantId tenant, String id) {
    return read(
        tx ->
            tx
                .run("MATCH (e:TrustEntity {key: $key}) RETURN e", params("key", key(tenant, id)))
                .list(r -> entity(r.get("e")))
                .stream()
                .findFirst());
  }

  @Override
  public Page<Entity> entities(TenantId tenant, @Nullable EntityType type, PageRequest page) {
    List<Entity> rows =
        read(
            tx ->
                tx.run(
                        "MATCH (e:TrustEntity) WHERE e.tenant = $tenant AND e.id > $after"
                            + (type == null ? "" : " AND e.type = $type")
                            + " RETURN e ORDER BY e.id LIMIT $limit",
                        params(
                            "tenant",
                            tenant.value().toString(),
                            "after",
                            page.after() == null ? "" : page.after(),
                            "type",
                            type == null ? "" : type.name(),
                            "limit",
                            page.limit() + 1))
                    .list(r -> entity(r.get("e"))));
    return Page.fromLookahead(rows, page, Entity::id);
  }

  @Override
  public Set<String> missing(TenantId tenant, Collection<String> ids) {
    Set<String> wanted = new LinkedHashSet<>(ids);
    List<String> keys = wanted.stream().map(id -> key(tenant, id)).toList();
    List<String> found =
        read(
            tx ->
                tx.run(
                        "UNWIND $keys AS k MATCH (e:TrustEntity {key: k}) RETURN e.id AS id",
                        params("keys", keys))
                    .list(r -> r.get("id").asString()));
    found.forEach(wanted::remove);
    return wanted;
  }

  @Override
  public boolean deleteEntity(TenantId tenant, String id) {
    String t = tenant.value().toString();
    return write(
        tx -> {
          Map<String, Object> p = params("tenant", t, "id", id, "key", key(tenant, id));
          tx.run(
                  "MATCH (v:TrustEvidence {tenant: $tenant, subject: $id}) "
                      + EVIDENCE_BY_SUBJECT
                      + " DELETE v",
                  p)
              .consume();
          tx.run(
                  "MATCH (s:TrustScore {tenant: $tenant, entity: $id}) "
                      + SCORE_HISTORY
                      + " DELETE s",
                  p)
              .consume();
          tx.run(
                  "MATCH (m:TrustMembership {tenant: $tenant, entity: $id}) "
                      + MEMBERSHIP_BY_ENTITY
                      + " WHERE m.computation IS NOT NULL DELETE m",
                  p)
              .consume();
          return deleteCounted(tx, tenant, "MATCH (e:TrustEntity {key: $key}) DETACH DELETE e", p);
        });
  }

  @Override
  public long countEntities(TenantId tenant) {
    return read(
        tx ->
            tx.run(
                    "MATCH (e:TrustEntity) WHERE e.tenant = $tenant RETURN count(e) AS n",
                    params("tenant", tenant.value().toString()))
                .single()
                .get("n")
                .asLong());
  }

  // Relationships

  @Override
  public void putEdges(TenantId tenant, List<Edge> edges) {
    writeEdges(tenant, edges, "r.weight = row.weight");
  }

  @Override
  public void addToEdges(TenantId tenant, List<Edge> edges) {
    writeEdges(tenant, edges, "r.weight = coalesce(r.weight, 0) + row.weight");
  }

  private void writeEdges(TenantId tenant, List<Edge> edges, String assignment) {
    Map<RelationType, List<Map<String, Object>>> byType = new LinkedHashMap<>();
    for (Edge e : edges) {
      byType
          .computeIfAbsent(e.type(), t -> new ArrayList<>())
          .add(
              params(
                  "source", key(tenant, e.source()),
                  "target", key(tenant, e.target()),
                  "weight", e.weight(),
                  "updatedAt", e.updatedAt().toEpochMilli()));
    }
    write(
        tx -> {
          count(tx, tenant);
          for (var entry : byType.entrySet()) {
            unwind(
                tx,
                "UNWIND $rows AS row MATCH (a:TrustEntity {key: row.source})"
                    + " MATCH (b:TrustEntity {key: row.target})"
                    + " MERGE (a)-[r:"
                    + entry.getKey().name()
                    + "]->(b) SET "
                    + assignment
                    + ", r.updatedAt = row.updatedAt",
                entry.getValue());
          }
          return null;
        });
  }

  @Override
  public List<Edge> edges(
      TenantId tenant, String entity, Direction direction, @Nullable RelationType type, int limit) {
    String relation = type == null ? "r" : "r:" + type.name();
    String pattern =
        switch (direction) {
          case OUT -> "(e:TrustEntity {key: $key})-[" + relation + "]->(o:TrustEntity)";
          case IN -> "(e:TrustEntity {key: $key})<-[" + relation + "]-(o:TrustEntity)";
          case BOTH -> "(e:TrustEntity {key: $key})-[" + relation + "]-(o:TrustEntity)";
        };
    return read(
        tx ->
            tx.run(
                    "MATCH "
                        + pattern
                        + " RETURN startNode(r).id AS source, endNode(r).id AS target,"
                        + " type(r) AS type, r.weight AS weight, r.updatedAt AS updatedAt"
                        + " ORDER BY weight DESC, source, target, type LIMIT $limit",
                    params("key", key(tenant, entity), "limit", limit))
                .list(
                    r ->
                        new Edge(
                            r.get("source").asString(),
                            r.get("target").asString(),
                            RelationType.valueOf(r.get("type").asString()),
                            r.get("weight").asDouble(),
                            Instant.ofEpochMilli(r.get("updatedAt").asLong()))));
  }

  @Override
  public boolean deleteEdge(TenantId tenant, String source, String target, RelationType type) {
    return write(
        tx ->
            deleteCounted(
                tx,
                tenant,
                "MATCH (a:TrustEntity {key: $source})-[r:"
                    + type.name()
                    + "]->(b:TrustEntity {key: $target}) DELETE r",
                params("source", key(tenant, source), "target", key(tenant, target))));
  }

  /**
   * Runs a deleting {@code match}; counts it in the tenant's revision when it deleted something.
   *
   * @return whether it did
   */
  private static boolean deleteCounted(
      TransactionContext tx, TenantId tenant, String match, Map<String, Object> parameters) {
    boolean deleted =
        tx.run(match + " RETURN count(*) AS n", parameters).single().get("n").asLong() > 0;
    if (deleted) {
      count(tx, tenant);
    }
    return deleted;
  }

  /** Counts a write in the tenant's revision, within the write's transaction. */
  private static void count(TransactionContext tx, TenantId tenant) {
    tx.run(
            "MERGE (r:TrustRevision {tenant: $tenant}) ON CREATE SET r.revision = 1"
                + " ON MATCH SET r.revision = r.revision + 1",
            params("tenant", tenant.value().toString()))
        .consume();
  }

  // Evidence

  @Override
  public void appendEvidence(TenantId tenant, List<Evidence> evidence) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Evidence e : evidence) {
      Map<String, Object> row =
          params(
              "id", e.id().toString(),
              "subject", e.subject(),
              "kind", e.kind(),
              "positive", e.positive(),
              "weight", e.weight(),
              "observedAt", e.observedAt().toEpochMilli(),
              "recordedAt", e.recordedAt().toEpochMilli(),
              "details", JSON.writeValueAsString(e.details()));
      row.put("source", e.source());
      rows.add(row);
    }
    write(
        tx -> {
          count(tx, tenant);
          unwind(
              tx,
              "UNWIND $rows AS row CREATE (v:TrustEvidence) SET v = row, v.tenant = $tenant",
              rows,
              "tenant",
              tenant.value().toString());
          return null;
        });
  }

  @Override
  public boolean hasEvidence(TenantId tenant, UUID id) {
    return read(
        tx ->
            tx.run(
                        "MATCH (v:TrustEvidence {tenant: $tenant, id: $id}) "
                            + EVIDENCE_BY_ID
                            + " RETURN count(v) AS n",
                        params("tenant", tenant.value().toString(), "id", id.toString()))
                    .single()
                    .get("n")
                    .asLong()
                > 0);
  }

  @Override
  public boolean deleteEvidence(TenantId tenant, UUID id) {
    return write(
        tx ->
            deleteCounted(
                tx,
                tenant,
                "MATCH (v:TrustEvidence {tenant: $tenant, id: $id}) "
                    + EVIDENCE_BY_ID
                    + " DELETE v",
                params("tenant", tenant.value().toString(), "id", id.toString())));
  }

  @Override
  public List<Evidence> evidence(TenantId tenant, String subject, int limit) {
    return read(
        tx ->
            tx.run(
                    "MATCH (v:TrustEvidence {tenant: $tenant, subject: $subject}) "
                        + EVIDENCE_BY_SUBJECT
                        + " RETURN v"
                        + " ORDER BY v.observedAt DESC, v.id LIMIT $limit",
                    params("tenant", tenant.value().toString(), "subject", subject, "limit", limit))
                .list(r -> evidence(r.get("v"))));
  }

  @Override
  public void scan(TenantId tenant, GraphVisitor visitor) {
    Map<String, Object> p = params("tenant", tenant.value().toString());
    read(
        tx -> {
          tx.run(
                  "MATCH (e:TrustEntity) WHERE e.tenant = $tenant"
                      + " RETURN e.id AS id, e.type AS type, e.pretrusted AS pretrusted"
                      + " ORDER BY id",
                  p)
              .forEachRemaining(
                  r ->
                      visitor.entity(
                          r.get("id").asString(),
                          EntityType.valueOf(r.get("type").asString()),
                          r.get("pretrusted").asBoolean()));
          // One record per source with its relationships as lists: a record per relationship
          // made reading 500,000 of them take 13 s over Bolt.
          tx.run(
                  "MATCH (a:TrustEntity) WHERE a.tenant = $tenant MATCH (a)-[r]->(b:TrustEntity)"
                      + " RETURN a.id AS source, collect(b.id) AS targets,"
                      + " collect(type(r)) AS types, collect(r.weight) AS weights",
                  p)
              .forEachRemaining(
                  r -> {
                    String source = r.get("source").asString();
                    List<Object> targets = r.get("targets").asList();
                    List<Object> types = r.get("types").asList();
                    List<Object> weights = r.get("weights").asList();
                    for (int i = 0; i < targets.size(); i++) {
                      visitor.edge(
                          source,
                          (String) targets.get(i),
                          RelationType.valueOf((String) types.get(i)),
                          ((Number) weights.get(i)).doubleValue());
                    }
                  });
          tx.run(
                  "MATCH (v:TrustEvidence) "
                      + EVIDENCE_BY_SUBJECT
                      + " WHERE v.tenant = $tenant AND v.subject IS NOT NULL RETURN v.subject AS"
                      + " subject,"
                      + " v.source AS source, v.positive AS positive, v.weight AS weight,"
                      + " v.observedAt AS at",
                  p)
              .forEachRemaining(
                  r ->
                      visitor.evidence(
                          r.get("subject").asString(),
                          r.get("source").isNull() ? null : r.get("source").asString(),
                          r.get("positive").asBoolean(),
                          r.get("weight").asDouble(),
                          Instant.ofEpochMilli(r.get("at").asLong())));
          return null;
        });
  }

  // Scores and communities

  @Override
  public void saveComputation(
      TenantId tenant, Computation c, List<Score> scores, List<Membership> memberships, int keep) {
    String t = tenant.value().toString();
    String id = c.id().toString();
    int[][][] ranks = TrustGraphStore.ranks(scores);
    List<Map<String, Object>> scoreRows = new ArrayList<>(scores.size());
    for (int i = 0; i < scores.size(); i++) {
      Score s = scores.get(i);
      Map<String, Object> row =
          params(
              "entity", s.entity(),
              "type", s.type().name(),
              "eigentrust", s.eigentrust(),
              "reputation", s.reputation(),
              "uncertainty", s.uncertainty(),
              "positive", s.positive(),
              "negative", s.negative());
      row.put("sybilrank", s.sybilrank());
      for (ScoreKind kind : ScoreKind.values()) {
        // Only the first RANKED: a node without the property is not in the index.
        int rank = ranks[kind.ordinal()][0][i];
        int typeRank = ranks[kind.ordinal()][1][i];
        row.put(rankProperty(kind, false), rank == 0 || rank > RANKED ? null : rank);
        row.put(rankProperty(kind, true), typeRank == 0 || typeRank > RANKED ? null : typeRank);
      }
      scoreRows.add(row);
    }
    List<Map<String, Object>> memberRows = new ArrayList<>(memberships.size());
    for (Membership m : memberships) {
      memberRows.add(params("entity", m.entity(), "level", m.level(), "community", m.community()));
    }
    write(
        tx -> {
          tx.run(
                  "CREATE (c:TrustComputation) SET c = $c",
                  params(
                      "c",
                      params(
                          "tenant", t,
                          "id", id,
                          "seq", c.sequence(),
                          "computedAt", c.computedAt().toEpochMilli(),
                          "entities", c.entities(),
                          "edges", c.edges(),
                          "evidence", c.evidence(),
                          "iterations", c.iterations(),
                          "warmStart", c.warmStart(),
                          "alpha", c.alpha(),
                          "communityLevels", c.communityLevels(),
                          "modularity", c.modularity(),
                          "millis", c.millis(),
                          "socialHash", c.socialHash(),
                          "communitiesFrom", c.communitiesFrom().toString())))
              .consume();
          unwind(
              tx,
              "UNWIND $rows AS row CREATE (s:TrustScore) SET s = row,"
                  + " s.tenant = $tenant, s.computation = $id, s.seq = $seq",
              scoreRows,
              "tenant",
              t,
              "id",
              id,
              "seq",
              c.sequence());
          unwind(
              tx,
              "UNWIND $rows AS row CREATE (m:TrustMembership) SET m = row,"
                  + " m.tenant = $tenant, m.computation = $id",
              memberRows,
              "tenant",
              t,
              "id",
              id);
          List<String> old =
              tx.run(
                      "MATCH (c:TrustComputation) "
                          + COMPUTATION_BY_SEQ
                          + " WHERE c.tenant = $tenant AND c.seq <= $cut"
                          + " RETURN c.id AS id",
                      params("tenant", t, "cut", c.sequence() - keep))
                  .list(r -> r.get("id").asString());
          for (String gone : old) {
            Map<String, Object> p = params("tenant", t, "id", gone);
            Map<String, Object> withCut =
                params("tenant", t, "id", gone, "cut", c.sequence() - keep);
            tx.run(
                    "MATCH (s:TrustScore {tenant: $tenant, computation: $id}) "
                        + SCORE_BY_ENTITY
                        + " WHERE s.entity IS NOT NULL DELETE s",
                    p)
                .consume();
            tx.run(
                    "MATCH (m:TrustMembership {tenant: $tenant, computation: $id}) "
                        + MEMBERSHIP_BY_ENTITY
                        + " WHERE m.entity IS NOT NULL AND NOT EXISTS { MATCH (k:TrustComputation) WHERE k.tenant = $tenant"
                        + " AND k.seq > $cut AND k.communitiesFrom = $id } DELETE m",
                    withCut)
                .consume();
          }
          return null;
        });
  }

  @Override
  public Optional<Computation> latestComputation(TenantId tenant) {
    return computations(tenant, 1).stream().findFirst();
  }

  @Override
  public List<Computation> computations(TenantId tenant, int limit) {
    return read(
        tx ->
            tx.run(
                    "MATCH (c:TrustComputation) "
                        + COMPUTATION_BY_SEQ
                        + " WHERE c.tenant = $tenant AND c.seq IS NOT NULL RETURN c"
                        + " ORDER BY c.seq DESC LIMIT $limit",
                    params("tenant", tenant.value().toString(), "limit", limit))
                .list(r -> computation(r.get("c"))));
  }

  /**
   * The latest computation's id and the id of the computation whose communities it uses, or null
   * when the tenant has none. Read first, then passed as parameters: a computation id taken from a
   * node inside the same query kept Neo4j from seeking the score index (a label scan per lookup).
   */
  private static String @Nullable [] latest(TransactionContext tx, String tenant) {
    List<String[]> ids =
        tx.run(
                "MATCH (c:TrustComputation) "
                    + COMPUTATION_BY_SEQ
                    + " WHERE c.tenant = $tenant AND c.seq IS NOT NULL"
                    + " RETURN c.id AS id, coalesce(c.communitiesFrom, c.id) AS communities"
                    + " ORDER BY c.seq DESC LIMIT 1",
                params("tenant", tenant))
            .list(r -> new String[] {r.get("id").asString(), r.get("communities").asString()});
    return ids.isEmpty() ? null : ids.getFirst();
  }

  @Override
  public Optional<Score> score(TenantId tenant, String entity) {
    // One round trip: the latest computation, then the score by a seek on its id.
    return read(
        tx ->
            tx
                .run(
                    "MATCH (c:TrustComputation) "
                        + COMPUTATION_BY_SEQ
                        + " WHERE c.tenant = $tenant AND c.seq IS NOT NULL"
                        + " WITH c ORDER BY c.seq DESC LIMIT 1"
                        + " MATCH (s:TrustScore {tenant: $tenant, computation: c.id, entity:"
                        + " $entity}) "
                        + SCORE_BY_ENTITY
                        + " RETURN s",
                    params("tenant", tenant.value().toString(), "entity", entity))
                .list(r -> score(r.get("s")))
                .stream()
                .findFirst());
  }

  @Override
  public Map<String, Score> scores(TenantId tenant) {
    String t = tenant.value().toString();
    Map<String, Score> out = new HashMap<>();
    read(
        tx -> {
          String[] latest = latest(tx, t);
          if (latest != null) {
            tx.run(
                    "MATCH (s:TrustScore) "
                        + SCORE_BY_ENTITY
                        + " WHERE s.tenant = $tenant AND s.computation = $id"
                        + " AND s.entity IS NOT NULL RETURN s",
                    params("tenant", t, "id", latest[0]))
                .forEachRemaining(
                    r -> {
                      Score s = score(r.get("s"));
                      out.put(s.entity(), s);
                    });
          }
          return null;
        });
    return out;
  }

  @Override
  public List<Score> top(TenantId tenant, ScoreKind kind, @Nullable EntityType type, int k) {
    String rank = "s." + rankProperty(kind, type != null);
    String t = tenant.value().toString();
    return read(
        tx -> {
          String[] latest = latest(tx, t);
          if (latest == null) {
            return List.<Score>of();
          }
          return tx.run(
                  "MATCH (s:TrustScore) USING INDEX SEEK s:TrustScore(tenant, computation, "
                      + (type == null ? "" : "type, ")
                      + rankProperty(kind, type != null)
                      + ") WHERE s.tenant = $tenant AND s.computation = $id"
                      + (type == null ? "" : " AND s.type = $type")
                      + " AND "
                      + rank
                      + " <= $k RETURN s ORDER BY "
                      + rank,
                  params(
                      "tenant",
                      t,
                      "id",
                      latest[0],
                      "type",
                      type == null ? "" : type.name(),
                      "k",
                      k))
              .list(r -> score(r.get("s")));
        });
  }

  @Override
  public List<HistoryPoint> history(TenantId tenant, String entity, int limit) {
    return read(
        tx ->
            tx.run(
                    "MATCH (s:TrustScore {tenant: $tenant, entity: $entity}) "
                        + SCORE_HISTORY
                        + " MATCH (c:TrustComputation {tenant: $tenant, id: s.computation})"
                        + " RETURN s, c.id AS id, c.computedAt AS at ORDER BY c.seq DESC"
                        + " LIMIT $limit",
                    params("tenant", tenant.value().toString(), "entity", entity, "limit", limit))
                .list(
                    r ->
                        new HistoryPoint(
                            UUID.fromString(r.get("id").asString()),
                            Instant.ofEpochMilli(r.get("at").asLong()),
                            score(r.get("s")))));
  }

  @Override
  public List<Membership> memberships(TenantId tenant, String entity) {
    String t = tenant.value().toString();
    return read(
        tx -> {
          String[] latest = latest(tx, t);
          if (latest == null) {
            return List.<Membership>of();
          }
          return tx.run(
                  "MATCH (m:TrustMembership {tenant: $tenant, computation: $id, entity: $entity}) "
                      + MEMBERSHIP_BY_ENTITY
                      + " RETURN m.level AS level, m.community AS community ORDER BY level",
                  params("tenant", t, "id", latest[1], "entity", entity))
              .list(
                  r -> new Membership(entity, r.get("level").asInt(), r.get("community").asInt()));
        });
  }

  @Override
  public List<CommunitySize> communities(TenantId tenant, int level, int limit) {
    String t = tenant.value().toString();
    return read(
        tx -> {
          String[] latest = latest(tx, t);
          if (latest == null) {
            return List.<CommunitySize>of();
          }
          return tx.run(
                  "MATCH (m:TrustMembership) "
                      + MEMBERSHIP_BY_COMMUNITY
                      + " WHERE m.tenant = $tenant AND m.computation = $id"
                      + " AND m.level = $level AND m.community IS NOT NULL"
                      + " RETURN m.community AS community, count(*) AS size"
                      + " ORDER BY size DESC, community LIMIT $limit",
                  params("tenant", t, "id", latest[1], "level", level, "limit", limit))
              .list(
                  r -> new CommunitySize(level, r.get("community").asInt(), r.get("size").asInt()));
        });
  }

  @Override
  public List<String> members(TenantId tenant, int level, int community, int limit) {
    String t = tenant.value().toString();
    return read(
        tx -> {
          String[] latest = latest(tx, t);
          if (latest == null) {
            return List.<String>of();
          }
          return tx.run(
                  "MATCH (m:TrustMembership) "
                      + MEMBERSHIP_BY_COMMUNITY
                      + " WHERE m.tenant = $tenant AND m.computation = $id"
                      + " AND m.level = $level AND m.community = $community"
                      + " RETURN m.entity AS entity ORDER BY entity LIMIT $limit",
                  params(
                      "tenant",
                      t,
                      "id",
                      latest[1],
                      "level",
                      level,
                      "community",
                      community,
                      "limit",
                      limit))
              .list(r -> r.get("entity").asString());
        });
  }

  // Policies

  @Override
  public void putPolicy(TenantId tenant, Policy policy) {
    write(
        tx ->
            tx.run(
                    "MERGE (p:TrustPolicy {key: $key}) SET p.tenant = $tenant, p.name = $name,"
                        + " p.kind = $kind, p.minimum = $minimum, p.entityTypes = $types,"
                        + " p.updatedAt = $at",
                    params(
                        "key", key(tenant, policy.name()),
                        "tenant", tenant.value().toString(),
                        "name", policy.name(),
                        "kind", policy.kind().name(),
                        "minimum", policy.minimum(),
                        "types", policy.entityTypes().stream().map(Enum::name).sorted().toList(),
                        "at", policy.updatedAt().toEpochMilli()))
                .consume());
  }

  @Override
  public Optional<Policy> policy(TenantId tenant, String name) {
    return read(
        tx ->
            tx
                .run("MATCH (p:TrustPolicy {key: $key}) RETURN p", params("key", key(tenant, name)))
                .list(r -> policy(r.get("p")))
                .stream()
                .findFirst());
  }

  @Override
  public List<Policy> policies(TenantId tenant) {
    return read(
        tx ->
            tx.run(
                    "MATCH (p:TrustPolicy) WHERE p.tenant = $tenant RETURN p ORDER BY p.name",
                    params("tenant", tenant.value().toString()))
                .list(r -> policy(r.get("p"))));
  }

  @Override
  public boolean deletePolicy(TenantId tenant, String name) {
    return write(
        tx ->
            tx.run(
                        "MATCH (p:TrustPolicy {key: $key}) DELETE p RETURN count(*) AS n",
                        params("key", key(tenant, name)))
                    .single()
                    .get("n")
                    .asLong()
                > 0);
  }

  // Changes awaiting a computation

  @Override
  public void markChanged(TenantId tenant, Instant at) {
    write(
        tx ->
            tx.run(
                    "MERGE (c:TrustChanged {tenant: $tenant}) ON CREATE SET c.at = $at"
                        + " ON MATCH SET c.at = CASE WHEN c.at < $at THEN $at ELSE c.at END",
                    params("tenant", tenant.value().toString(), "at", at.toEpochMilli()))
                .consume());
  }

  @Override
  public long revision(TenantId tenant) {
    return read(
        tx ->
            tx
                .run(
                    "MATCH (r:TrustRevision {tenant: $tenant}) RETURN r.revision AS revision",
                    params("tenant", tenant.value().toString()))
                .list()
                .stream()
                .findFirst()
                .map(r -> r.get("revision").asLong())
                .orElse(0L));
  }

  @Override
  public Set<TenantId> changedTenants() {
    return read(
        tx ->
            tx.run("MATCH (c:TrustChanged) RETURN c.tenant AS tenant").list().stream()
                .map(r -> new TenantId(UUID.fromString(r.get("tenant").asString())))
                .collect(java.util.stream.Collectors.toUnmodifiableSet()));
  }

  @Override
  public void clearChanged(TenantId tenant, Instant upTo) {
    write(
        tx ->
            tx.run(
                    "MATCH (c:TrustChanged {tenant: $tenant}) WHERE c.at <= $upTo DELETE c",
                    params("tenant", tenant.value().toString(), "upTo", upTo.toEpochMilli()))
                .consume());
  }

  // Values

  private static Entity entity(Value e) {
    return new Entity(
        e.get("id").asString(),
        EntityType.valueOf(e.get("type").asString()),
        e.get("name").asString(),
        JSON.readValue(e.get("attributes").asString(), STRINGS),
        e.get("pretrusted").asBoolean(),
        Instant.ofEpochMilli(e.get("createdAt").asLong()),
        Instant.ofEpochMilli(e.get("updatedAt").asLong()));
  }

  private static Evidence evidence(Value v) {
    return new Evidence(
        UUID.fromString(v.get("id").asString()),
        v.get("subject").asString(),
        v.get("source").isNull() ? null : v.get("source").asString(),
        v.get("kind").asString(),
        v.get("positive").asBoolean(),
        v.get("weight").asDouble(),
        Instant.ofEpochMilli(v.get("observedAt").asLong()),
        Instant.ofEpochMilli(v.get("recordedAt").asLong()),
        JSON.readValue(v.get("details").asString(), STRINGS));
  }

  private static Computation computation(Value c) {
    return new Computation(
        UUID.fromString(c.get("id").asString()),
        c.get("seq").asLong(),
        Instant.ofEpochMilli(c.get("computedAt").asLong()),
        c.get("entities").asInt(),
        c.get("edges").asLong(),
        c.get("evidence").asLong(),
        c.get("iterations").asInt(),
        c.get("warmStart").asBoolean(),
        c.get("alpha").asDouble(),
        c.get("communityLevels").asInt(),
        c.get("modularity").asDouble(),
        c.get("millis").asLong(),
        c.get("socialHash").isNull() ? "" : c.get("socialHash").asString(),
        UUID.fromString(
            c.get("communitiesFrom").isNull()
                ? c.get("id").asString()
                : c.get("communitiesFrom").asString()));
  }

  private static Score score(Value s) {
    return new Score(
        s.get("entity").asString(),
        EntityType.valueOf(s.get("type").asString()),
        s.get("eigentrust").asDouble(),
        s.get("sybilrank").isNull() ? null : s.get("sybilrank").asDouble(),
        s.get("reputation").asDouble(),
        s.get("uncertainty").asDouble(),
        s.get("positive").asDouble(),
        s.get("negative").asDouble());
  }

  private static Policy policy(Value p) {
    Set<EntityType> types = EnumSet.noneOf(EntityType.class);
    for (Object name : p.get("entityTypes").asList()) {
      types.add(EntityType.valueOf((String) name));
    }
    return new Policy(
        p.get("name").asString(),
        ScoreKind.valueOf(p.get("kind").asString()),
        p.get("minimum").asDouble(),
        types,
        Instant.ofEpochMilli(p.get("updatedAt").asLong()));
  }
}
