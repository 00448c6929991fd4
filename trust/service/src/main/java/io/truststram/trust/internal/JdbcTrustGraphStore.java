package io.truststram.trust.internal;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trust graph in relational tables (H2 or PostgreSQL): the embedded default. Scoring reads the
 * whole graph into the in-memory engine of {@code trust/core}; queries use the tables' indexes.
 */
final class JdbcTrustGraphStore implements TrustGraphStore {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  private static final int CHUNK = 1_000;

  private final JdbcClient jdbc;
  private final JdbcTemplate batches;
  private final TransactionTemplate transactions;

  JdbcTrustGraphStore(JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.batches = batches;
    this.transactions = transactions;
    String product =
        batches.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
    this.postgres = "PostgreSQL".equals(product);
  }

  /**
   * Whether the database is PostgreSQL, whose planner, before autovacuum has analysed a large new
   * computation, may read a score through a ranking index and filter 100,000 rows (measured: 50 ms
   * instead of 0.05 ms); the store analyses the score table after writing one.
   */
  private final boolean postgres;

  /**
   * Entity and relationship batches of at least this many rows are preceded by ANALYZE on
   * PostgreSQL.
   */
  private static final int ANALYZE_BEFORE = 1_000;

  /** Computations with at least this many scores are followed by ANALYZE on PostgreSQL. */
  private static final int ANALYZE_AFTER = 10_000;

  // Entities

  @Override
  public void putEntities(TenantId tenant, List<Entity> entities) {
    counting(tenant);
    transactions.executeWithoutResult(
        status -> {
          count(tenant);
          java.util.Set<String> existing =
              known(
                  tenant,
                  "trust_entity",
                  "SELECT e.id FROM UNNEST(?) AS w(id) JOIN trust_entity e"
                      + " ON e.tenant_id = ? AND e.id = w.id",
                  entities,
                  List.of(Entity::id),
                  rs -> rs.getString(1));
          List<Object[]> updates = new ArrayList<>();
          // Inserted with one statement per chunk and pair of timestamps (as scalars).
          Map<List<Instant>, List<Object[]>> inserts = new java.util.LinkedHashMap<>();
          java.util.Set<String> inserted = new java.util.HashSet<>();
          for (Entity e : entities) {
            if (existing.contains(e.id()) || !inserted.add(e.id())) {
              updates.add(
                  new Object[] {
                    e.type().name(),
                    e.name(),
                    json(e.attributes()),
                    e.pretrusted(),
                    time(e.updatedAt()),
                    tenant.value(),
                    e.id()
                  });
            } else {
              inserts
                  .computeIfAbsent(List.of(e.createdAt(), e.updatedAt()), at -> new ArrayList<>())
                  .add(
                      new Object[] {
                        e.id(), e.type().name(), e.name(), json(e.attributes()), e.pretrusted()
                      });
            }
          }
          for (var group : inserts.entrySet()) {
            Map<String, Object> keys = new java.util.LinkedHashMap<>();
            keys.put("tenant_id", tenant.value());
            keys.put("created_at", time(group.getKey().get(0)));
            keys.put("updated_at", time(group.getKey().get(1)));
            insertColumns(
                "trust_entity",
                keys,
                columns(
                    "id",
                    "varchar",
                    "type",
                    "varchar",
                    "name",
                    "varchar",
                    "attributes",
                    "varchar",
                    "pretrusted",
                    "boolean"),
                group.getValue());
          }
          // After the inserts, so that an id given twice in one call ends as its last version.
          batch(
              "UPDATE trust_entity SET type = ?, name = ?, attributes = ?, pretrusted = ?,"
                  + " updated_at = ? WHERE tenant_id = ? AND id = ?",
              updates);
        });
  }

  @Override
  public Optional<Entity> entity(TenantId tenant, String id) {
    return jdbc.sql("SELECT * FROM trust_entity WHERE tenant_id = ? AND id = ?")
        .params(tenant.value(), id)
        .query(JdbcTrustGraphStore::entity)
        .optional();
  }

  @Override
  public Page<Entity> entities(TenantId tenant, @Nullable EntityType type, PageRequest page) {
    String after = page.after() == null ? "" : page.after();
    List<Entity> rows =
        type == null
            ? jdbc.sql(
                    "SELECT * FROM trust_entity WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?")
                .params(tenant.value(), after, page.limit() + 1)
                .query(JdbcTrustGraphStore::entity)
                .list()
            : jdbc.sql(
                    "SELECT * FROM trust_entity WHERE tenant_id = ? AND type = ? AND id > ?"
                        + " ORDER BY id LIMIT ?")
                .params(tenant.value(), type.name(), after, page.limit() + 1)
                .query(JdbcTrustGraphStore::entity)
                .list();
    return Page.fromLookahead(rows, page, Entity::id);
  }

  @Override
  public Set<String> missing(TenantId tenant, Collection<String> ids) {
    Set<String> wanted = new LinkedHashSet<>(ids);
    List<String> all = new ArrayList<>(wanted);
    for (int from = 0; from < all.size(); from += CHUNK) {
      String[] chunk = all.subList(from, Math.min(all.size(), from + CHUNK)).toArray(String[]::new);
      // The ids as a table joined to the entities: an index lookup per id on H2 and PostgreSQL
      // alike (for IN or = ANY over parameters, H2 scans the tenant's rows: 1.5 s for 2,000 ids
      // among 100,000 entities).
      batches
          .query(
              "SELECT e.id FROM UNNEST(?) AS wanted(id) JOIN trust_entity e"
                  + " ON e.tenant_id = ? AND e.id = wanted.id",
              (ps) -> {
                ps.setArray(1, ps.getConnection().createArrayOf("VARCHAR", chunk));
                ps.setObject(2, tenant.value());
              },
              (rs, n) -> rs.getString(1))
          .forEach(wanted::remove);
    }
    return wanted;
  }

  @Override
  public boolean deleteEntity(TenantId tenant, String id) {
    counting(tenant);
    Boolean deleted =
        transactions.execute(
            status -> {
              UUID t = tenant.value();
              // The revision row first, as every write locks it: no two writers lock in turn.
              count(tenant);
              jdbc.sql("DELETE FROM trust_edge WHERE tenant_id = ? AND (source = ? OR target = ?)")
                  .params(t, id, id)
                  .update();
              jdbc.sql("DELETE FROM trust_evidence WHERE tenant_id = ? AND subject = ?")
                  .params(t, id)
                  .update();
              jdbc.sql("DELETE FROM trust_score WHERE tenant_id = ? AND entity = ?")
                  .params(t, id)
                  .update();
              jdbc.sql("DELETE FROM trust_membership WHERE tenant_id = ? AND entity = ?")
                  .params(t, id)
                  .update();
              jdbc.sql("DELETE FROM trust_ranking WHERE tenant_id = ? AND entity = ?")
                  .params(t, id)
                  .update();
              if (jdbc.sql("DELETE FROM trust_entity WHERE tenant_id = ? AND id = ?")
                      .params(t, id)
                      .update()
                  == 0) {
                status.setRollbackOnly();
                return false;
              }
              return true;
            });
    return Boolean.TRUE.equals(deleted);
  }

  @Override
  public long countEntities(TenantId tenant) {
    return jdbc.sql("SELECT COUNT(*) FROM trust_entity WHERE tenant_id = ?")
        .param(tenant.value())
        .query(Long.class)
        .single();
  }

  // Relationships

  @Override
  public void putEdges(TenantId tenant, List<Edge> edges) {
    writeEdges(tenant, edges, "weight = ?");
  }

  @Override
  public void addToEdges(TenantId tenant, List<Edge> edges) {
    writeEdges(tenant, edges, "weight = weight + ?");
  }

  private void writeEdges(TenantId tenant, List<Edge> edges, String assignment) {
    counting(tenant);
    transactions.executeWithoutResult(
        status -> {
          count(tenant);
          java.util.Set<String> existing =
              known(
                  tenant,
                  "trust_edge",
                  "SELECT e.source, e.target, e.type FROM UNNEST(?, ?, ?) AS w(source, target,"
                      + " type) JOIN trust_edge e ON e.tenant_id = ? AND e.source = w.source"
                      + " AND e.target = w.target AND e.type = w.type",
                  edges,
                  List.of(Edge::source, Edge::target, e -> e.type().name()),
                  rs -> edgeKey(rs.getString(1), rs.getString(2), rs.getString(3)));
          List<Object[]> updates = new ArrayList<>();
          Map<Instant, List<Object[]>> inserts = new java.util.LinkedHashMap<>();
          for (Edge e : edges) {
            if (existing.contains(edgeKey(e.source(), e.target(), e.type().name()))) {
              updates.add(
                  new Object[] {
                    e.weight(),
                    time(e.updatedAt()),
                    tenant.value(),
                    e.source(),
                    e.target(),
                    e.type().name()
                  });
            } else {
              inserts
                  .computeIfAbsent(e.updatedAt(), at -> new ArrayList<>())
                  .add(new Object[] {e.source(), e.target(), e.type().name(), e.weight()});
            }
          }
          batch(
              "UPDATE trust_edge SET "
                  + assignment
                  + ", updated_at = ? WHERE tenant_id = ? AND source = ? AND target = ?"
                  + " AND type = ?",
              updates);
          for (var group : inserts.entrySet()) {
            Map<String, Object> keys = new java.util.LinkedHashMap<>();
            keys.put("tenant_id", tenant.value());
            keys.put("updated_at", time(group.getKey()));
            insertColumns(
                "trust_edge",
                keys,
                columns(
                    "source", "varchar", "target", "varchar", "type", "varchar", "weight",
                    "float8"),
                group.getValue());
          }
        });
  }

  private static String edgeKey(String source, String target, String type) {
    return source + '\u0000' + target + '\u0000' + type;
  }

  @Override
  public List<Edge> edges(
      TenantId tenant, String entity, Direction direction, @Nullable RelationType type, int limit) {
    String where =
        switch (direction) {
          case OUT -> "source = :entity";
          case IN -> "target = :entity";
          case BOTH -> "(source = :entity OR target = :entity)";
        };
    String sql =
        "SELECT * FROM trust_edge WHERE tenant_id = :tenant AND "
            + where
            + (type == null ? "" : " AND type = :type")
            + " ORDER BY weight DESC, source, target, type LIMIT :limit";
    JdbcClient.StatementSpec spec =
        jdbc.sql(sql).param("tenant", tenant.value()).param("entity", entity).param("limit", limit);
    if (type != null) {
      spec = spec.param("type", type.name());
    }
    return spec.query(JdbcTrustGraphStore::edge).list();
  }

  @Override
  public boolean deleteEdge(TenantId tenant, String source, String target, RelationType type) {
    counting(tenant);
    return Boolean.TRUE.equals(
        transactions.execute(
            status -> {
              count(tenant);
              if (jdbc.sql(
                          "DELETE FROM trust_edge WHERE tenant_id = ? AND source = ? AND"
                              + " target = ? AND type = ?")
                      .params(tenant.value(), source, target, type.name())
                      .update()
                  == 0) {
                status.setRollbackOnly();
                return false;
              }
              return true;
            }));
  }

  // Evidence

  @Override
  public void appendEvidence(TenantId tenant, List<Evidence> evidence) {
    counting(tenant);
    transactions.executeWithoutResult(
        status -> {
          count(tenant);
          List<Object[]> rows = new ArrayList<>();
          for (Evidence e : evidence) {
            rows.add(
                new Object[] {
                  tenant.value(),
                  e.id(),
                  e.subject(),
                  e.source(),
                  e.kind(),
                  e.positive(),
                  e.weight(),
                  time(e.observedAt()),
                  time(e.recordedAt()),
                  json(e.details())
                });
          }
          batch(
              "INSERT INTO trust_evidence (tenant_id, id, subject, source, kind, positive, weight,"
                  + " observed_at, recorded_at, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              rows);
        });
  }

  @Override
  public boolean hasEvidence(TenantId tenant, UUID id) {
    return jdbc.sql("SELECT COUNT(*) FROM trust_evidence WHERE tenant_id = ? AND id = ?")
            .params(tenant.value(), id)
            .query(Long.class)
            .single()
        > 0;
  }

  @Override
  public boolean deleteEvidence(TenantId tenant, UUID id) {
    counting(tenant);
    return Boolean.TRUE.equals(
        transactions.execute(
            status -> {
              count(tenant);
              if (jdbc.sql("DELETE FROM trust_evidence WHERE tenant_id = ? AND id = ?")
                      .params(tenant.value(), id)
                      .update()
                  == 0) {
                status.setRollbackOnly();
                return false;
              }
              return true;
            }));
  }

  @Override
  public List<Evidence> evidence(TenantId tenant, String subject, int limit) {
    return jdbc.sql(
            "SELECT * FROM trust_evidence WHERE tenant_id = ? AND subject = ?"
                + " ORDER BY observed_at DESC, id LIMIT ?")
        .params(tenant.value(), subject, limit)
        .query(JdbcTrustGraphStore::evidence)
        .list();
  }

  @Override
  public void scan(TenantId tenant, GraphVisitor visitor) {
    UUID t = tenant.value();
    transactions.executeWithoutResult(
        status -> {
          batches.query(
              "SELECT id, type, pretrusted FROM trust_entity WHERE tenant_id = ? ORDER BY id",
              rs -> {
                visitor.entity(
                    rs.getString(1), EntityType.valueOf(rs.getString(2)), rs.getBoolean(3));
              },
              t);
          batches.query(
              "SELECT source, target, type, weight FROM trust_edge WHERE tenant_id = ?",
              rs -> {
                visitor.edge(
                    rs.getString(1),
                    rs.getString(2),
                    RelationType.valueOf(rs.getString(3)),
                    rs.getDouble(4));
              },
              t);
          batches.query(
              "SELECT subject, source, positive, weight, observed_at FROM trust_evidence"
                  + " WHERE tenant_id = ?",
              rs -> {
                visitor.evidence(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getBoolean(3),
                    rs.getDouble(4),
                    instant(rs, "observed_at"));
              },
              t);
        });
  }

  // Scores and communities

  @Override
  public void saveComputation(
      TenantId tenant, Computation c, List<Score> scores, List<Membership> memberships, int keep) {
    UUID t = tenant.value();
    transactions.executeWithoutResult(
        status -> {
          jdbc.sql(
                  "INSERT INTO trust_computation (tenant_id, id, seq, computed_at, entities, edges,"
                      + " evidence, iterations, warm_start, alpha, community_levels, modularity,"
                      + " millis, social_hash, communities_from)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .params(
                  t,
                  c.id(),
                  c.sequence(),
                  time(c.computedAt()),
                  c.entities(),
                  c.edges(),
                  c.evidence(),
                  c.iterations(),
                  c.warmStart(),
                  c.alpha(),
                  c.communityLevels(),
                  c.modularity(),
                  c.millis(),
                  c.socialHash(),
                  c.communitiesFrom())
              .update();
          List<Object[]> rows = new ArrayList<>(scores.size());
          for (Score s : scores) {
            rows.add(
                new Object[] {
                  s.entity(),
                  s.type().name(),
                  s.eigentrust(),
                  s.sybilrank(),
                  s.reputation(),
                  s.uncertainty(),
                  s.positive(),
                  s.negative()
                });
          }
          Map<String, Object> keys = new java.util.LinkedHashMap<>();
          keys.put("tenant_id", t);
          keys.put("computation_id", c.id());
          insertColumns(
              "trust_score",
              keys,
              columns(
                  "entity",
                  "varchar",
                  "type",
                  "varchar",
                  "eigentrust",
                  "float8",
                  "sybilrank",
                  "float8",
                  "reputation",
                  "float8",
                  "uncertainty",
                  "float8",
                  "positive",
                  "float8",
                  "negative",
                  "float8"),
              rows);
          int[][][] ranks = TrustGraphStore.ranks(scores);
          List<Object[]> ranked = new ArrayList<>();
          for (ScoreKind kind : ScoreKind.values()) {
            for (int i = 0; i < scores.size(); i++) {
              int overall = ranks[kind.ordinal()][0][i];
              int withinType = ranks[kind.ordinal()][1][i];
              if (overall > 0 && overall <= RANKED) {
                ranked.add(new Object[] {kind.name(), "", overall, scores.get(i).entity()});
              }
              if (withinType > 0 && withinType <= RANKED) {
                ranked.add(
                    new Object[] {
                      kind.name(), scores.get(i).type().name(), withinType, scores.get(i).entity()
                    });
              }
            }
          }
          insertColumns(
              "trust_ranking",
              keys,
              columns("kind", "varchar", "scope", "varchar", "rank", "int4", "entity", "varchar"),
              ranked);
          List<Object[]> members = new ArrayList<>(memberships.size());
          for (Membership m : memberships) {
            members.add(new Object[] {m.entity(), m.level(), m.community()});
          }
          insertColumns(
              "trust_membership",
              keys,
              columns("entity", "varchar", "level", "int4", "community", "int4"),
              members);
          List<UUID> old =
              jdbc.sql("SELECT id FROM trust_computation WHERE tenant_id = ? AND seq <= ?")
                  .params(t, c.sequence() - keep)
                  .query(UUID.class)
                  .list();
          for (UUID id : old) {
            jdbc.sql("DELETE FROM trust_score WHERE tenant_id = ? AND computation_id = ?")
                .params(t, id)
                .update();
            jdbc.sql(
                    "DELETE FROM trust_membership WHERE tenant_id = ? AND computation_id = ?"
                        + " AND NOT EXISTS (SELECT 1 FROM trust_computation k WHERE"
                        + " k.tenant_id = ? AND k.seq > ? AND k.communities_from = ?)")
                .params(t, id, t, c.sequence() - keep, id)
                .update();
            jdbc.sql("DELETE FROM trust_ranking WHERE tenant_id = ? AND computation_id = ?")
                .params(t, id)
                .update();
          }
        });
    if (postgres && scores.size() >= ANALYZE_AFTER) {
      batches.execute("ANALYZE trust_score");
      batches.execute("ANALYZE trust_membership");
    }
  }

  @Override
  public Optional<Computation> latestComputation(TenantId tenant) {
    return computations(tenant, 1).stream().findFirst();
  }

  @Override
  public List<Computation> computations(TenantId tenant, int limit) {
    return jdbc.sql("SELECT * FROM trust_computation WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?")
        .params(tenant.value(), limit)
        .query(JdbcTrustGraphStore::computation)
        .list();
  }

  /** The latest computation of tenant {@code :tenant}, as a subquery. */
  private static final String LATEST =
      "(SELECT c.id FROM trust_computation c WHERE c.tenant_id = :tenant"
          + " ORDER BY c.seq DESC LIMIT 1)";

  /** The computation whose communities the latest computation of {@code :tenant} uses. */
  private static final String LATEST_COMMUNITIES =
      "(SELECT COALESCE(c.communities_from, c.id) FROM trust_computation c"
          + " WHERE c.tenant_id = :tenant ORDER BY c.seq DESC LIMIT 1)";

  @Override
  public Optional<Score> score(TenantId tenant, String entity) {
    return jdbc.sql(
            "SELECT * FROM trust_score WHERE tenant_id = :tenant AND entity = :entity"
                + " AND computation_id = "
                + LATEST)
        .param("tenant", tenant.value())
        .param("entity", entity)
        .query(JdbcTrustGraphStore::score)
        .optional();
  }

  @Override
  public Map<String, Score> scores(TenantId tenant) {
    Map<String, Score> out = new HashMap<>();
    jdbc.sql("SELECT * FROM trust_score WHERE tenant_id = :tenant AND computation_id = " + LATEST)
        .param("tenant", tenant.value())
        .query(
            (java.sql.ResultSet rs) -> {
              Score s = score(rs, 0);
              out.put(s.entity(), s);
            });
    return out;
  }

  @Override
  public List<Score> top(TenantId tenant, ScoreKind kind, @Nullable EntityType type, int k) {
    return jdbc.sql(
            "SELECT s.* FROM trust_ranking r JOIN trust_score s ON s.tenant_id = r.tenant_id"
                + " AND s.computation_id = r.computation_id AND s.entity = r.entity"
                + " WHERE r.tenant_id = :tenant AND r.computation_id = "
                + LATEST
                + " AND r.kind = :kind AND r.scope = :scope AND r.rank <= :k ORDER BY r.rank")
        .param("tenant", tenant.value())
        .param("kind", kind.name())
        .param("scope", type == null ? "" : type.name())
        .param("k", k)
        .query(JdbcTrustGraphStore::score)
        .list();
  }

  @Override
  public List<HistoryPoint> history(TenantId tenant, String entity, int limit) {
    return jdbc.sql(
            "SELECT s.*, c.computed_at FROM trust_score s JOIN trust_computation c"
                + " ON c.tenant_id = s.tenant_id AND c.id = s.computation_id"
                + " WHERE s.tenant_id = ? AND s.entity = ? ORDER BY c.seq DESC LIMIT ?")
        .params(tenant.value(), entity, limit)
        .query(
            (rs, n) ->
                new HistoryPoint(
                    rs.getObject("computation_id", UUID.class),
                    instant(rs, "computed_at"),
                    score(rs, n)))
        .list();
  }

  @Override
  public List<Membership> memberships(TenantId tenant, String entity) {
    return jdbc.sql(
            "SELECT entity, level, community FROM trust_membership WHERE tenant_id = :tenant AND"
                + " entity = :entity AND computation_id = "
                + LATEST_COMMUNITIES
                + " ORDER BY level")
        .param("tenant", tenant.value())
        .param("entity", entity)
        .query((rs, n) -> new Membership(rs.getString(1), rs.getInt(2), rs.getInt(3)))
        .list();
  }

  @Override
  public List<CommunitySize> communities(TenantId tenant, int level, int limit) {
    return jdbc.sql(
            "SELECT community, COUNT(*) AS size FROM trust_membership WHERE tenant_id = :tenant"
                + " AND level = :level AND computation_id = "
                + LATEST_COMMUNITIES
                + " GROUP BY community ORDER BY size DESC, community LIMIT :limit")
        .param("tenant", tenant.value())
        .param("level", level)
        .param("limit", limit)
        .query((rs, n) -> new CommunitySize(level, rs.getInt(1), rs.getInt(2)))
        .list();
  }

  @Override
  public List<String> members(TenantId tenant, int level, int community, int limit) {
    return jdbc.sql(
            "SELECT entity FROM trust_membership WHERE tenant_id = :tenant AND level = :level"
                + " AND community = :community AND computation_id = "
                + LATEST_COMMUNITIES
                + " ORDER BY entity LIMIT :limit")
        .param("tenant", tenant.value())
        .param("level", level)
        .param("community", community)
        .param("limit", limit)
        .query(String.class)
        .list();
  }

  // Changes awaiting a computation

  @Override
  public void markChanged(TenantId tenant, Instant at) {
    String later =
        "UPDATE trust_changed SET changed_at = GREATEST(changed_at, ?) WHERE tenant_id = ?";
    if (jdbc.sql(later).params(time(at), tenant.value()).update() > 0) {
      return;
    }
    try {
      jdbc.sql("INSERT INTO trust_changed (tenant_id, changed_at) VALUES (?, ?)")
          .params(tenant.value(), time(at))
          .update();
    } catch (org.springframework.dao.DuplicateKeyException marked) {
      // Marked at the same moment by another writer: keep the later mark.
      jdbc.sql(later).params(time(at), tenant.value()).update();
    }
  }

  /** The tenants known to have a revision row. */
  private final Set<TenantId> counted = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Makes sure the tenant has a revision row, before a write's transaction (where a failed insert
   * would end the transaction on PostgreSQL).
   */
  private void counting(TenantId tenant) {
    if (counted.contains(tenant)) {
      return;
    }
    try {
      jdbc.sql("INSERT INTO trust_revision (tenant_id, revision) VALUES (?, 0)")
          .param(tenant.value())
          .update();
    } catch (org.springframework.dao.DuplicateKeyException exists) {
      // Made by an earlier write, here or on another instance.
    }
    counted.add(tenant);
  }

  /** Counts a write in the tenant's revision, within the write's transaction. */
  private void count(TenantId tenant) {
    if (jdbc.sql("UPDATE trust_revision SET revision = revision + 1 WHERE tenant_id = ?")
            .param(tenant.value())
            .update()
        == 0) {
      counted.remove(tenant);
      throw new IllegalStateException("the trust graph of tenant " + tenant + " has no revision");
    }
  }

  @Override
  public long revision(TenantId tenant) {
    return jdbc.sql("SELECT revision FROM trust_revision WHERE tenant_id = ?")
        .param(tenant.value())
        .query(Long.class)
        .optional()
        .orElse(0L);
  }

  @Override
  public Set<TenantId> changedTenants() {
    return Set.copyOf(
        jdbc.sql("SELECT tenant_id FROM trust_changed")
            .query((rs, n) -> new TenantId(rs.getObject(1, UUID.class)))
            .list());
  }

  @Override
  public void clearChanged(TenantId tenant, Instant upTo) {
    jdbc.sql("DELETE FROM trust_changed WHERE tenant_id = ? AND changed_at <= ?")
        .params(tenant.value(), time(upTo))
        .update();
  }

  // Policies

  @Override
  public void putPolicy(TenantId tenant, Policy policy) {
    transactions.executeWithoutResult(
        status -> {
          jdbc.sql("DELETE FROM trust_policy WHERE tenant_id = ? AND name = ?")
              .params(tenant.value(), policy.name())
              .update();
          jdbc.sql(
                  "INSERT INTO trust_policy (tenant_id, name, kind, minimum, entity_types,"
                      + " updated_at) VALUES (?, ?, ?, ?, ?, ?)")
              .params(
                  tenant.value(),
                  policy.name(),
                  policy.kind().name(),
                  policy.minimum(),
                  policy.entityTypes().stream()
                      .map(EntityType::name)
                      .sorted()
                      .collect(Collectors.joining(",")),
                  time(policy.updatedAt()))
              .update();
        });
  }

  @Override
  public Optional<Policy> policy(TenantId tenant, String name) {
    return jdbc.sql("SELECT * FROM trust_policy WHERE tenant_id = ? AND name = ?")
        .params(tenant.value(), name)
        .query(JdbcTrustGraphStore::policy)
        .optional();
  }

  @Override
  public List<Policy> policies(TenantId tenant) {
    return jdbc.sql("SELECT * FROM trust_policy WHERE tenant_id = ? ORDER BY name")
        .param(tenant.value())
        .query(JdbcTrustGraphStore::policy)
        .list();
  }

  @Override
  public boolean deletePolicy(TenantId tenant, String name) {
    return jdbc.sql("DELETE FROM trust_policy WHERE tenant_id = ? AND name = ?")
            .params(tenant.value(), name)
            .update()
        > 0;
  }

  // Rows

  /** How a key is read from a row of {@link #known}'s query. */
  @FunctionalInterface
  private interface KeyReader {
    String key(ResultSet rs) throws SQLException;
  }

  /**
   * The keys of those {@code rows} already stored, found by {@code sql}, which joins {@code table}
   * to the rows' key columns unnested (one varchar array parameter per column, then the tenant), a
   * statement per {@link #CHUNK} rows.
   *
   * <p>On PostgreSQL a batch of {@link #ANALYZE_BEFORE} rows or more first analyses the table:
   * without statistics on a table that grows batch by batch, PostgreSQL joined each batch to every
   * relationship (3 s per 10,000 once 100,000 were in), and an update per entity scanned the table
   * whole (100,000 entities loaded in 238 s).
   */
  private <T> java.util.Set<String> known(
      TenantId tenant,
      String table,
      String sql,
      List<T> rows,
      List<java.util.function.Function<T, String>> columns,
      KeyReader reader) {
    if (postgres && rows.size() >= ANALYZE_BEFORE) {
      batches.execute("ANALYZE " + table);
    }
    java.util.Set<String> found = new java.util.HashSet<>();
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<T> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      batches
          .query(
              sql,
              ps -> {
                int at = 1;
                for (var column : columns) {
                  ps.setArray(
                      at++,
                      ps.getConnection()
                          .createArrayOf("varchar", chunk.stream().map(column).toArray()));
                }
                ps.setObject(at, tenant.value());
              },
              (rs, n) -> reader.key(rs))
          .forEach(found::add);
    }
    return found;
  }

  /**
   * Inserts rows with one statement per {@link #CHUNK}: each column's values go as an array and are
   * unnested ({@code INSERT ... SELECT ... FROM UNNEST(?, ?, ...)}), the scalars (the tenant, the
   * computation) once. A JDBC batch sends a statement per row; on PostgreSQL that wrote 500,000
   * relationships in 200 s.
   *
   * @param scalars leading columns and their one value each
   * @param columns the other columns, each with its SQL array type ({@code varchar}, {@code
   *     float8}, {@code int4})
   * @param rows per row, the values of {@code columns}
   */
  private void insertColumns(
      String table, Map<String, Object> scalars, Map<String, String> columns, List<Object[]> rows) {
    List<String> names = new ArrayList<>(columns.keySet());
    List<String> types = new ArrayList<>(columns.values());
    String sql =
        "INSERT INTO "
            + table
            + " ("
            + String.join(", ", scalars.keySet())
            + ", "
            + String.join(", ", names)
            + ") SELECT "
            + "?, ".repeat(scalars.size())
            + names.stream().map(n -> "x." + n).collect(Collectors.joining(", "))
            + " FROM UNNEST("
            + String.join(", ", java.util.Collections.nCopies(names.size(), "?"))
            + ") AS x("
            + String.join(", ", names)
            + ")";
    List<Object> scalarValues = new ArrayList<>(scalars.values());
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      batches.update(
          sql,
          ps -> {
            int at = 1;
            for (Object value : scalarValues) {
              ps.setObject(at++, value);
            }
            for (int c = 0; c < names.size(); c++) {
              Object[] values = new Object[chunk.size()];
              for (int r = 0; r < values.length; r++) {
                values[r] = chunk.get(r)[c];
              }
              ps.setArray(at++, ps.getConnection().createArrayOf(types.get(c), values));
            }
          });
    }
  }

  private static Map<String, String> columns(String... pairs) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private int[] batch(String sql, List<Object[]> rows) {
    if (rows.isEmpty()) {
      return new int[0];
    }
    int[] counts = new int[rows.size()];
    int at = 0;
    for (int[] chunk : batches.batchUpdate(sql, rows, CHUNK, (ps, row) -> set(ps, row))) {
      for (int c : chunk) {
        counts[at++] = c;
      }
    }
    return counts;
  }

  private static void set(java.sql.PreparedStatement ps, Object[] row) throws SQLException {
    for (int i = 0; i < row.length; i++) {
      Object value = row[i];
      if (value == null) {
        ps.setNull(i + 1, Types.VARCHAR);
      } else {
        ps.setObject(i + 1, value);
      }
    }
  }

  private static Entity entity(ResultSet rs, int n) throws SQLException {
    return new Entity(
        rs.getString("id"),
        EntityType.valueOf(rs.getString("type")),
        rs.getString("name"),
        JSON.readValue(rs.getString("attributes"), STRINGS),
        rs.getBoolean("pretrusted"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"));
  }

  private static Edge edge(ResultSet rs, int n) throws SQLException {
    return new Edge(
        rs.getString("source"),
        rs.getString("target"),
        RelationType.valueOf(rs.getString("type")),
        rs.getDouble("weight"),
        instant(rs, "updated_at"));
  }

  private static Evidence evidence(ResultSet rs, int n) throws SQLException {
    return new Evidence(
        rs.getObject("id", UUID.class),
        rs.getString("subject"),
        rs.getString("source"),
        rs.getString("kind"),
        rs.getBoolean("positive"),
        rs.getDouble("weight"),
        instant(rs, "observed_at"),
        instant(rs, "recorded_at"),
        JSON.readValue(rs.getString("details"), STRINGS));
  }

  private static Computation computation(ResultSet rs, int n) throws SQLException {
    return new Computation(
        rs.getObject("id", UUID.class),
        rs.getLong("seq"),
        instant(rs, "computed_at"),
        rs.getInt("entities"),
        rs.getLong("edges"),
        rs.getLong("evidence"),
        rs.getInt("iterations"),
        rs.getBoolean("warm_start"),
        rs.getDouble("alpha"),
        rs.getInt("community_levels"),
        rs.getDouble("modularity"),
        rs.getLong("millis"),
        Objects.requireNonNullElse(rs.getString("social_hash"), ""),
        Objects.requireNonNullElse(
            rs.getObject("communities_from", UUID.class), rs.getObject("id", UUID.class)));
  }

  private static Score score(ResultSet rs, int n) throws SQLException {
    double sybil = rs.getDouble("sybilrank");
    Double sybilrank = rs.wasNull() ? null : sybil;
    return new Score(
        rs.getString("entity"),
        EntityType.valueOf(rs.getString("type")),
        rs.getDouble("eigentrust"),
        sybilrank,
        rs.getDouble("reputation"),
        rs.getDouble("uncertainty"),
        rs.getDouble("positive"),
        rs.getDouble("negative"));
  }

  private static Policy policy(ResultSet rs, int n) throws SQLException {
    String types = rs.getString("entity_types");
    Set<EntityType> set = EnumSet.noneOf(EntityType.class);
    if (!types.isEmpty()) {
      Arrays.stream(types.split(",")).map(EntityType::valueOf).forEach(set::add);
    }
    return new Policy(
        rs.getString("name"),
        ScoreKind.valueOf(rs.getString("kind")),
        rs.getDouble("minimum"),
        set,
        instant(rs, "updated_at"));
  }

  private static String json(Map<String, String> map) {
    return JSON.writeValueAsString(map);
  }

  private static OffsetDateTime time(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
