package io.truststram.trust.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import io.truststram.trust.internal.TrustGraphStore.Computation;
import io.truststram.trust.internal.TrustGraphStore.Direction;
import io.truststram.trust.internal.TrustGraphStore.Edge;
import io.truststram.trust.internal.TrustGraphStore.Entity;
import io.truststram.trust.internal.TrustGraphStore.EntityType;
import io.truststram.trust.internal.TrustGraphStore.Evidence;
import io.truststram.trust.internal.TrustGraphStore.GraphVisitor;
import io.truststram.trust.internal.TrustGraphStore.Membership;
import io.truststram.trust.internal.TrustGraphStore.Policy;
import io.truststram.trust.internal.TrustGraphStore.RelationType;
import io.truststram.trust.internal.TrustGraphStore.Score;
import io.truststram.trust.internal.TrustGraphStore.ScoreKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link TrustGraphStore} adapter must do, run against each of them. */
abstract class TrustGraphStoreContract {

  static final Instant T0 = Instant.parse("2026-11-01T10:00:00.123Z");

  TrustGraphStore store;
  TenantId tenant;
  TenantId other;

  abstract TrustGraphStore store();

  @BeforeEach
  void setUp() {
    store = store();
    tenant = TenantId.newId();
    other = TenantId.newId();
  }

  static Entity entity(String id, EntityType type, boolean pretrusted) {
    return new Entity(id, type, id.toUpperCase(), Map.of("region", "eu"), pretrusted, T0, T0);
  }

  static Edge edge(String source, String target, RelationType type, double weight) {
    return new Edge(source, target, type, weight, T0);
  }

  static Evidence evidence(String subject, @Nullable String source, boolean positive, int minute) {
    return new Evidence(
        UUID.randomUUID(),
        subject,
        source,
        "rating",
        positive,
        1.5,
        T0.plusSeconds(60L * minute),
        T0.plusSeconds(3_600),
        Map.of("round", Integer.toString(minute)));
  }

  void threeEntities() {
    store.putEntities(
        tenant,
        List.of(
            entity("a", EntityType.ORGANISATION, true),
            entity("b", EntityType.CLIENT_NODE, false),
            entity("c", EntityType.AGENT, false)));
  }

  @Test
  void entitiesAreWrittenReadAndReplacedKeepingTheirCreationTime() {
    threeEntities();
    assertThat(store.entity(tenant, "a")).contains(entity("a", EntityType.ORGANISATION, true));
    Entity replaced =
        new Entity(
            "a",
            EntityType.MODEL,
            "renamed",
            Map.of(),
            false,
            T0.plusSeconds(5),
            T0.plusSeconds(9));
    store.putEntities(tenant, List.of(replaced));
    Entity read = store.entity(tenant, "a").orElseThrow();
    assertThat(read.name()).isEqualTo("renamed");
    assertThat(read.type()).isEqualTo(EntityType.MODEL);
    assertThat(read.attributes()).isEmpty();
    assertThat(read.pretrusted()).isFalse();
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(read.updatedAt()).isEqualTo(T0.plusSeconds(9));
    assertThat(store.countEntities(tenant)).isEqualTo(3);
    assertThat(store.entity(other, "a")).isEmpty();
    assertThat(store.countEntities(other)).isZero();
    // An id given twice in one call, new and known alike, ends as its last version.
    store.putEntities(
        tenant,
        List.of(
            entity("fresh", EntityType.USER, false),
            entity("a", EntityType.USER, false),
            new Entity("fresh", EntityType.DATASET, "again", Map.of(), true, T0, T0),
            new Entity("a", EntityType.AGENT, "last", Map.of(), false, T0, T0.plusSeconds(11))));
    assertThat(store.entity(tenant, "fresh").orElseThrow())
        .extracting(Entity::type, Entity::name, Entity::pretrusted)
        .containsExactly(EntityType.DATASET, "again", true);
    assertThat(store.entity(tenant, "a").orElseThrow().name()).isEqualTo("last");
    assertThat(store.countEntities(tenant)).isEqualTo(4);
  }

  @Test
  void changesAwaitingAComputationKeepTheLatestMarkUntilCleared() {
    TenantId other = TenantId.newId();
    store.markChanged(tenant, T0.plusSeconds(10));
    store.markChanged(tenant, T0.plusSeconds(5));
    store.markChanged(other, T0);
    assertThat(store.changedTenants()).contains(tenant, other);
    // A computation that read the graph before the latest change leaves the mark.
    store.clearChanged(tenant, T0.plusSeconds(9));
    assertThat(store.changedTenants()).contains(tenant);
    store.clearChanged(tenant, T0.plusSeconds(10));
    assertThat(store.changedTenants()).doesNotContain(tenant).contains(other);
    store.clearChanged(other, T0);
    assertThat(store.changedTenants()).doesNotContain(tenant, other);
  }

  @Test
  void everyWriteCountsInTheTenantsRevisionAndNothingElseDoes() {
    assertThat(store.revision(tenant)).isZero();
    threeEntities();
    assertThat(store.revision(tenant)).isEqualTo(1);
    store.putEdges(tenant, List.of(edge("a", "b", RelationType.TRUSTS, 1)));
    store.addToEdges(tenant, List.of(edge("a", "b", RelationType.TRUSTS, 1)));
    Evidence rating = evidence("b", "a", true, 1);
    store.appendEvidence(tenant, List.of(rating, evidence("c", "a", false, 2)));
    assertThat(store.hasEvidence(tenant, rating.id())).isTrue();
    assertThat(store.hasEvidence(other, rating.id())).isFalse();
    assertThat(store.deleteEvidence(tenant, rating.id())).isTrue();
    assertThat(store.hasEvidence(tenant, rating.id())).isFalse();
    assertThat(store.evidence(tenant, "b", 10)).isEmpty();
    assertThat(store.deleteEdge(tenant, "a", "b", RelationType.TRUSTS)).isTrue();
    assertThat(store.deleteEntity(tenant, "c")).isTrue();
    assertThat(store.revision(tenant)).isEqualTo(7);
    // Deleting what is not there writes nothing.
    assertThat(store.deleteEvidence(tenant, rating.id())).isFalse();
    assertThat(store.deleteEvidence(other, rating.id())).isFalse();
    assertThat(store.deleteEdge(tenant, "a", "b", RelationType.TRUSTS)).isFalse();
    assertThat(store.deleteEntity(tenant, "c")).isFalse();
    assertThat(store.revision(tenant)).isEqualTo(7);
    // Marks, reads and computations are not writes of the graph; another tenant counts its own.
    store.markChanged(tenant, T0);
    store.clearChanged(tenant, T0);
    store.scan(
        tenant,
        new TrustScoring.Snapshot(
            T0, io.truststram.trust.reputation.BetaReputation.Forgetting.NONE));
    assertThat(store.revision(tenant)).isEqualTo(7);
    assertThat(store.revision(other)).isZero();
  }

  @Test
  void concurrentWritesEachCountOnce() throws Exception {
    threeEntities();
    int writers = 4;
    int writes = 10;
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(writers)) {
      List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        runs.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < writes; k++) {
                    store.addToEdges(tenant, List.of(edge("a", "b", RelationType.TRUSTS, 1)));
                  }
                }));
      }
      for (var run : runs) {
        run.get();
      }
    }
    assertThat(store.revision(tenant)).isEqualTo(1L + writers * writes);
    assertThat(store.edges(tenant, "a", TrustGraphStore.Direction.OUT, null, 10))
        .singleElement()
        .extracting(Edge::weight)
        .isEqualTo((double) writers * writes);
  }

  @Test
  void entitiesArePagedByIdAndFilteredByType() {
    List<Entity> many = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      many.add(entity("n" + i, i % 2 == 0 ? EntityType.CLIENT_NODE : EntityType.USER, false));
    }
    store.putEntities(tenant, many);
    Page<Entity> first = store.entities(tenant, null, new PageRequest(3, null));
    assertThat(first.items()).extracting(Entity::id).containsExactly("n0", "n1", "n2");
    assertThat(first.nextCursor()).isNotNull();
    Page<Entity> second = store.entities(tenant, null, new PageRequest(3, "n2"));
    assertThat(second.items()).extracting(Entity::id).containsExactly("n3", "n4", "n5");
    Page<Entity> last = store.entities(tenant, null, new PageRequest(3, "n5"));
    assertThat(last.items()).extracting(Entity::id).containsExactly("n6");
    assertThat(last.nextCursor()).isNull();
    assertThat(store.entities(tenant, EntityType.USER, new PageRequest(10, null)).items())
        .extracting(Entity::id)
        .containsExactly("n1", "n3", "n5");
    assertThat(store.entities(other, null, new PageRequest(10, null)).items()).isEmpty();
  }

  @Test
  void missingNamesTheIdsTheTenantDoesNotHave() {
    threeEntities();
    assertThat(store.missing(tenant, List.of("a", "x", "c", "y"))).containsExactly("x", "y");
    assertThat(store.missing(other, List.of("a"))).containsExactly("a");
  }

  @Test
  void edgesAreReplacedOrAddedToAndQueriedByDirectionAndType() {
    threeEntities();
    store.putEdges(
        tenant,
        List.of(
            edge("a", "b", RelationType.TRUSTS, 0.8),
            edge("b", "c", RelationType.TRUSTS, 0.3),
            edge("a", "b", RelationType.COLLABORATED_WITH, 2)));
    store.putEdges(tenant, List.of(edge("a", "b", RelationType.TRUSTS, 0.5)));
    store.addToEdges(
        tenant,
        List.of(
            edge("a", "b", RelationType.COLLABORATED_WITH, 1),
            edge("c", "a", RelationType.COLLABORATED_WITH, 1)));
    assertThat(store.edges(tenant, "a", Direction.OUT, null, 10))
        .extracting(Edge::target, Edge::type, Edge::weight)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b", RelationType.COLLABORATED_WITH, 3.0),
            org.assertj.core.groups.Tuple.tuple("b", RelationType.TRUSTS, 0.5));
    assertThat(store.edges(tenant, "a", Direction.IN, null, 10))
        .extracting(Edge::source)
        .containsExactly("c");
    assertThat(store.edges(tenant, "b", Direction.BOTH, RelationType.TRUSTS, 10))
        .extracting(Edge::source, Edge::target)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "b"),
            org.assertj.core.groups.Tuple.tuple("b", "c"));
    assertThat(store.edges(tenant, "b", Direction.BOTH, null, 1)).hasSize(1);
    assertThat(store.deleteEdge(tenant, "a", "b", RelationType.TRUSTS)).isTrue();
    assertThat(store.deleteEdge(tenant, "a", "b", RelationType.TRUSTS)).isFalse();
    assertThat(store.edges(tenant, "a", Direction.OUT, RelationType.TRUSTS, 10)).isEmpty();
    assertThat(store.edges(other, "a", Direction.BOTH, null, 10)).isEmpty();
  }

  @Test
  void evidenceIsListedNewestFirst() {
    threeEntities();
    Evidence early = evidence("b", "a", true, 1);
    Evidence late = evidence("b", null, false, 5);
    Evidence middle = evidence("b", "c", true, 3);
    store.appendEvidence(tenant, List.of(early, late, middle));
    assertThat(store.evidence(tenant, "b", 10)).containsExactly(late, middle, early);
    assertThat(store.evidence(tenant, "b", 1)).containsExactly(late);
    assertThat(store.evidence(other, "b", 10)).isEmpty();
  }

  @Test
  void scanVisitsEveryEntityEdgeAndEvidenceOfTheTenant() {
    threeEntities();
    store.putEntities(other, List.of(entity("z", EntityType.USER, false)));
    store.putEdges(tenant, List.of(edge("a", "b", RelationType.TRUSTS, 0.8)));
    store.appendEvidence(tenant, List.of(evidence("c", "b", false, 2)));
    List<String> seen = new ArrayList<>();
    store.scan(
        tenant,
        new GraphVisitor() {
          @Override
          public void entity(String id, EntityType type, boolean pretrusted) {
            seen.add("entity " + id + " " + type + " " + pretrusted);
          }

          @Override
          public void edge(String source, String target, RelationType type, double weight) {
            seen.add("edge " + source + ">" + target + " " + type + " " + weight);
          }

          @Override
          public void evidence(
              String subject,
              @Nullable String source,
              boolean positive,
              double weight,
              Instant at) {
            seen.add(
                "evidence " + subject + " " + source + " " + positive + " " + weight + " " + at);
          }
        });
    assertThat(seen)
        .containsExactly(
            "entity a ORGANISATION true",
            "entity b CLIENT_NODE false",
            "entity c AGENT false",
            "edge a>b TRUSTS 0.8",
            "evidence c b false 1.5 " + T0.plusSeconds(120));
  }

  static Computation computation(long sequence) {
    UUID id = UUID.randomUUID();
    return new Computation(
        id,
        sequence,
        T0.plusSeconds(sequence),
        3,
        2,
        1,
        12,
        sequence > 1,
        0.15,
        1,
        0.25,
        4,
        "ab".repeat(32),
        id);
  }

  static Score score(
      String entity,
      EntityType type,
      double eigentrust,
      @Nullable Double sybil,
      double reputation) {
    return new Score(entity, type, eigentrust, sybil, reputation, 0.5, 1, 1);
  }

  @Test
  void computationsKeepScoresCommunitiesAndABoundedHistory() {
    threeEntities();
    assertThat(store.latestComputation(tenant)).isEmpty();
    assertThat(store.score(tenant, "a")).isEmpty();
    assertThat(store.top(tenant, ScoreKind.EIGENTRUST, null, 5)).isEmpty();
    for (long seq = 1; seq <= 3; seq++) {
      store.saveComputation(
          tenant,
          computation(seq),
          List.of(
              score("a", EntityType.ORGANISATION, 1.5 + seq, 2.0, 0.9),
              score("b", EntityType.CLIENT_NODE, 1.0, null, 0.2 * seq),
              score("c", EntityType.AGENT, 0.5, 0.5, 0.5)),
          List.of(
              new Membership("a", 0, 1),
              new Membership("b", 0, 1),
              new Membership("c", 0, 2),
              new Membership("a", 1, 7),
              new Membership("b", 1, 7),
              new Membership("c", 1, 7)),
          2);
    }
    Computation latest = store.latestComputation(tenant).orElseThrow();
    assertThat(latest.sequence()).isEqualTo(3);
    assertThat(latest.iterations()).isEqualTo(12);
    assertThat(latest.warmStart()).isTrue();
    assertThat(latest.computedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(store.computations(tenant, 10))
        .extracting(Computation::sequence)
        .containsExactly(3L, 2L, 1L);
    assertThat(store.score(tenant, "a"))
        .contains(score("a", EntityType.ORGANISATION, 4.5, 2.0, 0.9));
    assertThat(store.score(tenant, "b").orElseThrow().sybilrank()).isNull();
    assertThat(store.scores(tenant)).hasSize(3).containsKey("c");
    assertThat(store.top(tenant, ScoreKind.EIGENTRUST, null, 2))
        .extracting(Score::entity)
        .containsExactly("a", "b");
    assertThat(store.top(tenant, ScoreKind.REPUTATION, null, 3))
        .extracting(Score::entity)
        .containsExactly("a", "b", "c");
    assertThat(store.top(tenant, ScoreKind.SYBILRANK, null, 3))
        .extracting(Score::entity)
        .containsExactly("a", "c");
    assertThat(store.top(tenant, ScoreKind.EIGENTRUST, EntityType.AGENT, 3))
        .extracting(Score::entity)
        .containsExactly("c");
    // Two computations kept: history holds scores of sequences 3 and 2 only.
    assertThat(store.history(tenant, "b", 10))
        .extracting(h -> h.score().reputation())
        .containsExactly(0.2 * 3, 0.2 * 2);
    assertThat(store.history(tenant, "b", 1)).hasSize(1);
    assertThat(store.memberships(tenant, "c"))
        .containsExactly(new Membership("c", 0, 2), new Membership("c", 1, 7));
    assertThat(store.communities(tenant, 0, 10))
        .containsExactly(
            new TrustGraphStore.CommunitySize(0, 1, 2), new TrustGraphStore.CommunitySize(0, 2, 1));
    assertThat(store.members(tenant, 1, 7, 2)).containsExactly("a", "b");
    assertThat(store.latestComputation(other)).isEmpty();
    assertThat(store.top(other, ScoreKind.EIGENTRUST, null, 5)).isEmpty();
  }

  @Test
  void aComputationMayUseAnEarlierOnesCommunitiesWhichOutliveTheirOwnComputation() {
    threeEntities();
    Computation first = computation(1);
    store.saveComputation(
        tenant,
        first,
        List.of(score("a", EntityType.ORGANISATION, 1, null, 0.5)),
        List.of(new Membership("a", 0, 4), new Membership("b", 0, 4), new Membership("c", 0, 5)),
        2);
    for (long seq = 2; seq <= 4; seq++) {
      Computation next = computation(seq);
      Computation reusing =
          new Computation(
              next.id(),
              seq,
              next.computedAt(),
              3,
              2,
              1,
              3,
              true,
              0.15,
              1,
              0.25,
              1,
              first.socialHash(),
              first.id());
      store.saveComputation(
          tenant,
          reusing,
          List.of(score("a", EntityType.ORGANISATION, seq, null, 0.5)),
          List.of(),
          2);
    }
    // Computation 1's scores are gone (two kept), its communities are still the latest's.
    assertThat(store.latestComputation(tenant).orElseThrow().communitiesFrom())
        .isEqualTo(first.id());
    assertThat(store.history(tenant, "a", 10)).hasSize(2);
    assertThat(store.memberships(tenant, "c")).containsExactly(new Membership("c", 0, 5));
    assertThat(store.communities(tenant, 0, 10))
        .containsExactly(
            new TrustGraphStore.CommunitySize(0, 4, 2), new TrustGraphStore.CommunitySize(0, 5, 1));
    assertThat(store.members(tenant, 0, 4, 10)).containsExactly("a", "b");
    // A computation with communities of its own lets the old ones go once it is kept alone.
    for (long seq = 5; seq <= 6; seq++) {
      store.saveComputation(
          tenant,
          computation(seq),
          List.of(score("a", EntityType.ORGANISATION, seq, null, 0.5)),
          List.of(new Membership("a", 0, 9)),
          2);
    }
    assertThat(store.memberships(tenant, "a")).containsExactly(new Membership("a", 0, 9));
    assertThat(store.memberships(tenant, "c")).isEmpty();
  }

  @Test
  void deletingAnEntityTakesItsEdgesEvidenceAndScoresWithIt() {
    threeEntities();
    store.putEdges(
        tenant,
        List.of(edge("a", "b", RelationType.TRUSTS, 1), edge("b", "c", RelationType.TRUSTS, 1)));
    store.appendEvidence(tenant, List.of(evidence("b", "a", true, 1), evidence("c", "b", true, 1)));
    store.saveComputation(
        tenant,
        computation(1),
        List.of(score("b", EntityType.CLIENT_NODE, 1, null, 0.5)),
        List.of(new Membership("b", 0, 0)),
        5);
    assertThat(store.deleteEntity(tenant, "b")).isTrue();
    assertThat(store.deleteEntity(tenant, "b")).isFalse();
    assertThat(store.entity(tenant, "b")).isEmpty();
    assertThat(store.edges(tenant, "a", Direction.BOTH, null, 10)).isEmpty();
    assertThat(store.edges(tenant, "c", Direction.BOTH, null, 10)).isEmpty();
    assertThat(store.evidence(tenant, "b", 10)).isEmpty();
    assertThat(store.evidence(tenant, "c", 10)).hasSize(1);
    assertThat(store.score(tenant, "b")).isEmpty();
    assertThat(store.memberships(tenant, "b")).isEmpty();
    assertThat(store.countEntities(tenant)).isEqualTo(2);
  }

  @Test
  void policiesAreStoredReplacedListedAndDeleted() {
    Policy join = new Policy("join", ScoreKind.REPUTATION, 0.6, Set.of(EntityType.CLIENT_NODE), T0);
    Policy agents = new Policy("agents", ScoreKind.EIGENTRUST, 0.5, Set.of(), T0);
    store.putPolicy(tenant, join);
    store.putPolicy(tenant, agents);
    assertThat(store.policy(tenant, "join")).contains(join);
    Policy stricter =
        new Policy(
            "join",
            ScoreKind.SYBILRANK,
            0.8,
            Set.of(EntityType.CLIENT_NODE, EntityType.AGENT),
            T0.plusSeconds(1));
    store.putPolicy(tenant, stricter);
    assertThat(store.policies(tenant)).containsExactly(agents, stricter);
    assertThat(store.policies(other)).isEmpty();
    assertThat(store.deletePolicy(tenant, "join")).isTrue();
    assertThat(store.deletePolicy(tenant, "join")).isFalse();
    assertThat(store.policy(tenant, "join")).isEmpty();
  }
}
