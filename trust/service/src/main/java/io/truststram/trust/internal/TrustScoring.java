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

  /** A tenant's graph read into arrays, with what explanations need. */
  static final class Snapshot implements GraphVisitor {
    final List<String> ids = new ArrayList<>();
    final List<EntityType> types = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();
    final List<Integer> pretrusted = new ArrayList<>();

    /** Local trust s_ij, keyed by i * n + j once entities are known. */
    final Map<Long, Double> local = new HashMap<>();

    final Map<Long, Double> social = new HashMap<>();
    double[] positive = new double[0];
    double[] negative = new double[0];
    long edges;
    long evidence;
    private final Instant now;
    private final BetaReputation.Forgetting forgetting;

    Snapshot(Instant now, BetaReputation.Forgetting forgetting) {
      this.now = now;
      this.forgetting = forgetting;
    }

    int size() {
      return ids.size();
    }

    @Override
    public void entity(String id, EntityType type, boolean trusted) {
      index.put(id, ids.size());
      if (trusted) {
        pretrusted.add(ids.size());
      }
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
      edges++;
      if (type == RelationType.TRUSTS) {
        local.merge(pair(i, j), weight, Double::sum);
      }
      if (type == RelationType.TRUSTS
          || type == RelationType.COLLABORATED_WITH
          || type == RelationType.MEMBER_OF) {
        social.merge(pair(i, j), weight, Double::sum);
      }
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
      Duration age = at.isAfter(now) ? Duration.ZERO : Duration.between(at, now);
      double w = weight * forgetting.weight(age);
      if (good) {
        positive[j] += w;
      } else {
        negative[j] += w;
      }
      Integer i = source == null ? null : index.get(source);
      if (i != null && !i.equals(j)) {
        local.merge(pair(i, j), good ? w : -w, Double::sum);
      }
    }

    /** Grows the evidence sums to one per entity (entities are all visited before evidence). */
    private void sizeEvidenceSums() {
      if (positive.length != ids.size()) {
        positive = java.util.Arrays.copyOf(positive, ids.size());
        negative = java.util.Arrays.copyOf(negative, ids.size());
      }
    }

    /** Local trust as a graph, negative sums dropped (EigenTrust's max(s_ij, 0)). */
    Graph localGraph() {
      return graph(local, true);
    }

    Graph socialGraph() {
      return graph(social, false);
    }

    /**
     * The SHA-256 of the social graph: the entities' ids in order and every (i, j, weight), sorted.
     * Equal hashes, equal communities.
     */
    String socialHash() {
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
      return pretrusted.stream().mapToInt(Integer::intValue).toArray();
    }

    BetaReputation reputation(int node) {
      sizeEvidenceSums();
      return new BetaReputation(positive[node], negative[node], now);
    }
  }

  private TrustScoring() {}

  /**
   * Scores a snapshot.
   *
   * @param previous the latest computation's scores, for the warm start (may be empty)
   * @throws IllegalArgumentException when EigenTrust has no defined result (no pre-trusted entities
   *     and alpha 0) or does not converge
   */
  static Result compute(Snapshot graph, Map<String, Score> previous, Options options, long seed) {
    return compute(graph, previous, options, seed, null);
  }

  /**
   * Scores a snapshot, reusing the previous computation's communities when its social graph had the
   * hash {@code previousSocialHash}: Louvain is not run and no memberships are returned.
   */
  static Result compute(
      Snapshot graph,
      Map<String, Score> previous,
      Options options,
      long seed,
      @Nullable String previousSocialHash) {
    int n = graph.size();
    int[] seeds = graph.pretrustedArray();
    if (n > 0 && seeds.length == 0 && options.alpha() == 0) {
      throw new IllegalArgumentException(
          "EigenTrust with alpha 0 and no pre-trusted entities has no unique result (a cycle"
              + " keeps its trust forever): mark some entities pretrusted or set alpha above 0");
    }
    double[] initial = null;
    boolean warm = false;
    if (!previous.isEmpty()) {
      initial = new double[n];
      for (int i = 0; i < n; i++) {
        Score before = previous.get(graph.ids.get(i));
        if (before != null) {
          initial[i] = before.eigentrust();
          warm = true;
        }
      }
      if (!warm) {
        initial = null;
      }
    }
    Map<String, Long> phases = new java.util.LinkedHashMap<>();
    long at = System.nanoTime();
    EigenTrust.Prepared prepared = n == 0 ? null : EigenTrust.Prepared.of(graph.localGraph());
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
    Graph social = graph.socialGraph();
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
          memberships.add(new Membership(graph.ids.get(i), level, of[i]));
        }
      }
    }
    at = phase(phases, "communities", at);
    List<Score> scores = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      BetaReputation reputation = graph.reputation(i);
      scores.add(
          new Score(
              graph.ids.get(i),
              graph.types.get(i),
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
        graph.edges,
        graph.evidence,
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
