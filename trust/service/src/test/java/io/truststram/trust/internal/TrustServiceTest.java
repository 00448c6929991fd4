package io.truststram.trust.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.trust.TrustProblems;
import io.truststram.trust.TrustScores;
import io.truststram.trust.graph.EigenTrust;
import io.truststram.trust.graph.Graph;
import io.truststram.trust.internal.TrustGraphStore.Computation;
import io.truststram.trust.internal.TrustGraphStore.Direction;
import io.truststram.trust.internal.TrustGraphStore.RelationType;
import io.truststram.trust.internal.TrustGraphStore.Score;
import io.truststram.trust.internal.TrustService.ComputeInput;
import io.truststram.trust.internal.TrustService.EdgeInput;
import io.truststram.trust.internal.TrustService.EntityInput;
import io.truststram.trust.internal.TrustService.EvidenceInput;
import io.truststram.trust.internal.TrustService.PolicyInput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service's rules over the relational store: input checks, scoring, explanations, policies. */
class TrustServiceTest {

  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  static TrustGraphStore store;

  TenantId tenant;
  TrustService trust;

  static TrustProperties properties(int maxBatch, double alpha) {
    return properties(maxBatch, alpha, 1_000_000);
  }

  /** With {@code cacheEdges} for {@code explanation-cache-edges}. */
  static TrustProperties properties(int maxBatch, double alpha, long cacheEdges) {
    return properties(maxBatch, alpha, cacheEdges, 1_000_000);
  }

  /** With {@code graphEdges} for {@code graph-cache-edges} too. */
  static TrustProperties properties(int maxBatch, double alpha, long cacheEdges, long graphEdges) {
    return new TrustProperties(
        "jdbc",
        new TrustProperties.Neo4j("bolt://localhost:7687", "neo4j", "", ""),
        maxBatch,
        alpha,
        1e-12,
        1_000,
        1,
        0.5,
        Duration.ofDays(10),
        3,
        Duration.ofSeconds(5),
        Duration.ofMinutes(1),
        true,
        0.1,
        cacheEdges,
        graphEdges);
  }

  @BeforeAll
  static void database() {
    JdbcTrustGraphStoreTest.database();
    store = JdbcTrustGraphStoreTest.jdbcStore(JdbcTrustGraphStoreTest.dataSource);
  }

  @BeforeEach
  void setUp() {
    tenant = TenantId.newId();
    trust = service(properties(100, 0.15));
  }

  static TrustService service(TrustProperties properties) {
    return new TrustService(
        store, properties, Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());
  }

  @Test
  void aChangeBeforeARestartIsStillRecomputed() {
    TrustService before = startedAt(NOW);
    before.putEntities(tenant, List.of(node("a", true), node("b", false)));
    before.putEdges(tenant, List.of(new EdgeInput("a", "b", "TRUSTS", 1.0)));
    // Stopped before its recomputation ran; the next start finds the change in the store.
    TrustService after = startedAt(NOW.plusSeconds(1));
    assertThat(after.changedSinceComputation(tenant)).isTrue();
    assertThat(store.latestComputation(tenant)).isEmpty();
    after.recomputeChanged();
    assertThat(store.computations(tenant, 10)).hasSize(1);
    assertThat(store.changedTenants()).doesNotContain(tenant);
    // Answered: a further start has nothing to recompute for it.
    TrustService again = startedAt(NOW.plusSeconds(2));
    assertThat(again.changedSinceComputation(tenant)).isFalse();
    again.recomputeChanged();
    assertThat(store.computations(tenant, 10)).hasSize(1);
  }

  /** A service (a process started) whose clock stands at {@code at}. */
  private static TrustService startedAt(Instant at) {
    return new TrustService(
        store, properties(100, 0.15), Clock.fixed(at, ZoneOffset.UTC), new SimpleMeterRegistry());
  }

  static EntityInput node(String id, boolean pretrusted) {
    return new EntityInput(id, "client-node", null, Map.of(), pretrusted);
  }

  static EvidenceInput rating(
      String subject, @Nullable String source, boolean good, @Nullable Instant at) {
    return new EvidenceInput(
        subject, source, "rating", good ? "positive" : "negative", 1.0, at, null);
  }

  static ProblemException problem(Runnable call) {
    try {
      call.run();
    } catch (ProblemException e) {
      return e;
    }
    throw new AssertionError("no problem raised");
  }

  /** The detail of the problem a batch of relationships raises. */
  String edgeProblem(EdgeInput... edges) {
    return problem(() -> trust.putEdges(tenant, List.of(edges))).getMessage();
  }

  @Test
  void badInputIsRefusedWholeAndWritesNothing() {
    trust.putEntities(tenant, List.of(node("a", true), node("b", false)));
    assertThat(
            problem(
                    () ->
                        trust.putEntities(
                            tenant,
                            List.of(
                                node("c", false),
                                new EntityInput("d", "spaceship", null, null, null))))
                .type())
        .isEqualTo(TrustProblems.INVALID_INPUT);
    assertThat(store.entity(tenant, "c")).isEmpty();
    assertThat(
            problem(() -> trust.putEntities(tenant, List.of(node("bad id", false)))).getMessage())
        .contains("entities[0].id");
    assertThat(
            problem(() -> trust.putEntities(tenant, List.of(node("x", false), node("x", false))))
                .getMessage())
        .contains("twice");
    List<EntityInput> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(node("n" + i, false));
    }
    assertThat(problem(() -> trust.putEntities(tenant, many)).getMessage()).contains("at most 100");

    assertThat(
            edgeProblem(
                new EdgeInput("a", "b", "TRUSTS", 1.0), new EdgeInput("a", "a", "TRUSTS", 1.0)))
        .contains("self-loop");
    assertThat(edgeProblem(new EdgeInput("a", "b", "TRUSTS", -0.5))).contains("weight");
    assertThat(edgeProblem(new EdgeInput("a", "b", "TRUSTS", Double.NaN))).contains("weight");
    assertThat(edgeProblem(new EdgeInput("a", "b", "TRUSTS", Double.POSITIVE_INFINITY)))
        .contains("weight");
    assertThat(edgeProblem(new EdgeInput("a", "b", "LIKES", 1.0)))
        .contains("unknown relationship type");
    ProblemException unknown =
        problem(
            () ->
                trust.putEdges(
                    tenant,
                    List.of(
                        new EdgeInput("a", "b", "TRUSTS", 1.0),
                        new EdgeInput("a", "ghost", "TRUSTS", 1.0))));
    assertThat(unknown.type()).isEqualTo(TrustProblems.UNKNOWN_ENTITY);
    assertThat(unknown.properties().get("missing")).isEqualTo(List.of("ghost"));
    assertThat(store.edges(tenant, "a", Direction.BOTH, null, 10)).isEmpty();

    assertThat(
            problem(
                    () ->
                        trust.appendEvidence(
                            tenant, List.of(rating("b", "a", true, NOW.plus(Duration.ofHours(1))))))
                .getMessage())
        .contains("in the future");
    assertThat(
            problem(() -> trust.appendEvidence(tenant, List.of(rating("b", "b", true, null))))
                .getMessage())
        .contains("itself");
    assertThat(
            problem(
                    () ->
                        trust.appendEvidence(
                            tenant,
                            List.of(
                                new EvidenceInput("b", null, "rating", "maybe", 1.0, null, null))))
                .getMessage())
        .contains("outcome");
    assertThat(
            problem(
                    () ->
                        trust.appendEvidence(
                            tenant,
                            List.of(
                                rating("b", "a", true, null), rating("ghost", null, false, null))))
                .type())
        .isEqualTo(TrustProblems.UNKNOWN_ENTITY);
    assertThat(store.evidence(tenant, "b", 10)).isEmpty();
    // Within the allowed clock skew is fine.
    trust.appendEvidence(tenant, List.of(rating("b", "a", true, NOW.plusSeconds(30))));
    assertThat(store.evidence(tenant, "b", 10)).hasSize(1);
  }

  @Test
  void aCycleWithoutPreTrustedEntitiesAndAlphaZeroIsNotComputable() {
    trust.putEntities(tenant, List.of(node("a", false), node("b", false), node("c", false)));
    trust.putEdges(
        tenant,
        List.of(
            new EdgeInput("a", "b", "TRUSTS", 1.0),
            new EdgeInput("b", "c", "TRUSTS", 1.0),
            new EdgeInput("c", "a", "TRUSTS", 1.0)));
    ProblemException e = problem(() -> trust.compute(tenant, new ComputeInput(0.0, null, null)));
    assertThat(e.type()).isEqualTo(TrustProblems.NOT_COMPUTABLE);
    assertThat(store.latestComputation(tenant)).isEmpty();
    // With teleportation the cycle's trust is uniform.
    trust.compute(tenant, new ComputeInput(0.15, null, null));
    assertThat(store.score(tenant, "a").orElseThrow().eigentrust()).isCloseTo(1, within(1e-9));
  }

  @Test
  void scoresFollowEigenTrustOverRatingsAndEvidenceAndReputationOverEvidence() {
    fourNodes(new EdgeInput("c", "d", "COLLABORATED_WITH", 1.0));
    // d says good things about c (twice, one aged ten days: half weight) and one bad about b.
    trust.appendEvidence(
        tenant,
        List.of(
            rating("c", "d", true, NOW),
            rating("c", "d", true, NOW.minus(Duration.ofDays(10))),
            rating("b", "d", false, NOW),
            rating("b", null, true, NOW)));
    var computation = trust.compute(tenant, new ComputeInput(null, null, null));
    assertThat(computation.entities()).isEqualTo(4);
    assertThat(computation.evidence()).isEqualTo(4);
    assertThat(computation.warmStart()).isFalse();

    // The same computation by hand with trust/core: s_dc = 1 + 0.5, s_db = -1 (dropped).
    Graph.Builder local = new Graph.Builder(4, 4);
    local.add(0, 1, 2).add(0, 2, 1).add(1, 2, 1).add(3, 2, 1.5);
    double[] t =
        EigenTrust.compute(
                local.build(), new int[] {0}, null, new EigenTrust.Options(0.15, 1e-12, 1_000))
            .scores();
    String[] ids = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
      assertThat(store.score(tenant, ids[i]).orElseThrow().eigentrust())
          .isCloseTo(4 * t[i], within(1e-8));
    }
    // Beta reputation of c: r = 1.5, s = 0 -> (r + 1) / (r + s + 2).
    Score c = store.score(tenant, "c").orElseThrow();
    assertThat(c.reputation()).isCloseTo(2.5 / 3.5, within(1e-12));
    assertThat(c.uncertainty()).isCloseTo(2 / 3.5, within(1e-12));
    Score b = store.score(tenant, "b").orElseThrow();
    assertThat(b.reputation()).isCloseTo(0.5, within(1e-12));
    assertThat(b.positive()).isEqualTo(1);
    assertThat(b.negative()).isEqualTo(1);
    // SybilRank from the pre-trusted a reaches all of the connected social graph.
    assertThat(c.sybilrank()).isNotNull().isPositive();
    assertThat(store.memberships(tenant, "a")).isNotEmpty();

    // The explanation's contributions add up to the score.
    Map<String, Object> why = trust.explain(tenant, "c", 10, 4);
    @SuppressWarnings("unchecked")
    Map<String, Object> eigen = (Map<String, Object>) why.get("eigentrust");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> contributions =
        (List<Map<String, Object>>) eigen.get("contributions");
    double sum = contributions.stream().mapToDouble(r -> (double) r.get("amount")).sum();
    assertThat(sum).isCloseTo(c.eigentrust(), within(1e-8));
    assertThat(contributions)
        .extracting(r -> r.get("source"))
        .contains("a", "b", "d", "(pre-trusted)");

    // A second computation starts warm and keeps a history.
    trust.appendEvidence(tenant, List.of(rating("b", "a", false, NOW)));
    var second = trust.compute(tenant, new ComputeInput(null, null, null));
    assertThat(second.warmStart()).isTrue();
    assertThat(second.sequence()).isEqualTo(2);
    // Evidence changed, relationships did not: the communities are the first computation's.
    assertThat(second.communitiesFrom()).isEqualTo(computation.id());
    assertThat(second.communityLevels()).isEqualTo(computation.communityLevels());
    assertThat(store.memberships(tenant, "a")).isNotEmpty();
    trust.putEdges(tenant, List.of(new EdgeInput("d", "a", "COLLABORATED_WITH", 2.0)));
    var third = trust.compute(tenant, new ComputeInput(null, null, null));
    assertThat(third.communitiesFrom()).isEqualTo(third.id());
    assertThat(store.history(tenant, "b", 10)).hasSize(3);
    assertThat(store.score(tenant, "b").orElseThrow().reputation()).isLessThan(0.5);
  }

  @Test
  void anExplanationDescribesItsComputationNotTheGraphWrittenSince() {
    fourNodes();
    trust.compute(tenant, new ComputeInput(null, null, null));
    double c = store.score(tenant, "c").orElseThrow().eigentrust();
    // Written after the computation: d now vouches for c, but c's score does not know it yet.
    trust.putEdges(tenant, List.of(new EdgeInput("d", "c", "TRUSTS", 5.0)));

    List<Map<String, Object>> kept = contributions(trust.explain(tenant, "c", 10, 4));
    assertThat(kept.stream().mapToDouble(r -> (double) r.get("amount")).sum())
        .isCloseTo(c, within(1e-9));
    assertThat(kept).extracting(r -> r.get("source")).doesNotContain("d");
    assertThat(kept).extracting(r -> r.get("source")).contains("b");

    // Without the computation's graph in memory (another instance, or a cache of 0 edges), the
    // graph is read as it is now.
    TrustService other = service(properties(100, 0.15, 0));
    other.compute(tenant, new ComputeInput(null, null, null));
    trust.putEdges(tenant, List.of(new EdgeInput("b", "d", "TRUSTS", 1.0)));
    assertThat(contributions(other.explain(tenant, "d", 10, 4)))
        .extracting(r -> r.get("source"))
        .contains("b");
    // The first instance's graph belongs to an older computation: it reads the store too.
    assertThat(contributions(trust.explain(tenant, "d", 10, 4)))
        .extracting(r -> r.get("source"))
        .contains("b");

    // A deleted entity leaves explanations at once, before any computation: on the instance that
    // deleted it, and on one that keeps the computation's graph with it inside.
    trust.compute(tenant, new ComputeInput(null, null, null));
    TrustService peer = service(properties(100, 0.15));
    peer.compute(tenant, new ComputeInput(null, null, null));
    trust.deleteEntity(tenant, "b");
    assertThat(contributions(trust.explain(tenant, "c", 10, 4)))
        .extracting(r -> r.get("source"))
        .doesNotContain("b");
    assertThat(contributions(peer.explain(tenant, "c", 10, 4)))
        .extracting(r -> r.get("source"))
        .doesNotContain("b")
        .contains("(deleted)");
  }

  /** A clock that stands still until moved. */
  static final class MovingClock extends Clock {
    private volatile Instant now;

    MovingClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** How many computations of this registry's service read their graph from {@code source}. */
  private static double reads(SimpleMeterRegistry registry, String source) {
    return registry
        .get("truststram.trust.computation.graph")
        .tag("source", source)
        .counter()
        .count();
  }

  @Test
  void aComputationAfterItsOwnWritesUsesTheKeptGraphAndScoresAsIfItHadReadTheStore() {
    MovingClock clock = new MovingClock(NOW);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TrustService kept = new TrustService(store, properties(100, 0.15), clock, registry);
    kept.putEntities(
        tenant,
        List.of(
            node("a", true),
            node("b", false),
            node("c", false),
            node("d", false),
            node("e", false),
            new EntityInput("org", "organisation", null, null, false)));
    kept.putEdges(
        tenant,
        List.of(
            new EdgeInput("a", "b", "TRUSTS", 2.0),
            new EdgeInput("a", "c", "TRUSTS", 1.0),
            new EdgeInput("b", "c", "TRUSTS", 1.0),
            new EdgeInput("c", "d", "TRUSTS", 1.0),
            new EdgeInput("d", "org", "MEMBER_OF", 1.0),
            new EdgeInput("e", "org", "MEMBER_OF", 1.0),
            new EdgeInput("a", "org", "PRODUCED", 1.0)));
    kept.appendEvidence(
        tenant,
        List.of(
            rating("d", "b", true, NOW.minus(Duration.ofDays(3))),
            rating("e", "c", false, NOW.minus(Duration.ofDays(1)))));
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(reads(registry, "store")).isEqualTo(1);

    // Every kind of write the kept graph applies, with time passing (evidence halves in 10 days).
    clock.advance(Duration.ofDays(2));
    kept.putEdges(
        tenant,
        List.of(new EdgeInput("a", "b", "TRUSTS", 0.5), new EdgeInput("e", "a", "TRUSTS", 3.0)));
    kept.deleteEdge(tenant, "c", "d", "TRUSTS");
    kept.putEntities(tenant, List.of(node("b", true), node("c", false)));
    kept.appendEvidence(
        tenant,
        List.of(
            rating("c", "b", false, NOW),
            rating("b", "d", true, NOW.plus(Duration.ofDays(2)).plusSeconds(30)),
            rating("a", null, true, NOW.minus(Duration.ofDays(5)))));
    kept.observe(
        tenant,
        List.of(
            new TrustScores.Observation(
                "d",
                "client-node",
                "federation.update",
                true,
                2,
                NOW.plus(Duration.ofDays(1)),
                Map.of(),
                null)),
        List.of("d", "e", "b"));
    clock.advance(Duration.ofSeconds(10));
    // Evidence a little ahead of the clock counts in full, as a read of the store counts it.
    kept.appendEvidence(
        tenant, List.of(rating("e", "a", true, NOW.plus(Duration.ofDays(2)).plusSeconds(50))));
    Computation fromKept = kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(reads(registry, "kept")).isEqualTo(1);
    assertThat(reads(registry, "store")).isEqualTo(1);
    Map<String, Score> keptScores = store.scores(tenant);

    // Another instance, which keeps nothing, reads the store at the same moment.
    SimpleMeterRegistry fresh = new SimpleMeterRegistry();
    Computation fromStore =
        new TrustService(store, properties(100, 0.15), clock, fresh)
            .compute(tenant, new ComputeInput(null, null, null));
    assertThat(reads(fresh, "store")).isEqualTo(1);
    assertThat(fromStore.edges()).isEqualTo(fromKept.edges()).isEqualTo(10);
    assertThat(fromStore.evidence()).isEqualTo(fromKept.evidence()).isEqualTo(7);
    // The same social graph to the bit: its communities are the kept computation's.
    assertThat(fromStore.socialHash()).isEqualTo(fromKept.socialHash());
    assertThat(fromStore.communitiesFrom()).isEqualTo(fromKept.communitiesFrom());
    Map<String, Score> storeScores = store.scores(tenant);
    assertThat(storeScores.keySet()).isEqualTo(keptScores.keySet()).hasSize(6);
    for (String id : keptScores.keySet()) {
      Score a = keptScores.get(id);
      Score b = storeScores.get(id);
      assertThat(a.type()).as(id).isEqualTo(b.type());
      assertThat(a.eigentrust()).as(id).isCloseTo(b.eigentrust(), within(1e-9));
      assertThat(a.sybilrank()).as(id).isCloseTo(b.sybilrank(), within(1e-9));
      assertThat(a.positive()).as(id).isCloseTo(b.positive(), within(1e-12));
      assertThat(a.negative()).as(id).isCloseTo(b.negative(), within(1e-12));
      assertThat(a.reputation()).as(id).isCloseTo(b.reputation(), within(1e-12));
    }
    // The evidence ahead of the clock counted in full: d's rating of b and its observation.
    assertThat(keptScores.get("b").positive()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void aWriteFromAnotherInstanceOrANewEntityMakesTheNextComputationReadTheStore() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TrustService kept =
        new TrustService(store, properties(100, 0.15), Clock.fixed(NOW, ZoneOffset.UTC), registry);
    TrustService other = service(properties(100, 0.15));
    kept.putEntities(tenant, List.of(node("a", true), node("b", false), node("c", false)));
    kept.putEdges(tenant, List.of(new EdgeInput("a", "b", "TRUSTS", 1.0)));
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(store.score(tenant, "c").orElseThrow().eigentrust())
        .isLessThan(store.score(tenant, "b").orElseThrow().eigentrust());

    // Another instance writes; a write here afterwards does not hide that.
    other.putEdges(tenant, List.of(new EdgeInput("a", "c", "TRUSTS", 5.0)));
    kept.putEdges(tenant, List.of(new EdgeInput("b", "a", "TRUSTS", 1.0)));
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(reads(registry, "store")).isEqualTo(2);
    assertThat(reads(registry, "kept")).isZero();
    assertThat(store.score(tenant, "c").orElseThrow().eigentrust())
        .isGreaterThan(store.score(tenant, "b").orElseThrow().eigentrust());

    kept.putEdges(tenant, List.of(new EdgeInput("c", "b", "TRUSTS", 1.0)));
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(reads(registry, "kept")).isEqualTo(1);

    // A new entity, by a write or by an observation, and a deleted one: read again.
    kept.putEntities(tenant, List.of(node("d", false)));
    kept.compute(tenant, new ComputeInput(null, null, null));
    kept.observe(
        tenant,
        List.of(
            new TrustScores.Observation(
                "e", "client-node", "federation.update", true, 1, NOW, Map.of(), null)),
        List.of());
    kept.compute(tenant, new ComputeInput(null, null, null));
    kept.deleteEntity(tenant, "d");
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(reads(registry, "store")).isEqualTo(5);
    assertThat(reads(registry, "kept")).isEqualTo(1);
    assertThat(store.scores(tenant).keySet()).containsExactlyInAnyOrder("a", "b", "c", "e");

    // A kept graph that writes grow past the room for it is let go.
    TenantId small = TenantId.newId();
    SimpleMeterRegistry room = new SimpleMeterRegistry();
    // Four entities (10 each) and one related pair: 41; room for 45.
    TrustService tight =
        new TrustService(
            store, properties(100, 0.15, 1_000_000, 45), Clock.fixed(NOW, ZoneOffset.UTC), room);
    tight.putEntities(
        small, List.of(node("a", true), node("b", false), node("c", false), node("d", false)));
    tight.putEdges(small, List.of(new EdgeInput("a", "b", "TRUSTS", 1.0)));
    tight.compute(small, new ComputeInput(null, null, null));
    tight.putEdges(small, List.of(new EdgeInput("a", "c", "TRUSTS", 1.0)));
    tight.compute(small, new ComputeInput(null, null, null));
    assertThat(reads(room, "kept")).isEqualTo(1);
    tight.putEdges(
        small,
        List.of(
            new EdgeInput("b", "c", "TRUSTS", 1.0),
            new EdgeInput("c", "d", "TRUSTS", 1.0),
            new EdgeInput("d", "a", "TRUSTS", 1.0),
            new EdgeInput("d", "b", "TRUSTS", 1.0)));
    tight.compute(small, new ComputeInput(null, null, null));
    assertThat(reads(room, "kept")).isEqualTo(1);
    assertThat(reads(room, "store")).isEqualTo(2);

    // With no room to keep a graph, every computation reads the store.
    SimpleMeterRegistry none = new SimpleMeterRegistry();
    TrustService uncached =
        new TrustService(
            store, properties(100, 0.15, 1_000_000, 0), Clock.fixed(NOW, ZoneOffset.UTC), none);
    uncached.compute(tenant, new ComputeInput(null, null, null));
    uncached.putEdges(tenant, List.of(new EdgeInput("c", "a", "TRUSTS", 1.0)));
    uncached.compute(tenant, new ComputeInput(null, null, null));
    assertThat(reads(none, "store")).isEqualTo(2);
  }

  @Test
  void anObservationWithAnIdIsRecordedOnceAndCanBeWithdrawn() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TrustService kept =
        new TrustService(store, properties(100, 0.15), Clock.fixed(NOW, ZoneOffset.UTC), registry);
    kept.putEntities(tenant, List.of(node("a", true), node("n", false)));
    UUID id = UUID.randomUUID();
    TrustScores.Observation attested =
        new TrustScores.Observation(
            "n", "client-node", "crypto.key-attested", true, 2, NOW, Map.of("key", "k"), id);
    kept.observe(tenant, List.of(attested), List.of());
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(store.score(tenant, "n").orElseThrow().positive()).isEqualTo(2);
    // Delivered again: not recorded twice.
    kept.observe(tenant, List.of(attested), List.of());
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(store.evidence(tenant, "n", 10))
        .singleElement()
        .extracting(e -> e.id())
        .isEqualTo(id);
    assertThat(store.score(tenant, "n").orElseThrow().positive()).isEqualTo(2);

    kept.withdraw(tenant, id);
    assertThat(store.evidence(tenant, "n", 10)).isEmpty();
    assertThat(kept.changedSinceComputation(tenant)).isTrue();
    kept.compute(tenant, new ComputeInput(null, null, null));
    assertThat(store.score(tenant, "n").orElseThrow().positive()).isZero();
    assertThat(store.score(tenant, "n").orElseThrow().reputation()).isEqualTo(0.5);
    // The kept graph cannot take evidence out: that computation read the store.
    assertThat(reads(registry, "store")).isEqualTo(2);
    // Withdrawing what is not there changes nothing; what comes after its withdrawal stays out.
    kept.withdraw(tenant, id);
    assertThat(kept.changedSinceComputation(tenant)).isFalse();
    kept.observe(tenant, List.of(attested), List.of());
    assertThat(store.evidence(tenant, "n", 10)).isEmpty();
    UUID early = UUID.randomUUID();
    kept.withdraw(tenant, early);
    kept.observe(
        tenant,
        List.of(
            new TrustScores.Observation(
                "n", "client-node", "crypto.key-attested", true, 2, NOW, Map.of(), early)),
        List.of());
    assertThat(store.evidence(tenant, "n", 10)).isEmpty();
  }

  /** a (pre-trusted), b, c and d; a trusts b (2) and c (1), b trusts c (1); and {@code more}. */
  private void fourNodes(EdgeInput... more) {
    trust.putEntities(
        tenant, List.of(node("a", true), node("b", false), node("c", false), node("d", false)));
    List<EdgeInput> edges = new ArrayList<>();
    edges.add(new EdgeInput("a", "b", "TRUSTS", 2.0));
    edges.add(new EdgeInput("a", "c", "TRUSTS", 1.0));
    edges.add(new EdgeInput("b", "c", "TRUSTS", 1.0));
    edges.addAll(List.of(more));
    trust.putEdges(tenant, edges);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> contributions(Map<String, Object> explanation) {
    Map<String, Object> eigen = (Map<String, Object>) explanation.get("eigentrust");
    return (List<Map<String, Object>>) eigen.get("contributions");
  }

  @Test
  void policiesJudgeScores() {
    trust.putEntities(
        tenant,
        List.of(
            node("a", true), node("b", false), new EntityInput("m", "model", null, null, null)));
    trust.putEdges(tenant, List.of(new EdgeInput("a", "b", "TRUSTS", 1.0)));
    trust.appendEvidence(
        tenant, List.of(rating("b", null, false, NOW), rating("b", null, false, NOW)));
    trust.putPolicy(tenant, "join", new PolicyInput("reputation", 0.4, List.of("client-node")));
    assertThat(trust.check(tenant, "join", "b").passed()).isFalse();
    assertThat(trust.check(tenant, "join", "b").reason()).contains("not been scored");
    trust.compute(tenant, new ComputeInput(null, null, null));
    TrustService.Verdict b = trust.check(tenant, "join", "b");
    assertThat(b.passed()).isFalse();
    assertThat(b.value()).isCloseTo(0.25, within(1e-12));
    assertThat(b.reason()).contains("is below 0.4");
    assertThat(trust.check(tenant, "join", "a").passed()).isTrue();
    assertThat(trust.check(tenant, "join", "m").reason()).contains("does not apply");
    assertThat(
            problem(() -> trust.putPolicy(tenant, "join", new PolicyInput("reputation", 1.5, null)))
                .type())
        .isEqualTo(TrustProblems.INVALID_INPUT);
    assertThat(
            problem(() -> trust.putPolicy(tenant, "join", new PolicyInput("karma", 0.5, null)))
                .type())
        .isEqualTo(TrustProblems.INVALID_INPUT);
    assertThat(problem(() -> trust.check(tenant, "none", "a")).type())
        .isEqualTo(TrustProblems.POLICY_NOT_FOUND);
  }

  @Test
  void observationsEnterTheGraphAndMoveReputationAndAdmission() {
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      nodes.add(new UUID(0, i + 1).toString());
    }
    String attacker = nodes.get(0);
    for (int round = 1; round <= 5; round++) {
      List<TrustScores.Observation> observations = new ArrayList<>();
      for (String node : nodes) {
        observations.add(
            new TrustScores.Observation(
                node,
                "client-node",
                "federation.update",
                !node.equals(attacker),
                1,
                NOW.minusSeconds(600 - round),
                Map.of("round", Integer.toString(round)),
                null));
      }
      if (round == 5) {
        observations.add(
            new TrustScores.Observation(
                attacker, "client-node", "federation.quarantine", false, 1, NOW, Map.of(), null));
      }
      trust.observe(tenant, observations, nodes);
    }
    assertThat(store.entity(tenant, attacker).orElseThrow().type())
        .isEqualTo(TrustGraphStore.EntityType.CLIENT_NODE);
    assertThat(store.evidence(tenant, attacker, 100)).hasSize(6).allMatch(e -> !e.positive());
    assertThat(
            store.edges(tenant, nodes.get(1), Direction.BOTH, RelationType.COLLABORATED_WITH, 100))
        .hasSize(9)
        .allMatch(e -> e.weight() == 5);
    assertThat(trust.reputation(tenant, attacker)).isEmpty();
    assertThat(trust.admits(tenant, "federation-selection", attacker, "client-node")).isTrue();
    assertThat(trust.changedSinceComputation(tenant)).isTrue();
    trust.recomputeChanged();
    assertThat(trust.changedSinceComputation(tenant)).isFalse();
    // Six negative records minutes old (forgetting barely touches them): (0 + 1) / (6 + 2).
    assertThat(trust.reputation(tenant, attacker).orElseThrow()).isCloseTo(1.0 / 8, within(1e-3));
    assertThat(trust.reputation(tenant, nodes.get(1)).orElseThrow())
        .isCloseTo(6.0 / 7, within(1e-3));

    trust.putPolicy(
        tenant, "federation-selection", new PolicyInput("reputation", 0.3, List.of("client-node")));
    assertThat(trust.admits(tenant, "federation-selection", attacker, "client-node")).isFalse();
    assertThat(trust.admits(tenant, "federation-selection", nodes.get(1), "client-node")).isTrue();
    assertThat(trust.admits(tenant, "federation-selection", attacker, "model")).isTrue();
    assertThat(trust.admits(tenant, "federation-selection", "newcomer", "client-node")).isTrue();
    assertThat(trust.admits(tenant, "no-such-policy", attacker, "client-node")).isTrue();
  }
}
