package io.truststram.trust.internal;

import io.truststram.trust.community.Louvain;
import io.truststram.trust.graph.EigenTrust;
import io.truststram.trust.graph.Graph;
import io.truststram.trust.graph.SybilRank;
import io.truststram.trust.internal.TrustGraphStore.EntityType;
import io.truststram.trust.internal.TrustGraphStore.GraphVisitor;
import io.truststram.trust.internal.TrustGraphStore.Membership;
import io.truststram.trust.internal.TrustGraphStore.RelationType;
import io.truststram.trust.internal.TrustGraphStore.Score;
import io.truststram.trust.reputation.BetaReputation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns a tenant's graph into scores and communities with the algorithms of {@code trust/core}.
 *
 * <ul>
 *   <li><b>Local trust</b> s_ij (EigenTrust's input): the weight of i's {@code TRUSTS} relationship
 *       to j, plus the evidence i reported about j (positive weight minus negative, each discounted
 *       by the forgetting factor for its age). EigenTrust keeps max(s_ij, 0).
 *   <li><b>EigenTrust</b> from the pre-trusted entities (uniform when there are none and alpha is
 *       above 0), warm-started from the previous scores; reported times the number of entities, so
 *       that 1 is the average.
 *   <li><b>Reputation</b>: the Beta reputation of all evidence about an entity, with forgetting.
 *   <li>The <b>social graph</b> ({@code TRUSTS}, {@code COLLABORATED_WITH} and {@code MEMBER_OF},
 *       taken as undirected) gives <b>SybilRank</b> from the pre-trusted seeds (times the number of
 *       entities) and the <b>Louvain</b> community hierarchy.
 * </ul>
 */
final class TrustScoring {

  /**
   * How to compute.
   *
   * @param alpha EigenTrust's weight of the pre-trusted distribution, in [0, 1]
   * @param tolerance the L1 change at which EigenTrust stops
   * @param maxIterations the most EigenTrust iterations
   * @param resolution Louvain's resolution γ
   * @param forgetting how evidence loses weight with age
   */
  record Options(
      double alpha,
      double tolerance,
      int maxIterations,
      double resolution,
      BetaReputation.Forgetting forgetting) {}

  /** What a computation found. */
  record Result(
      List<Score> scores,
      List<Membership> memberships,
      int iterations,
      boolean warmStart,
      long edges,
      long evidence,
      int communityLevels,
      double modularity,
      Map<String, Long> phaseNanos,
      String socialHash,
      boolean communitiesReused,
      EigenTrust.@Nullable Prepared prepared,
      double[] eigentrust) {}

  /**
   * A tenant's graph read into memory, with what explanations need; the service keeps it and
   * applies its own writes to it ({@link #apply}), so that the next computation need not read the
   * graph again.
   *
   * <p>Evidence is held weighted for its age at a reference time, the last computation's; since the
   * forgetting factor is λ^(age / period), moving the reference on multiplies every weight by the
   * same factor ({@link #at}). Evidence observed after the reference (a clock a little ahead) is
   * held apart and counts at full weight until the reference passes it, as it would if read anew.
   * Entities are fixed: a write that adds or deletes one makes the service read the graph again.
   */
  static final class Snapshot implements GraphVisitor {
    final List<String> ids = new ArrayList<>();
    final List<EntityType> types = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();
    private final java.util.BitSet pretrusted = new java.util.BitSet();

    /** Per ordered pair (i * n + j), each relationship's weight by type; NaN where none. */
    private final Map<Long, double[]> relations = new HashMap<>();

    /** The evidence part of local trust s_ij per pair, weighted at the reference time. */
    private final Map<Long, Double> rated = new HashMap<>();

    private double[] positive = new double[0];
    private double[] negative = new double[0];

    /** Evidence observed after the reference time, not yet in the sums. */
    private final List<Ahead> ahead = new ArrayList<>();

    /** The social graph and its hash while no relationship changes (evidence does not touch it). */
    private @Nullable Graph social;

    private @Nullable String socialHash;

    private long edges;
    private long evidence;
    private Instant reference;
    private final BetaReputation.Forgetting forgetting;

    private record Ahead(int subject, int source, boolean good, double weight, Instant at) {}

    Snapshot(Instant now, BetaReputation.Forgetting forgetting) {
      this.reference = now;
      this.forgetting = forgetting;
    }

    int size() {
      return ids.size();
    }

    long edges() {
      return edges;
    }

    long evidence() {
      return evidence;
    }

    /** Its weight for a cache: relationships plus ten per entity. */
    long weight() {
      return relations.size() + rated.size() + 10L * ids.size();
    }

    @Override
    public void entity(String id, EntityType type, boolean trusted) {
      index.put(id, ids.size());
      pretrusted.set(ids.size(), trusted);
      ids.add(id);
      types.add(type);
    }

    private long pair(int i, int j) {
      return (long) i * ids.size() + j;
    }

    @Override
    public void edge(String source, String target, RelationType type, double weight) {
      Integer i = index.get(source);
      Integer j = index.get(target);
      if (i == null || j == null || i.equals(j)) {
        return;
      }
      double[] weights = relations.computeIfAbsent(pair(i, j), k -> absent());
      if (Double.isNaN(weights[type.ordinal()])) {
        edges++;
      }
      weights[type.ordinal()] = weight;
      relationsChanged();
    }

    private void relationsChanged() {
      social = null;
      socialHash = null;
    }

    private static double[] absent() {
      double[] weights = new double[RelationType.values().length];
      java.util.Arrays.fill(weights, Double.NaN);
      return weights;
    }

    @Override
    public void evidence(
        String subject, @Nullable String source, boolean good, double weight, Instant at) {
      Integer j = index.get(subject);
      if (j == null) {
        return;
      }
      sizeEvidenceSums();
      evidence++;
      Integer i = source == null ? null : index.get(source);
      int from = i == null || i.equals(j) ? -1 : i;
      if (at.isAfter(reference)) {
        ahead.add(new Ahead(j, from, good, weight, at));
      } else {
        add(j, from, good, weight * forgetting.weight(Duration.between(at, reference)));
      }
    }

    private void add(int subject, int source, boolean good, double w) {
      if (good) {
        positive[subject] += w;
      } else {
        negative[subject] += w;
      }
      if (source >= 0) {
        rated.merge(pair(source, subject), good ? w : -w, Double::sum);
      }
    }

    /** Grows the evidence sums to one per entity (entities are all visited before evidence). */
    private void sizeEvidenceSums() {
      if (positive.length != ids.size()) {
        positive = java.util.Arrays.copyOf(positive, ids.size());
        negative = java.util.Arrays.copyOf(negative, ids.size());
      }
    }

    /**
     * Moves the reference time on to {@code now}: every weight aged by the same factor, and the
     * evidence observed since the old reference taken into the sums. An earlier {@code now} changes
     * nothing.
     */
    void at(Instant now) {
      if (!now.isAfter(reference)) {
        return;
      }
      sizeEvidenceSums();
      double keep = forgetting.weight(Duration.between(reference, now));
      if (keep != 1) {
        for (int k = 0; k < positive.length; k++) {
          positive[k] *= keep;
          negative[k] *= keep;
        }
        rated.replaceAll((key, w) -> w * keep);
      }
      reference = now;
      for (var it = ahead.iterator(); it.hasNext(); ) {
        Ahead a = it.next();
        if (!a.at().isAfter(now)) {
          add(
              a.subject(),
              a.source(),
              a.good(),
              a.weight() * forgetting.weight(Duration.between(a.at(), now)));
          it.remove();
        }
      }
    }

    /**
     * Applies a write the store has taken.
     *
     * @return false when the write adds an entity (or is not known here), so that the graph must be
     *     read again
     */
    boolean apply(Write write) {
      switch (write) {
        case Write.Entities(List<TrustGraphStore.Entity> entities) -> {
          for (TrustGraphStore.Entity e : entities) {
            if (!index.containsKey(e.id())) {
              return false;
            }
          }
          for (TrustGraphStore.Entity e : entities) {
            int i = index.get(e.id());
            types.set(i, e.type());
            pretrusted.set(i, e.pretrusted());
          }
        }
        case Write.Edges(List<TrustGraphStore.Edge> put, boolean add) -> {
          for (TrustGraphStore.Edge e : put) {
            if (!index.containsKey(e.source()) || !index.containsKey(e.target())) {
              return false;
            }
          }
          relationsChanged();
          for (TrustGraphStore.Edge e : put) {
            double[] weights =
                relations.computeIfAbsent(
                    pair(index.get(e.source()), index.get(e.target())), k -> absent());
            int type = e.type().ordinal();
            if (Double.isNaN(weights[type])) {
              edges++;
              weights[type] = e.weight();
            } else {
              weights[type] = add ? weights[type] + e.weight() : e.weight();
            }
          }
        }
        case Write.EdgeDeleted(String source, String target, RelationType type) -> {
          Integer i = index.get(source);
          Integer j = index.get(target);
          if (i == null || j == null) {
            return false;
          }
          relationsChanged();
          long key = pair(i, j);
          double[] weights = relations.get(key);
          if (weights != null && !Double.isNaN(weights[type.ordinal()])) {
            weights[type.ordinal()] = Double.NaN;
            edges--;
            if (java.util.Arrays.stream(weights).allMatch(Double::isNaN)) {
              relations.remove(key);
            }
          }
        }
        case Write.EvidenceAdded(List<TrustGraphStore.Evidence> added) -> {
          for (TrustGraphStore.Evidence e : added) {
            if (!index.containsKey(e.subject())
                || (e.source() != null && !index.containsKey(e.source()))) {
              return false;
            }
          }
          for (TrustGraphStore.Evidence e : added) {
            evidence(e.subject(), e.source(), e.positive(), e.weight(), e.observedAt());
          }
        }
      }
      return true;
    }

    /** The evidence observed after the reference, by pair or entity, as it counts now (in full). */
    private Map<Long, Double> aheadRated() {
      Map<Long, Double> out = new HashMap<>();
      for (Ahead a : ahead) {
        if (a.source() >= 0) {
          out.merge(
              pair(a.source(), a.subject()), a.good() ? a.weight() : -a.weight(), Double::sum);
        }
      }
      return out;
    }

    /** Local trust as a graph, negative sums dropped (EigenTrust's max(s_ij, 0)). */
    Graph localGraph() {
      int trusts = RelationType.TRUSTS.ordinal();
      Map<Long, Double> local = new HashMap<>(rated);
      aheadRated().forEach((key, w) -> local.merge(key, w, Double::sum));
      relations.forEach(
          (key, weights) -> {
            if (!Double.isNaN(weights[trusts])) {
              local.merge(key, weights[trusts], (evidence, edge) -> edge + evidence);
            }
          });
      return graph(local, true);
    }

    Graph socialGraph() {
      Graph graph = social;
      if (graph == null) {
        graph = graph(social(), false);
        social = graph;
      }
      return graph;
    }

    /**
     * The social graph's weight per pair: its {@code TRUSTS}, {@code COLLABORATED_WITH} and {@code
     * MEMBER_OF} relationships' weights summed.
     */
    private Map<Long, Double> social() {
      Map<Long, Double> social = new HashMap<>();
      relations.forEach(
          (key, weights) -> {
            double sum = 0;
            boolean any = false;
            for (RelationType type : SOCIAL) {
              double w = weights[type.ordinal()];
              if (!Double.isNaN(w)) {
                sum += w;
                any = true;
              }
            }
            if (any) {
              social.put(key, sum);
            }
          });
      return social;
    }

    private static final List<RelationType> SOCIAL =
        List.of(RelationType.TRUSTS, RelationType.COLLABORATED_WITH, RelationType.MEMBER_OF);

    /**
     * The SHA-256 of the social graph: the entities' ids in order and every (i, j, weight), sorted.
     * Equal hashes, equal communities.
     */
    String socialHash() {
      String hash = socialHash;
      if (hash == null) {
        hash = hashSocial();
        socialHash = hash;
      }
      return hash;
    }

    private String hashSocial() {
      java.security.MessageDigest digest;
      try {
        digest = java.security.MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-256", e);
      }
      for (String id : ids) {
        digest.update(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      Map<Long, Double> social = social();
      long[] keys = social.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(16);
      for (long key : keys) {
        buffer.clear();
        buffer.putLong(key).putDouble(social.get(key));
        digest.update(buffer.array());
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    }

    private Graph graph(Map<Long, Double> pairs, boolean positiveOnly) {
      int n = ids.size();
      Graph.Builder builder = new Graph.Builder(n, pairs.size());
      for (var e : pairs.entrySet()) {
        double w = e.getValue();
        if (positiveOnly ? w > 0 : w >= 0) {
          builder.add((int) (e.getKey() / n), (int) (e.getKey() % n), w);
        }
      }
      return builder.build();
    }

    int[] pretrustedArray() {
      return pretrusted.stream().filter(i -> i < ids.size()).toArray();
    }

    /** Every entity's Beta reputation at the reference time, evidence ahead of it in full. */
    List<BetaReputation> reputations() {
      sizeEvidenceSums();
      double[] p = positive.clone();
      double[] q = negative.clone();
      for (Ahead a : ahead) {
        if (a.good()) {
          p[a.subject()] += a.weight();
        } else {
          q[a.subject()] += a.weight();
        }
      }
      List<BetaReputation> out = new ArrayList<>(p.length);
      for (int i = 0; i < p.length; i++) {
        out.add(new BetaReputation(p[i], q[i], reference));
      }
      return out;
    }
  }

  /** A write the store has taken, as the kept graph applies it. */
  sealed interface Write {
    /** Entities put (created or replaced). */
    record Entities(List<TrustGraphStore.Entity> entities) implements Write {}

    /** Relationships put ({@code add}: their weights added to those there). */
    record Edges(List<TrustGraphStore.Edge> edges, boolean add) implements Write {}

    record EdgeDeleted(String source, String target, RelationType type) implements Write {}

    record EvidenceAdded(List<TrustGraphStore.Evidence> evidence) implements Write {}
  }

  private TrustScoring() {}

  /**
   * What a computation reads of a snapshot, taken whole so that the snapshot can take writes while
   * the computation runs.
   */
  record Inputs(
      List<String> ids,
      Map<String, Integer> index,
      List<EntityType> types,
      int[] seeds,
      Graph local,
      Graph social,
      String socialHash,
      List<BetaReputation> reputations,
      long edges,
      long evidence) {}

  /** The snapshot's inputs as they stand at its reference time. */
  static Inputs inputs(Snapshot graph) {
    List<BetaReputation> reputations = graph.reputations();
    return new Inputs(
        graph.ids,
        graph.index,
        List.copyOf(graph.types),
        graph.pretrustedArray(),
        graph.localGraph(),
        graph.socialGraph(),
        graph.socialHash(),
        reputations,
        graph.edges(),
        graph.evidence());
  }

  /**
   * A warm start from the previous computation's scores by entity: null when it scored none of
   * these entities.
   */
  static double @Nullable [] initial(List<String> ids, Map<String, Score> previous) {
    if (previous.isEmpty()) {
      return null;
    }
    double[] initial = new double[ids.size()];
    boolean any = false;
    for (int i = 0; i < ids.size(); i++) {
      Score before = previous.get(ids.get(i));
      if (before != null) {
        initial[i] = before.eigentrust();
        any = true;
      }
    }
    return any ? initial : null;
  }

  /**
   * Scores the inputs, reusing the previous computation's communities when its social graph had the
   * hash {@code previousSocialHash}: Louvain is not run and no memberships are returned.
   *
   * @param initial EigenTrust's starting vector, one value per entity (any scale), or null
   * @throws IllegalArgumentException when EigenTrust has no defined result (no pre-trusted entities
   *     and alpha 0) or does not converge
   */
  static Result compute(
      Inputs graph,
      double @Nullable [] initial,
      Options options,
      long seed,
      @Nullable String previousSocialHash) {
    int n = graph.ids().size();
    int[] seeds = graph.seeds();
    if (n > 0 && seeds.length == 0 && options.alpha() == 0) {
      throw new IllegalArgumentException(
          "EigenTrust with alpha 0 and no pre-trusted entities has no unique result (a cycle"
              + " keeps its trust forever): mark some entities pretrusted or set alpha above 0");
    }
    boolean warm = initial != null;
    Map<String, Long> phases = new java.util.LinkedHashMap<>();
    long at = System.nanoTime();
    EigenTrust.Prepared prepared = n == 0 ? null : EigenTrust.Prepared.of(graph.local());
    EigenTrust.Result eigen =
        prepared == null
            ? new EigenTrust.Result(new double[0], 0, 0)
            : EigenTrust.compute(
                prepared,
                seeds,
                initial,
                new EigenTrust.Options(
                    options.alpha(), options.tolerance(), options.maxIterations()));
    at = phase(phases, "eigentrust", at);
    Graph social = graph.social();
    double[] sybil = null;
    if (seeds.length > 0 && social.edges() > 0) {
      sybil = SybilRank.compute(social, seeds, 0);
    }
    at = phase(phases, "sybilrank", at);
    List<Membership> memberships = new ArrayList<>();
    int levels = 0;
    double modularity = 0;
    String socialHash = graph.socialHash();
    boolean reused = socialHash.equals(previousSocialHash);
    if (social.edges() > 0 && !reused) {
      Louvain.Result communities = Louvain.detect(social, options.resolution(), seed);
      levels = communities.levels().size();
      modularity = communities.bestModularity();
      for (int level = 0; level < levels; level++) {
        int[] of = communities.levels().get(level);
        for (int i = 0; i < n; i++) {
          memberships.add(new Membership(graph.ids().get(i), level, of[i]));
        }
      }
    }
    at = phase(phases, "communities", at);
    List<Score> scores = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      BetaReputation reputation = graph.reputations().get(i);
      scores.add(
          new Score(
              graph.ids().get(i),
              graph.types().get(i),
              eigen.scores()[i] * n,
              sybil == null ? null : sybil[i] * n,
              reputation.expected(),
              reputation.uncertainty(),
              reputation.positive(),
              reputation.negative()));
    }
    return new Result(
        scores,
        memberships,
        eigen.iterations(),
        warm,
        graph.edges(),
        graph.evidence(),
        levels,
        modularity,
        phases,
        socialHash,
        reused,
        prepared,
        eigen.scores());
  }

  /** Records the time since {@code since} as phase {@code name}; returns now. */
  private static long phase(Map<String, Long> phases, String name, long since) {
    long now = System.nanoTime();
    phases.merge(name, now - since, Long::sum);
    return now;
  }
}
