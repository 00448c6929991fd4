package io.truststram.trust.internal;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where a tenant's trust graph lives: entities, relationships, evidence, computed scores with their
 * history, communities and policies. Two adapters pass one contract ({@code
 * TrustGraphStoreContract}): relational tables ({@link JdbcTrustGraphStore}, H2 or PostgreSQL) and
 * Neo4j ({@link Neo4jTrustGraphStore}). Every method is scoped to one tenant; a batch is written
 * whole or not at all. Instants are kept to the millisecond.
 */
interface TrustGraphStore {

  /** What an entity is. */
  enum EntityType {
    ORGANISATION,
    USER,
    CLIENT_NODE,
    MODEL,
    DATASET,
    AGENT;

    /** The name on the wire: {@code client-node}. */
    String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<EntityType> parse(String text) {
      return Arrays.stream(values()).filter(t -> t.wire().equals(text)).findFirst();
    }
  }

  /** How two entities relate. */
  enum RelationType {
    /** A local trust rating of the target by the source (EigenTrust's s_ij). */
    TRUSTS,
    /** The two took part in something together (a federation round, an agent interaction). */
    COLLABORATED_WITH,
    /** The source belongs to the target (a node to its organisation, a user to a team). */
    MEMBER_OF,
    /** The source made the target (an organisation a model, a federation a model version). */
    PRODUCED,
    /** The source (a model) was trained on the target (a data set). */
    TRAINED_ON,
    /** The source's claims are vouched for by the target (a key manager, an auditor). */
    ATTESTED_BY;

    static Optional<RelationType> parse(String text) {
      return Arrays.stream(values()).filter(t -> t.name().equals(text)).findFirst();
    }
  }

  /** Which score a policy or a ranking uses. */
  enum ScoreKind {
    /** EigenTrust's global trust, times the number of entities (1 is the average). */
    EIGENTRUST,
    /** SybilRank's degree-normalised trust from the pre-trusted seeds, times the entity count. */
    SYBILRANK,
    /** The Beta reputation's expected value from evidence, in [0, 1]. */
    REPUTATION;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ScoreKind> parse(String text) {
      return Arrays.stream(values()).filter(t -> t.wire().equals(text)).findFirst();
    }
  }

  /** Which relationships of an entity. */
  enum Direction {
    OUT,
    IN,
    BOTH
  }

  /** Something that can be trusted. */
  record Entity(
      String id,
      EntityType type,
      String name,
      Map<String, String> attributes,
      boolean pretrusted,
      Instant createdAt,
      Instant updatedAt) {

    public Entity {
      attributes = Map.copyOf(attributes);
    }
  }

  /** A typed, weighted relationship; at most one of a type from one entity to another. */
  record Edge(String source, String target, RelationType type, double weight, Instant updatedAt) {}

  /**
   * An observation about an entity.
   *
   * @param subject the entity observed
   * @param source the entity that observed it (its rating of the subject feeds EigenTrust), or null
   *     for the platform itself
   * @param kind what was observed, e.g. {@code federation.update}, {@code rating}
   * @param positive whether it speaks for the subject
   * @param weight how much it counts (positive, finite)
   */
  record Evidence(
      UUID id,
      String subject,
      @Nullable String source,
      String kind,
      boolean positive,
      double weight,
      Instant observedAt,
      Instant recordedAt,
      Map<String, String> details) {

    public Evidence {
      details = Map.copyOf(details);
    }
  }

  /**
   * One run of the scoring over a tenant's graph.
   *
   * @param socialHash the SHA-256 of the social graph its communities come from (hex)
   * @param communitiesFrom the computation whose stored communities are this one's: its own id, or
   *     an earlier computation's when the social graph had not changed
   */
  record Computation(
      UUID id,
      long sequence,
      Instant computedAt,
      int entities,
      long edges,
      long evidence,
      int iterations,
      boolean warmStart,
      double alpha,
      int communityLevels,
      double modularity,
      long millis,
      String socialHash,
      UUID communitiesFrom) {}

  /** An entity's scores in one computation. */
  record Score(
      String entity,
      EntityType type,
      double eigentrust,
      @Nullable Double sybilrank,
      double reputation,
      double uncertainty,
      double positive,
      double negative) {

    double value(ScoreKind kind) {
      return switch (kind) {
        case EIGENTRUST -> eigentrust;
        case SYBILRANK -> sybilrank == null ? Double.NaN : sybilrank;
        case REPUTATION -> reputation;
      };
    }
  }

  /** The longest ranking a store keeps per kind and scope (the most top-k may ask for). */
  int RANKED = 1_000;

  /**
   * Each score's rank by each kind, overall and within its entity type: 1 the highest, ties broken
   * by id; 0 where the score has no value of that kind. Stores keep the first {@link #RANKED} with
   * the computation, so that top-k reads k rows of an index.
   *
   * @return per kind ({@link ScoreKind#ordinal()}), the overall ranks then the ranks within type,
   *     each in the order of {@code scores}
   */
  static int[][][] ranks(List<Score> scores) {
    int n = scores.size();
    int[][][] out = new int[ScoreKind.values().length][2][n];
    for (ScoreKind kind : ScoreKind.values()) {
      List<Integer> order = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!Double.isNaN(scores.get(i).value(kind))) {
          order.add(i);
        }
      }
      order.sort(
          java.util.Comparator.comparingDouble((Integer i) -> -scores.get(i).value(kind))
              .thenComparing(i -> scores.get(i).entity()));
      int[] withinType = new int[EntityType.values().length];
      for (int r = 0; r < order.size(); r++) {
        int i = order.get(r);
        out[kind.ordinal()][0][i] = r + 1;
        out[kind.ordinal()][1][i] = ++withinType[scores.get(i).type().ordinal()];
      }
    }
    return out;
  }

  /** A score in the history of an entity. */
  record HistoryPoint(UUID computation, Instant computedAt, Score score) {}

  /** An entity's community at one level of the hierarchy (0 the finest). */
  record Membership(String entity, int level, int community) {}

  /** A community at one level, and how many entities it holds. */
  record CommunitySize(int level, int community, int size) {}

  /** A minimum score for entities of some types (all types when empty). */
  record Policy(
      String name, ScoreKind kind, double minimum, Set<EntityType> entityTypes, Instant updatedAt) {

    public Policy {
      entityTypes = Set.copyOf(entityTypes);
    }
  }

  /** Receives a tenant's whole graph, for scoring: entities first, then edges, then evidence. */
  interface GraphVisitor {
    void entity(String id, EntityType type, boolean pretrusted);

    void edge(String source, String target, RelationType type, double weight);

    void evidence(
        String subject, @Nullable String source, boolean positive, double weight, Instant at);
  }

  // Entities

  /** Creates or replaces entities (keeping each one's creation time). */
  void putEntities(TenantId tenant, List<Entity> entities);

  Optional<Entity> entity(TenantId tenant, String id);

  /** Entities by id, optionally of one type. */
  Page<Entity> entities(TenantId tenant, @Nullable EntityType type, PageRequest page);

  /** Those of {@code ids} the tenant does not have. */
  Set<String> missing(TenantId tenant, Collection<String> ids);

  /** Deletes an entity with its relationships, evidence about it and its scores. */
  boolean deleteEntity(TenantId tenant, String id);

  long countEntities(TenantId tenant);

  // Relationships

  /** Creates relationships or replaces their weights. */
  void putEdges(TenantId tenant, List<Edge> edges);

  /** Adds to relationships' weights, creating those that do not exist. */
  void addToEdges(TenantId tenant, List<Edge> edges);

  List<Edge> edges(
      TenantId tenant, String entity, Direction direction, @Nullable RelationType type, int limit);

  boolean deleteEdge(TenantId tenant, String source, String target, RelationType type);

  // Evidence

  void appendEvidence(TenantId tenant, List<Evidence> evidence);

  /** Whether the tenant has an evidence record of that id. */
  boolean hasEvidence(TenantId tenant, UUID id);

  /** Deletes an evidence record; whether there was one. */
  boolean deleteEvidence(TenantId tenant, UUID id);

  /** Evidence about an entity, newest observation first. */
  List<Evidence> evidence(TenantId tenant, String subject, int limit);

  /** Walks the tenant's whole graph. */
  void scan(TenantId tenant, GraphVisitor visitor);

  // Scores and communities

  /**
   * Stores a computation with its scores and memberships (none when it reuses an earlier
   * computation's communities), then keeps only the newest {@code keep} computations' scores and
   * the memberships they use (the computations themselves stay listed).
   */
  void saveComputation(
      TenantId tenant,
      Computation computation,
      List<Score> scores,
      List<Membership> memberships,
      int keep);

  Optional<Computation> latestComputation(TenantId tenant);

  List<Computation> computations(TenantId tenant, int limit);

  /** An entity's scores in the latest computation. */
  Optional<Score> score(TenantId tenant, String entity);

  /** The latest computation's scores of every entity, for warm starts. */
  Map<String, Score> scores(TenantId tenant);

  /** The highest {@code k} scores of a kind in the latest computation. */
  List<Score> top(TenantId tenant, ScoreKind kind, @Nullable EntityType type, int k);

  /** An entity's scores in the kept computations, newest first. */
  List<HistoryPoint> history(TenantId tenant, String entity, int limit);

  /** An entity's communities in the latest computation, finest level first. */
  List<Membership> memberships(TenantId tenant, String entity);

  /** The communities of a level in the latest computation, largest first. */
  List<CommunitySize> communities(TenantId tenant, int level, int limit);

  /** The members of a community in the latest computation, by id. */
  List<String> members(TenantId tenant, int level, int community, int limit);

  // Changes awaiting a computation

  /** Records that the tenant's graph changed at {@code at}; the latest mark is kept. */
  void markChanged(TenantId tenant, Instant at);

  /**
   * The tenant's graph revision: how many writes (of entities, relationships or evidence, deletes
   * included) it has taken, each counted in the write's own transaction; 0 for none. One more after
   * a write than before it means that nobody else wrote in between.
   */
  long revision(TenantId tenant);

  /** The tenants with a change that no computation has cleared. */
  Set<TenantId> changedTenants();

  /** Clears the tenant's mark if it is no later than {@code upTo} (a later change stays). */
  void clearChanged(TenantId tenant, Instant upTo);

  // Policies

  void putPolicy(TenantId tenant, Policy policy);

  Optional<Policy> policy(TenantId tenant, String name);

  List<Policy> policies(TenantId tenant);

  boolean deletePolicy(TenantId tenant, String name);
}
