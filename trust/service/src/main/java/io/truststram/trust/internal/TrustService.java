package io.truststram.trust.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.truststram.common.id.Uuids;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.trust.TrustProblems;
import io.truststram.trust.TrustScores;
import io.truststram.trust.graph.EigenTrust;
import io.truststram.trust.internal.TrustGraphStore.Computation;
import io.truststram.trust.internal.TrustGraphStore.Edge;
import io.truststram.trust.internal.TrustGraphStore.Entity;
import io.truststram.trust.internal.TrustGraphStore.EntityType;
import io.truststram.trust.internal.TrustGraphStore.Evidence;
import io.truststram.trust.internal.TrustGraphStore.Policy;
import io.truststram.trust.internal.TrustGraphStore.RelationType;
import io.truststram.trust.internal.TrustGraphStore.Score;
import io.truststram.trust.internal.TrustGraphStore.ScoreKind;
import io.truststram.trust.reputation.BetaReputation;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The trust service's rules: what may enter the graph, how scores are computed (once at a time per
 * tenant, warm-started) and explained, and how policies judge them. Input is checked whole before
 * anything is written, so a bad record leaves the graph as it was.
 */
final class TrustService implements TrustScores {

  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}");
  static final Pattern KIND = Pattern.compile("[a-z][a-z0-9._-]{0,99}");
  static final Pattern POLICY = Pattern.compile("[a-z][a-z0-9-]{0,99}");
  static final double MAX_WEIGHT = 1e9;
  static final int MAX_ATTRIBUTES = 32;

  private final TrustGraphStore store;
  private final TrustProperties properties;
  private final Clock clock;
  private final Timer computeTimer;
  private final MeterRegistry registry;

  /** Per tenant, held while computing (one computation at a time). */
  private final Map<TenantId, ReentrantLock> locks = new ConcurrentHashMap<>();

  /**
   * Per tenant, held while writing the graph and applying the write to the kept graph, and while a
   * computation reads the kept graph; taken after the tenant's computation lock, never before.
   */
  private final Map<TenantId, ReentrantLock> writeLocks = new ConcurrentHashMap<>();

  private final Set<TenantId> dirty = ConcurrentHashMap.newKeySet();

  /**
   * Per tenant, its latest computation's graph as explanations read it; their edges together at
   * most {@code explanation-cache-edges}.
   */
  private final WeighedCache<TenantId, Explained> explained;

  /**
   * Per tenant, its graph as the last computation read it with this instance's writes since; at
   * most {@code graph-cache-edges} together.
   */
  private final WeighedCache<TenantId, Kept> graphs;

  private final Map<Boolean, Counter> graphReads = new HashMap<>();

  /** Whether the tenants marked changed in the store before this start were taken in. */
  private volatile boolean recovered;

  TrustService(
      TrustGraphStore store, TrustProperties properties, Clock clock, MeterRegistry registry) {
    this.store = store;
    this.properties = properties;
    this.clock = clock;
    this.registry = registry;
    this.computeTimer =
        Timer.builder("truststram.trust.computation")
            .description("Time to compute a tenant's trust scores and communities")
            .register(registry);
    this.explained = new WeighedCache<>(properties.explanationCacheEdges(), Explained::weight);
    this.graphs = new WeighedCache<>(properties.graphCacheEdges(), k -> k.snapshot.weight());
    for (boolean kept : new boolean[] {true, false}) {
      graphReads.put(
          kept,
          Counter.builder("truststram.trust.computation.graph")
              .description(
                  "Computations by where their graph came from: kept in memory, or read from the"
                      + " store")
              .tag("source", kept ? "kept" : "store")
              .register(registry));
    }
  }

  /**
   * A tenant's graph kept in memory: as the store had it at {@code revision}, which this instance's
   * own writes move on as they apply to it.
   */
  private static final class Kept {
    final TrustScoring.Snapshot snapshot;
    long revision;

    /** The computation it last gave, and that computation's EigenTrust vector, for warm starts. */
    volatile @Nullable UUID computation;

    volatile double @Nullable [] eigentrust;

    Kept(TrustScoring.Snapshot snapshot, long revision) {
      this.snapshot = snapshot;
      this.revision = revision;
    }
  }

  /** The tenant's write lock (see {@link #writeLocks}). */
  private ReentrantLock writeLock(TenantId tenant) {
    return writeLocks.computeIfAbsent(tenant, t -> new ReentrantLock());
  }

  /**
   * Writes to the tenant's graph in the store, marks it changed, and applies the write to the kept
   * graph when the store's revision shows that nobody else wrote in between; otherwise (or with no
   * {@code changes}, or when a change cannot be applied) the kept graph is dropped and the next
   * computation reads the graph from the store.
   *
   * @param changes the write as the kept graph applies it, null for one it does not
   * @param storeWrites how many writes {@code storeWrite} makes, each counted in the revision
   */
  private <T> T write(
      TenantId tenant,
      @Nullable List<TrustScoring.Write> changes,
      int storeWrites,
      Supplier<T> storeWrite) {
    ReentrantLock lock = writeLock(tenant);
    lock.lock();
    boolean applied = false;
    try {
      T out = storeWrite.get();
      changed(tenant);
      Kept kept = graphs.get(tenant);
      if (kept != null && changes != null) {
        long revision = store.revision(tenant);
        if (revision == kept.revision + storeWrites
            && changes.stream().allMatch(kept.snapshot::apply)) {
          kept.revision = revision;
          applied = true;
          // Weighed again: the graph grew.
          graphs.put(tenant, kept);
        }
      }
      return out;
    } finally {
      if (!applied) {
        graphs.remove(tenant);
      }
      lock.unlock();
    }
  }

  TrustGraphStore store() {
    return store;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Notes that the tenant's graph changed: in memory, for the next recomputation, and in the store,
   * so that a restart before it still recomputes the tenant.
   */
  private void changed(TenantId tenant) {
    dirty.add(tenant);
    store.markChanged(tenant, now());
  }

  static ProblemException invalid(String detail) {
    return new ProblemException(TrustProblems.INVALID_INPUT, detail);
  }

  // Entities

  /** An entity as a client writes it. */
  record EntityInput(
      @Nullable String id,
      @Nullable String type,
      @Nullable String name,
      @Nullable Map<String, String> attributes,
      @Nullable Boolean pretrusted) {}

  /**
   * Writes entities, all or none; returns them as given (an entity that existed keeps its creation
   * time in the store, which {@link #entity} reads).
   */
  List<Entity> putEntities(TenantId tenant, List<EntityInput> inputs) {
    batchSize(inputs.size(), "entities");
    Instant now = now();
    List<Entity> entities = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      EntityInput in = inputs.get(i);
      String where = "entities[" + i + "]";
      String id = id(in.id(), where + ".id");
      if (!seen.add(id)) {
        throw invalid(where + ": the entity " + id + " appears twice in the batch");
      }
      EntityType type = entityType(in.type(), where + ".type");
      String name = in.name() == null || in.name().isBlank() ? id : in.name().strip();
      if (name.length() > 200) {
        throw invalid(where + ".name: at most 200 characters");
      }
      Map<String, String> attributes = in.attributes() == null ? Map.of() : in.attributes();
      details(attributes, where + ".attributes");
      entities.add(
          new Entity(id, type, name, attributes, Boolean.TRUE.equals(in.pretrusted()), now, now));
    }
    return write(
        tenant,
        List.of(new TrustScoring.Write.Entities(entities)),
        1,
        () -> {
          store.putEntities(tenant, entities);
          return entities;
        });
  }

  Entity entity(TenantId tenant, String id) {
    return store.entity(tenant, id).orElseThrow(() -> entityNotFound(id));
  }

  void deleteEntity(TenantId tenant, String id) {
    // Under the tenant's computation lock: a computation that read the graph before the delete
    // cannot keep its graph, with the entity in it, after the delete.
    ReentrantLock lock = locks.computeIfAbsent(tenant, t -> new ReentrantLock());
    lock.lock();
    try {
      write(
          tenant,
          null,
          1,
          () -> {
            if (!store.deleteEntity(tenant, id)) {
              throw entityNotFound(id);
            }
            return id;
          });
      explained.remove(tenant);
    } finally {
      lock.unlock();
    }
  }

  private static ProblemException entityNotFound(String id) {
    return new ProblemException(
        TrustProblems.ENTITY_NOT_FOUND, "no trust entity " + id + " in this tenant");
  }

  private static ProblemException policyNotFound(String name) {
    return new ProblemException(
        TrustProblems.POLICY_NOT_FOUND, "no trust policy " + name + " in this tenant");
  }

  // Relationships

  /** A relationship as a client writes it. */
  record EdgeInput(
      @Nullable String source,
      @Nullable String target,
      @Nullable String type,
      @Nullable Double weight) {}

  List<Edge> putEdges(TenantId tenant, List<EdgeInput> inputs) {
    batchSize(inputs.size(), "relationships");
    Instant now = now();
    List<Edge> edges = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Set<String> named = new LinkedHashSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      EdgeInput in = inputs.get(i);
      String where = "relationships[" + i + "]";
      String source = id(in.source(), where + ".source");
      String target = id(in.target(), where + ".target");
      RelationType type = relationType(in.type(), where + ".type");
      if (source.equals(target)) {
        throw invalid(where + ": a self-loop on " + source + "; an entity does not rate itself");
      }
      double weight = in.weight() == null ? 1 : in.weight();
      if (!Double.isFinite(weight) || weight < 0 || weight > MAX_WEIGHT) {
        throw invalid(
            where + ".weight: a finite number in [0, " + (long) MAX_WEIGHT + "], not " + weight);
      }
      if (!seen.add(source + "\u0000" + target + "\u0000" + type)) {
        throw invalid(where + ": " + source + " -" + type + "-> " + target + " appears twice");
      }
      named.add(source);
      named.add(target);
      edges.add(new Edge(source, target, type, weight, now));
    }
    known(tenant, named);
    return write(
        tenant,
        List.of(new TrustScoring.Write.Edges(edges, false)),
        1,
        () -> {
          store.putEdges(tenant, edges);
          return edges;
        });
  }

  void deleteEdge(TenantId tenant, String source, String target, String type) {
    RelationType relation = relationType(type, "type");
    write(
        tenant,
        List.of(new TrustScoring.Write.EdgeDeleted(source, target, relation)),
        1,
        () -> {
          if (!store.deleteEdge(tenant, source, target, relation)) {
            throw new ProblemException(
                TrustProblems.ENTITY_NOT_FOUND,
                "no relationship " + source + " -" + relation + "-> " + target + " in this tenant");
          }
          return relation;
        });
  }

  // Evidence

  /** Evidence as a client writes it. */
  record EvidenceInput(
      @Nullable String subject,
      @Nullable String source,
      @Nullable String kind,
      @Nullable String outcome,
      @Nullable Double weight,
      @Nullable Instant observedAt,
      @Nullable Map<String, String> details) {}

  List<Evidence> appendEvidence(TenantId tenant, List<EvidenceInput> inputs) {
    batchSize(inputs.size(), "evidence records");
    Instant now = now();
    Instant latest = now.plus(properties.futureSkew());
    List<Evidence> evidence = new ArrayList<>();
    Set<String> named = new LinkedHashSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      EvidenceInput in = inputs.get(i);
      String where = "evidence[" + i + "]";
      String subject = id(in.subject(), where + ".subject");
      String source = in.source() == null ? null : id(in.source(), where + ".source");
      if (subject.equals(source)) {
        throw invalid(where + ": " + subject + " reports on itself; evidence comes from others");
      }
      String kind = in.kind() == null ? "rating" : in.kind();
      if (!KIND.matcher(kind).matches()) {
        throw invalid(where + ".kind: lower-case letters, digits, '.', '_', '-', not " + kind);
      }
      boolean positive =
          switch (in.outcome() == null ? "" : in.outcome()) {
            case "positive" -> true;
            case "negative" -> false;
            default -> throw invalid(where + ".outcome: positive or negative");
          };
      double weight = in.weight() == null ? 1 : in.weight();
      if (!Double.isFinite(weight) || weight <= 0 || weight > MAX_WEIGHT) {
        throw invalid(
            where + ".weight: a finite number in (0, " + (long) MAX_WEIGHT + "], not " + weight);
      }
      Instant observed =
          in.observedAt() == null ? now : in.observedAt().truncatedTo(ChronoUnit.MILLIS);
      if (observed.isAfter(latest)) {
        throw invalid(
            where + ".observedAt: " + observed + " is in the future (it is now " + now + ")");
      }
      Map<String, String> details = in.details() == null ? Map.of() : in.details();
      details(details, where + ".details");
      named.add(subject);
      if (source != null) {
        named.add(source);
      }
      evidence.add(
          new Evidence(
              Uuids.v7(), subject, source, kind, positive, weight, observed, now, details));
    }
    known(tenant, named);
    return write(
        tenant,
        List.of(new TrustScoring.Write.EvidenceAdded(evidence)),
        1,
        () -> {
          store.appendEvidence(tenant, evidence);
          return evidence;
        });
  }

  /** At most this many collaborators are linked pairwise by one observation (n² edges). */
  static final int MAX_COLLABORATORS = 64;

  @Override
  public void observe(TenantId tenant, List<Observation> observations, List<String> collaborators) {
    // Under the tenant's write lock from the first check: a withdrawal cannot come in between.
    ReentrantLock lock = writeLock(tenant);
    lock.lock();
    try {
      observeLocked(tenant, observations, collaborators);
    } finally {
      lock.unlock();
    }
  }

  private void observeLocked(
      TenantId tenant, List<Observation> observations, List<String> collaborators) {
    if (collaborators.size() > MAX_COLLABORATORS) {
      collaborators = List.of();
    }
    Map<String, Entity> subjects = new LinkedHashMap<>();
    List<Evidence> evidence = new ArrayList<>();
    for (Observation o : observations) {
      if (o.id() != null && (withdrawn(o.id()) || store.hasEvidence(tenant, o.id()))) {
        // Recorded before (an event delivered again), or withdrawn before it arrived.
        continue;
      }
      Instant at = o.at().truncatedTo(ChronoUnit.MILLIS);
      String id = id(o.subject(), "subject");
      subjects.putIfAbsent(
          id, new Entity(id, entityType(o.subjectType(), "type"), id, Map.of(), false, at, at));
      evidence.add(
          new Evidence(
              o.id() != null ? o.id() : Uuids.v7(),
              id,
              null,
              o.kind(),
              o.positive(),
              o.weight(),
              at,
              now(),
              o.details()));
    }
    Instant now = now();
    for (String id : collaborators) {
      subjects.putIfAbsent(
          id, new Entity(id, EntityType.CLIENT_NODE, id, Map.of(), false, now, now));
    }
    List<String> sorted = collaborators.stream().distinct().sorted().toList();
    List<Edge> pairs = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        pairs.add(new Edge(sorted.get(i), sorted.get(j), RelationType.COLLABORATED_WITH, 1, now));
      }
    }
    List<TrustScoring.Write> changes = new ArrayList<>();
    if (!evidence.isEmpty()) {
      changes.add(new TrustScoring.Write.EvidenceAdded(evidence));
    }
    if (!pairs.isEmpty()) {
      changes.add(new TrustScoring.Write.Edges(pairs, true));
    }
    Set<String> missing = store.missing(tenant, subjects.keySet());
    List<Entity> created =
        subjects.values().stream().filter(e -> missing.contains(e.id())).toList();
    // New entities: the kept graph is read again.
    write(
        tenant,
        created.isEmpty() ? changes : null,
        (created.isEmpty() ? 0 : 1) + changes.size(),
        () -> {
          if (!created.isEmpty()) {
            store.putEntities(tenant, created);
          }
          if (!evidence.isEmpty()) {
            store.appendEvidence(tenant, evidence);
          }
          if (!pairs.isEmpty()) {
            store.addToEdges(tenant, pairs);
          }
          return created;
        });
  }

  /**
   * The observations withdrawn lately, newest last: one that arrives after its withdrawal (both
   * travel as asynchronous events) is not recorded.
   */
  private final LinkedHashMap<UUID, Boolean> withdrawals = new LinkedHashMap<>();

  private static final int WITHDRAWALS_KEPT = 10_000;

  private boolean withdrawn(UUID observation) {
    synchronized (withdrawals) {
      return withdrawals.containsKey(observation);
    }
  }

  @Override
  public void withdraw(TenantId tenant, UUID observation) {
    ReentrantLock lock = writeLock(tenant);
    lock.lock();
    try {
      synchronized (withdrawals) {
        withdrawals.put(observation, true);
        if (withdrawals.size() > WITHDRAWALS_KEPT) {
          withdrawals.remove(withdrawals.keySet().iterator().next());
        }
      }
      if (store.hasEvidence(tenant, observation)) {
        // The kept graph does not take evidence out: the next computation reads the graph again.
        write(tenant, null, 1, () -> store.deleteEvidence(tenant, observation));
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public java.util.OptionalDouble reputation(TenantId tenant, String entity) {
    return store
        .score(tenant, entity)
        .map(s -> java.util.OptionalDouble.of(s.reputation()))
        .orElse(java.util.OptionalDouble.empty());
  }

  @Override
  public boolean admits(TenantId tenant, String policyName, String entity, String entityType) {
    Optional<Policy> policy = store.policy(tenant, policyName);
    if (policy.isEmpty()) {
      return true;
    }
    Optional<EntityType> type = EntityType.parse(entityType);
    if (!policy.get().entityTypes().isEmpty()
        && (type.isEmpty() || !policy.get().entityTypes().contains(type.get()))) {
      return true;
    }
    Optional<Score> score = store.score(tenant, entity);
    return score.isEmpty() || score.get().value(policy.get().kind()) >= policy.get().minimum();
  }

  // Computation

  /** Overrides of the configured computation options; null keeps the configured value. */
  record ComputeInput(
      @Nullable Double alpha, @Nullable Double tolerance, @Nullable Double resolution) {}

  Computation compute(TenantId tenant, ComputeInput input) {
    double alpha = input.alpha() == null ? properties.alpha() : input.alpha();
    double tolerance = input.tolerance() == null ? properties.tolerance() : input.tolerance();
    double resolution = input.resolution() == null ? properties.resolution() : input.resolution();
    if (!(alpha >= 0 && alpha <= 1)) {
      throw invalid("alpha lies in [0, 1], not " + alpha);
    }
    if (!(tolerance > 0 && tolerance <= 1)) {
      throw invalid("tolerance lies in (0, 1], not " + tolerance);
    }
    if (!(resolution > 0 && resolution <= 100)) {
      throw invalid("resolution lies in (0, 100], not " + resolution);
    }
    ReentrantLock lock = locks.computeIfAbsent(tenant, t -> new ReentrantLock());
    lock.lock();
    try {
      dirty.remove(tenant);
      long started = System.nanoTime();
      Instant now = now();
      Read kept = graph(tenant, now);
      TrustScoring.Inputs inputs = kept.inputs();
      Optional<Computation> last = store.latestComputation(tenant);
      // Warm from the kept graph's own last computation when it is the latest; else from the
      // scores stored (another instance computed since, or the graph was read anew).
      UUID keptFrom = kept.graph().computation;
      double[] keptScores = kept.graph().eigentrust;
      double[] initial =
          keptFrom != null
                  && keptScores != null
                  && last.map(Computation::id).filter(keptFrom::equals).isPresent()
              ? keptScores
              : TrustScoring.initial(inputs.ids(), store.scores(tenant));
      long read = System.nanoTime() - started;
      TrustScoring.Result result;
      try {
        result =
            TrustScoring.compute(
                inputs,
                initial,
                new TrustScoring.Options(
                    alpha, tolerance, properties.maxIterations(), resolution, forgetting()),
                tenant.value().getLeastSignificantBits(),
                last.map(Computation::socialHash).orElse(null));
      } catch (IllegalArgumentException e) {
        throw new ProblemException(TrustProblems.NOT_COMPUTABLE, e.getMessage());
      }
      long sequence = last.map(Computation::sequence).orElse(0L) + 1;
      long millis = (System.nanoTime() - started) / 1_000_000;
      UUID id = Uuids.v7();
      // The social graph is the last computation's: so are its communities.
      Computation reused = result.communitiesReused() ? last.orElseThrow() : null;
      Computation computation =
          new Computation(
              id,
              sequence,
              now,
              inputs.ids().size(),
              result.edges(),
              result.evidence(),
              result.iterations(),
              result.warmStart(),
              alpha,
              reused == null ? result.communityLevels() : reused.communityLevels(),
              reused == null ? result.modularity() : reused.modularity(),
              millis,
              result.socialHash(),
              reused == null ? id : reused.communitiesFrom());
      store.saveComputation(
          tenant,
          computation,
          result.scores(),
          result.memberships(),
          properties.keepComputations());
      // Marks made before this computation read the graph are answered; one made in the same
      // millisecond may not be, and stays (a restart then recomputes once more than needed).
      store.clearChanged(tenant, now.minusMillis(1));
      kept.graph().computation = id;
      kept.graph().eigentrust = result.eigentrust();
      EigenTrust.Prepared prepared = result.prepared();
      if (prepared == null) {
        explained.remove(tenant);
      } else {
        explained.put(
            tenant,
            new Explained(
                id,
                inputs.ids(),
                inputs.index(),
                prepared,
                inputs.seeds(),
                result.eigentrust(),
                alpha));
      }
      long finished = System.nanoTime();
      computeTimer.record(finished - started, java.util.concurrent.TimeUnit.NANOSECONDS);
      Map<String, Long> phases = new LinkedHashMap<>();
      phases.put("read", read);
      phases.putAll(result.phaseNanos());
      phases.put("write", finished - started - millis * 1_000_000);
      phases.forEach(
          (name, nanos) ->
              Timer.builder("truststram.trust.computation.phase")
                  .description("Time spent in one phase of computing a tenant's trust scores")
                  .tag("phase", name)
                  .register(registry)
                  .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS));
      return computation;
    } finally {
      lock.unlock();
    }
  }

  /** A computation's graph, and its inputs as of the computation's time. */
  private record Read(Kept graph, TrustScoring.Inputs inputs) {}

  /**
   * The tenant's graph at {@code now}, for a computation: the kept graph when the store's revision
   * shows it has every write, else read from the store (and kept, when it fits). Writes wait
   * meanwhile, so that none is both in what was read and applied to it again.
   */
  private Read graph(TenantId tenant, Instant now) {
    ReentrantLock writes = writeLock(tenant);
    writes.lock();
    try {
      long revision = store.revision(tenant);
      Kept kept = graphs.get(tenant);
      boolean current = kept != null && kept.revision == revision;
      if (!current) {
        graphs.remove(tenant);
        TrustScoring.Snapshot snapshot = new TrustScoring.Snapshot(now, forgetting());
        store.scan(tenant, snapshot);
        kept = new Kept(snapshot, revision);
      }
      graphReads.get(current).increment();
      kept.snapshot.at(now);
      TrustScoring.Inputs inputs = TrustScoring.inputs(kept.snapshot);
      if (!current) {
        graphs.put(tenant, kept);
      }
      return new Read(kept, inputs);
    } finally {
      writes.unlock();
    }
  }

  /**
   * Recomputes the tenants whose graph changed since their last computation; the first time, also
   * those the store says changed before a restart.
   */
  void recomputeChanged() {
    recover();
    for (TenantId tenant : List.copyOf(dirty)) {
      try {
        compute(tenant, new ComputeInput(null, null, null));
      } catch (ProblemException e) {
        // Not computable as configured (no pre-trusted entities with alpha 0): wait for a change.
        dirty.remove(tenant);
        store.clearChanged(tenant, now());
      }
    }
  }

  /** Takes in, once, the tenants the store says changed before this start. */
  private void recover() {
    if (!recovered) {
      synchronized (dirty) {
        if (!recovered) {
          dirty.addAll(store.changedTenants());
          recovered = true;
        }
      }
    }
  }

  boolean changedSinceComputation(TenantId tenant) {
    recover();
    return dirty.contains(tenant);
  }

  BetaReputation.Forgetting forgetting() {
    return new BetaReputation.Forgetting(
        properties.forgettingFactor(), properties.forgettingPeriod());
  }

  Computation latest(TenantId tenant) {
    return store
        .latestComputation(tenant)
        .orElseThrow(
            () ->
                new ProblemException(
                    TrustProblems.NOT_COMPUTED,
                    "no trust scores yet: compute them (POST /api/v1/trust/computations)"));
  }

  Score score(TenantId tenant, String entity) {
    entity(tenant, entity);
    latest(tenant);
    return store
        .score(tenant, entity)
        .orElseThrow(
            () ->
                new ProblemException(
                    TrustProblems.NOT_COMPUTED,
                    entity + " was added after the latest computation: compute again"));
  }

  // Explanations

  /**
   * A computation's graph as explanations read it.
   *
   * @param computation the computation
   * @param ids the entities in the order of the graph's nodes
   * @param index each entity's node
   * @param prepared its local trust, normalised and transposed
   * @param seeds the pre-trusted nodes
   * @param t EigenTrust's scores (summing to 1)
   * @param alpha EigenTrust's weight of the pre-trusted
   */
  record Explained(
      UUID computation,
      List<String> ids,
      Map<String, Integer> index,
      EigenTrust.Prepared prepared,
      int[] seeds,
      double[] t,
      double alpha) {

    /** Its weight in the cache: its edges, and each node as {@value #NODE_WEIGHT} edges. */
    long weight() {
      return prepared.incoming().edges() + NODE_WEIGHT * (long) ids.size();
    }

    /**
     * A node (its id, index entry, score and row) costs about as much memory as this many edges.
     */
    static final int NODE_WEIGHT = 10;
  }

  /**
   * The computation's graph: kept from the computation on this instance, or else read from the
   * store (as it is now: a relationship written since then shows in the paths, and the
   * contributions then no longer add up to the score exactly).
   */
  private Explained explained(TenantId tenant, Computation computation) {
    Explained kept = explained.get(tenant);
    if (kept != null && kept.computation().equals(computation.id())) {
      return kept;
    }
    TrustScoring.Snapshot snapshot = new TrustScoring.Snapshot(now(), forgetting());
    store.scan(tenant, snapshot);
    int n = snapshot.size();
    double[] t = new double[n];
    Map<String, Score> scores = store.scores(tenant);
    for (int i = 0; i < n; i++) {
      Score s = scores.get(snapshot.ids.get(i));
      t[i] = s == null ? 0 : s.eigentrust() / n;
    }
    return new Explained(
        computation.id(),
        snapshot.ids,
        snapshot.index,
        EigenTrust.Prepared.of(snapshot.localGraph()),
        snapshot.pretrustedArray(),
        t,
        computation.alpha());
  }

  /** Why an entity has its scores. */
  Map<String, Object> explain(TenantId tenant, String id, int top, int maxLength) {
    if (top < 1 || top > 100 || maxLength < 1 || maxLength > 8) {
      throw invalid("top lies in 1..100 and paths' length in 1..8");
    }
    Computation computation = latest(tenant);
    Score score = score(tenant, id);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("entity", id);
    out.put("computation", computation.id());
    out.put("computedAt", computation.computedAt());
    out.put("score", TrustViews.score(score));
    Map<String, Object> reputation = new LinkedHashMap<>();
    reputation.put("expected", score.reputation());
    reputation.put("uncertainty", score.uncertainty());
    reputation.put("positive", score.positive());
    reputation.put("negative", score.negative());
    reputation.put(
        "forgetting",
        Map.of(
            "factor",
            properties.forgettingFactor(),
            "period",
            properties.forgettingPeriod().toString()));
    reputation.put(
        "recentEvidence",
        store.evidence(tenant, id, top).stream().map(TrustViews::evidence).toList());
    out.put("reputation", reputation);
    Explained graph = explained(tenant, computation);
    Integer node = graph.index().get(id);
    if (node == null || graph.ids().isEmpty()) {
      return out;
    }
    int n = graph.ids().size();
    double[] t = graph.t();
    int[] seeds = graph.seeds();
    double[] p = EigenTrust.pretrusted(n, seeds);
    EigenTrust.Result result = new EigenTrust.Result(t, computation.iterations(), 0);
    double alpha = graph.alpha();
    List<EigenTrust.Contribution> sources =
        EigenTrust.explain(graph.prepared(), p, result, alpha, node, top);
    List<EigenTrust.Path> carriers =
        EigenTrust.paths(graph.prepared(), p, result, alpha, node, maxLength, top);
    List<Integer> shown = Arrays.stream(seeds).limit(100).boxed().toList();
    // The graph is the computation's: an entity deleted since is named "(deleted)".
    Set<String> named = new HashSet<>();
    sources.stream()
        .filter(c -> c.source() >= 0)
        .forEach(c -> named.add(graph.ids().get(c.source())));
    carriers.forEach(path -> path.nodes().forEach(v -> named.add(graph.ids().get(v))));
    shown.forEach(v -> named.add(graph.ids().get(v)));
    Set<String> gone = store.missing(tenant, named);
    java.util.function.IntFunction<String> name =
        v -> gone.contains(graph.ids().get(v)) ? "(deleted)" : graph.ids().get(v);
    List<Map<String, Object>> contributions = new ArrayList<>();
    for (EigenTrust.Contribution c : sources) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("source", c.source() < 0 ? "(pre-trusted)" : name.apply(c.source()));
      row.put("amount", c.amount() * n);
      row.put("share", t[node] == 0 ? 0 : c.amount() / t[node]);
      contributions.add(row);
    }
    List<Map<String, Object>> paths = new ArrayList<>();
    for (EigenTrust.Path path : carriers) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("entities", path.nodes().stream().map(name::apply).toList());
      row.put("amount", path.amount() * n);
      row.put("share", t[node] == 0 ? 0 : path.amount() / t[node]);
      paths.add(row);
    }
    Map<String, Object> eigentrust = new LinkedHashMap<>();
    eigentrust.put("value", score.eigentrust());
    eigentrust.put("alpha", alpha);
    eigentrust.put("pretrusted", shown.stream().map(name::apply).toList());
    eigentrust.put("contributions", contributions);
    eigentrust.put("paths", paths);
    out.put("eigentrust", eigentrust);
    return out;
  }

  // Policies

  /** A policy as a client writes it. */
  record PolicyInput(
      @Nullable String kind, @Nullable Double minimum, @Nullable List<String> entityTypes) {}

  Policy putPolicy(TenantId tenant, String name, PolicyInput in) {
    if (!POLICY.matcher(name).matches()) {
      throw invalid("a policy name is lower-case letters, digits and '-', not " + name);
    }
    ScoreKind kind =
        ScoreKind.parse(in.kind() == null ? "" : in.kind())
            .orElseThrow(() -> invalid("kind: eigentrust, sybilrank or reputation"));
    if (in.minimum() == null || !Double.isFinite(in.minimum()) || in.minimum() < 0) {
      throw invalid("minimum: a finite number, not negative");
    }
    if (kind == ScoreKind.REPUTATION && in.minimum() > 1) {
      throw invalid("minimum: a reputation lies in [0, 1]");
    }
    Set<EntityType> types = EnumSet.noneOf(EntityType.class);
    for (String type : in.entityTypes() == null ? List.<String>of() : in.entityTypes()) {
      types.add(entityType(type, "entityTypes"));
    }
    Policy policy = new Policy(name, kind, in.minimum(), types, now());
    store.putPolicy(tenant, policy);
    return policy;
  }

  Policy policy(TenantId tenant, String name) {
    return store.policy(tenant, name).orElseThrow(() -> policyNotFound(name));
  }

  void deletePolicy(TenantId tenant, String name) {
    if (!store.deletePolicy(tenant, name)) {
      throw policyNotFound(name);
    }
  }

  /** A policy's verdict on an entity. */
  record Verdict(
      String policy,
      String entity,
      boolean passed,
      @Nullable Double value,
      double minimum,
      String kind,
      String reason) {}

  Verdict check(TenantId tenant, String policyName, String id) {
    Policy policy = policy(tenant, policyName);
    Entity entity = entity(tenant, id);
    String kind = policy.kind().wire();
    if (!policy.entityTypes().isEmpty() && !policy.entityTypes().contains(entity.type())) {
      return new Verdict(
          policy.name(),
          id,
          true,
          null,
          policy.minimum(),
          kind,
          "the policy does not apply to entities of type " + entity.type().wire());
    }
    Optional<Score> score = store.score(tenant, id);
    if (score.isEmpty()) {
      return new Verdict(
          policy.name(),
          id,
          false,
          null,
          policy.minimum(),
          kind,
          "no " + kind + " score yet: the entity has not been scored");
    }
    double value = score.get().value(policy.kind());
    if (Double.isNaN(value)) {
      return new Verdict(
          policy.name(),
          id,
          false,
          null,
          policy.minimum(),
          kind,
          "no " + kind + " score: the tenant has no pre-trusted seeds or no social graph");
    }
    boolean passed = value >= policy.minimum();
    return new Verdict(
        policy.name(),
        id,
        passed,
        value,
        policy.minimum(),
        kind,
        kind
            + " "
            + String.format(java.util.Locale.ROOT, "%.4f", value)
            + (passed ? " is at least " : " is below ")
            + policy.minimum());
  }

  // Checks

  private void batchSize(int size, String what) {
    if (size < 1) {
      throw invalid("no " + what + " given");
    }
    if (size > properties.maxBatch()) {
      throw invalid(
          size + " " + what + " in one request; at most " + properties.maxBatch() + " (split it)");
    }
  }

  static String id(@Nullable String id, String where) {
    if (id == null || !ID.matcher(id).matches()) {
      throw invalid(
          where
              + ": an id is 1 to 200 letters, digits and . _ : @ + -, starting with a letter or"
              + " digit");
    }
    return id;
  }

  static EntityType entityType(@Nullable String type, String where) {
    return EntityType.parse(type == null ? "" : type)
        .orElseThrow(
            () ->
                invalid(
                    where
                        + ": unknown entity type "
                        + type
                        + "; one of "
                        + Arrays.stream(EntityType.values()).map(EntityType::wire).toList()));
  }

  static RelationType relationType(@Nullable String type, String where) {
    return RelationType.parse(type == null ? "" : type)
        .orElseThrow(
            () ->
                invalid(
                    where
                        + ": unknown relationship type "
                        + type
                        + "; one of "
                        + Arrays.toString(RelationType.values())));
  }

  private static void details(Map<String, String> map, String where) {
    if (map.size() > MAX_ATTRIBUTES) {
      throw invalid(where + ": at most " + MAX_ATTRIBUTES + " entries");
    }
    for (var e : map.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().length() > 64) {
        throw invalid(where + ": keys are 1 to 64 characters");
      }
      if (e.getValue() == null || e.getValue().length() > 1_000) {
        throw invalid(where + "." + e.getKey() + ": a value of at most 1,000 characters");
      }
    }
  }

  private void known(TenantId tenant, Set<String> ids) {
    Set<String> missing = store.missing(tenant, ids);
    if (!missing.isEmpty()) {
      List<String> some = missing.stream().limit(20).toList();
      throw new ProblemException(
          TrustProblems.UNKNOWN_ENTITY,
          "the tenant has no entit"
              + (missing.size() == 1 ? "y " : "ies ")
              + String.join(", ", some)
              + (missing.size() > some.size() ? " (and " + (missing.size() - 20) + " more)" : "")
              + "; create them first (PUT /api/v1/trust/entities)",
          Map.of("missing", some));
    }
  }
}
