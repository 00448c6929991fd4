package io.truststram.federation.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.federation.ClientSelector;
import io.truststram.federation.FederationCompleted;
import io.truststram.federation.FederationProblems;
import io.truststram.federation.NodesDropped;
import io.truststram.federation.ProofRejected;
import io.truststram.federation.RoundCompleted;
import io.truststram.federation.UpdatesScored;
import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.PrivacyLedger;
import io.truststram.federation.secagg.PaillierAggregation;
import io.truststram.federation.secagg.SecAggAbortedException;
import io.truststram.federation.secagg.SecAggParameters;
import io.truststram.federation.secagg.SecAggRound;
import io.truststram.federation.secagg.SecAggServer;
import io.truststram.federation.secagg.SecureAggregation;
import io.truststram.federation.sharding.ShardTransport;
import io.truststram.federation.sharding.ShardedStrategy;
import io.truststram.federation.strategy.AnomalyDetection;
import io.truststram.federation.strategy.ClientProfile;
import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.DifferentialPrivacy;
import io.truststram.federation.strategy.FedBuff;
import io.truststram.federation.strategy.FedBuffStrategy;
import io.truststram.federation.strategy.LocalTraining;
import io.truststram.federation.strategy.RejectedUpdateException;
import io.truststram.federation.strategy.RoundAggregation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import io.truststram.federation.strategy.TrainPlan;
import io.truststram.federation.strategy.TrustWeighted;
import io.truststram.federation.strategy.Wrapper;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.Classifiers;
import io.truststram.ml.model.Provenance;
import io.truststram.ml.safetensors.InvalidSafeTensorsException;
import io.truststram.ml.safetensors.SafeTensors;
import io.truststram.ml.safetensors.Tensor;
import io.truststram.platform.blob.BlobInfo;
import io.truststram.platform.blob.BlobTooLargeException;
import io.truststram.platform.security.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the rounds of the federations in state RUNNING: chooses each round's nodes among those
 * available, hands them their tasks when they poll, checks and folds their updates as they arrive,
 * and closes the round when every chosen node reported or, at the deadline, with at least {@code
 * minClients} updates (k-of-n); a round with fewer is tried again with new nodes, three times at
 * most, before the federation fails.
 *
 * <p>Durability: an update is acknowledged only after its file was stored durably in blob storage
 * and its task row committed; it is folded into the in-memory aggregate under the same lock, in the
 * order of the rows' sequence numbers. Each round's result is checkpointed (model and the
 * strategy's server state) before the round is marked completed. A coordinator that restarts
 * rebuilds every running federation from its last checkpoint and re-folds the open round's
 * acknowledged updates in their sequence order, so that no acknowledged update is lost or counted
 * twice, and the result is the one the uninterrupted run would have reached.
 *
 * <p>Memory: one global model, the strategy's state and one running aggregate per running
 * federation, plus the updates being checked at the moment; never one model per client.
 *
 * <p>One coordinator process runs a given federation: with several instances of the federation
 * service, each would run all federations (see docs/federation/protocol.md, limitations).
 */
final class Coordinator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** How many times a round that got too few updates is tried before the federation fails. */
  static final int MAX_ATTEMPTS = 3;

  /** The longest a node's poll for a task waits. */
  static final Duration MAX_WAIT = Duration.ofSeconds(60);

  /** The δ at which the ε of distributed noise under secure aggregation is reported. */
  static final double SECURE_DELTA = 1e-5;

  /** How long a round restored after a restart stays open at least, so its nodes can report. */
  static final Duration GRACE_AFTER_RESTART = Duration.ofSeconds(60);

  private static final long MAX_HEADER_BYTES = 1 << 20;
  private static final int MAX_ROUND_METRICS = 64;
  private static final Pattern METRIC = Pattern.compile("(train|evaluate)\\.[a-z][a-z0-9_]{0,31}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final FederationStore store;
  private final Rounds rounds;
  private final Nodes nodes;
  private final Participants participants;
  private final Checkpoints checkpoints;
  private final Analyses analyses;
  private final @Nullable ServiceTrust serviceTrust;
  private final ClientSelector selector;
  private final TransactionTemplate transactions;
  private final ApplicationEventPublisher events;
  private final Clock clock;
  private final Duration quorumWait;
  private final Strategies strategies = Strategies.standard();

  /** The aggregation shards separable strategies fold on; null to fold in this process. */
  private final @Nullable ShardTransport shards;

  private final Map<UUID, Live> running = new ConcurrentHashMap<>();
  private final Map<UUID, Instant> lastSeen = new ConcurrentHashMap<>();

  /** Nodes waiting in a poll right now, with how many polls: connected, so available. */
  private final Map<UUID, Integer> polling = new ConcurrentHashMap<>();

  private final ScheduledExecutorService ticker;

  /** Bounds the updates being parsed and checked at once (each holds a copy of the model). */
  private final java.util.concurrent.Semaphore checking =
      new java.util.concurrent.Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));

  /** Completed (and replaced) whenever a federation is loaded: wakes polls of unstarted ones. */
  private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

  private final Metrics metrics;

  Coordinator(
      FederationStore store,
      Rounds rounds,
      Nodes nodes,
      Participants participants,
      Checkpoints checkpoints,
      Analyses analyses,
      @Nullable ServiceTrust serviceTrust,
      ClientSelector selector,
      TransactionTemplate transactions,
      ApplicationEventPublisher events,
      MeterRegistry registry,
      Clock clock,
      Duration tick,
      Duration quorumWait,
      @Nullable ShardTransport shards) {
    this.store = store;
    this.shards = shards;
    this.rounds = rounds;
    this.nodes = nodes;
    this.participants = participants;
    this.checkpoints = checkpoints;
    this.analyses = analyses;
    this.serviceTrust = serviceTrust;
    this.selector = selector;
    this.transactions = transactions;
    this.events = events;
    this.clock = clock;
    this.quorumWait = quorumWait;
    this.metrics = new Metrics(registry);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("federation-coordinator").daemon().factory());
    ticker.scheduleWithFixedDelay(
        this::tickQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    running.values().forEach(Live::signal);
    if (shards instanceof HttpShardTransport http) {
      http.close();
    }
  }

  /**
   * The trust service's reputations of a federation owner's client nodes, for {@code trust(S)} with
   * {@code trust-source: service}; only those it has scored.
   */
  @FunctionalInterface
  interface ServiceTrust {
    Map<String, Double> trust(io.truststram.common.tenant.TenantId owner, List<String> nodes);
  }

  // ---------------------------------------------------------------------------------------------
  // What nodes see

  /** What a node's poll returns. */
  sealed interface Offer {}

  /** Train in round {@code round} from model version {@code modelVersion}. */
  record TrainOffer(
      int round,
      int attempt,
      int modelVersion,
      int parameters,
      LocalTraining training,
      long seed,
      Instant deadline,
      @Nullable SecureTask secure)
      implements Offer {}

  /**
   * The secure round a node's task belongs to: SecAgg's round and the node's index in it, or
   * Paillier's settings for a round of {@code clients} inputs of {@code length} values.
   */
  record SecureTask(
      @Nullable SecAggRound round,
      int index,
      Duration stageTimeout,
      io.truststram.federation.secagg.@Nullable PaillierSettings paillier,
      int clients,
      int length) {}

  /** Summarise the node's data for a federated analysis on model version {@code modelVersion}. */
  record AnalyzeOffer(Analyses.Analysis analysis, int modelVersion, @Nullable SecureSession secure)
      implements Offer {}

  /** Nothing to do yet: poll again. */
  record NoOffer() implements Offer {}

  /** The federation ended (or was never started): stop. */
  record Finished(String state) implements Offer {}

  /**
   * Waits up to {@code wait} for a task for node {@code nodeId}; counts as a sign of life.
   *
   * @throws ProblemException when the caller is not that node
   */
  Offer poll(Caller caller, UUID federationId, UUID nodeId, Duration wait)
      throws InterruptedException {
    Nodes.Node node = authorisedNode(caller, federationId, nodeId);
    lastSeen.put(node.id(), clock.instant());
    polling.merge(node.id(), 1, Integer::sum);
    try {
      return waitForOffer(node, federationId, nodeId, wait);
    } finally {
      polling.computeIfPresent(node.id(), (id, count) -> count == 1 ? null : count - 1);
      lastSeen.put(node.id(), clock.instant());
    }
  }

  private Offer waitForOffer(Nodes.Node node, UUID federationId, UUID nodeId, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + Math.min(wait.toNanos(), MAX_WAIT.toNanos());
    while (true) {
      Live live = running.get(federationId);
      if (!training(live, nodeId)) {
        // Analyses come between tasks: never while the node has a round's training to do.
        AnalyzeOffer analysis = analysisFor(federationId, node);
        if (analysis != null) {
          return analysis;
        }
      }
      if (live == null) {
        CompletableFuture<Void> started = loaded;
        FederationRecord federation = store.find(federationId).orElseThrow();
        if (federation.state() == FederationRecord.State.RUNNING) {
          // Running but not loaded yet (just started, or this process just restarted).
          wake(federationId);
          live = running.get(federationId);
        } else if (federation.state() != FederationRecord.State.CREATED) {
          return finishedUnlessAnalysis(
              federationId, node, federation.state().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (live == null) {
          // Not started yet: wait until some federation starts, then look again.
          if (!await(started, deadline)) {
            return new NoOffer();
          }
          continue;
        }
      }
      CompletableFuture<Void> changed;
      live.lock.lock();
      try {
        OpenRound round = live.round;
        if (live.async != null) {
          TrainOffer offer =
              live.finished == null && round != null ? asyncOffer(live, round, node) : null;
          if (offer != null) {
            return offer;
          }
        } else if (round != null
            && round.tasks.containsKey(nodeId)
            && !round.submitted.contains(nodeId)) {
          return new TrainOffer(
              round.number,
              round.attempt,
              live.version,
              live.global.length,
              round.tasks.get(nodeId),
              round.seed ^ nodeId.getLeastSignificantBits(),
              round.deadline,
              secureTask(live, round, nodeId));
        }
        if (live.finished != null) {
          return finishedUnlessAnalysis(federationId, node, live.finished);
        }
        changed = live.changed;
      } finally {
        live.lock.unlock();
      }
      if (!await(changed, deadline)) {
        return new NoOffer();
      }
    }
  }

  /** The analysis waiting for {@code node}'s summary, as an offer; null when there is none. */
  private @Nullable AnalyzeOffer analysisFor(UUID federationId, Nodes.Node node) {
    Analyses.Analysis analysis = analyses.pendingFor(federationId, node);
    return analysis == null
        ? null
        : new AnalyzeOffer(
            analysis,
            java.util.Objects.requireNonNull(analysis.modelVersion()),
            analyses.session(analysis.id()));
  }

  /**
   * The end of the federation for {@code node}, unless an analysis of its final model waits for the
   * node: the end is committed by now, so such an analysis opens here even when the check at the
   * top of the poll ran just before the last round's commit (the node would stop without it).
   */
  private Offer finishedUnlessAnalysis(UUID federationId, Nodes.Node node, String state) {
    AnalyzeOffer analysis = analysisFor(federationId, node);
    return analysis != null ? analysis : new Finished(state);
  }

  /** Whether the node holds a task of the open round it has not reported on. */
  private static boolean training(@Nullable Live live, UUID nodeId) {
    if (live == null) {
      return false;
    }
    live.lock.lock();
    try {
      OpenRound round = live.round;
      return live.outstanding.containsKey(nodeId)
          || (round != null
              && round.tasks.containsKey(nodeId)
              && !round.submitted.contains(nodeId));
    } finally {
      live.lock.unlock();
    }
  }

  /**
   * The FedBuff task of {@code node}: the one it holds, or a new one on the current version while
   * fewer than {@code clientsPerRound} are out and it has not reported on this version yet.
   */
  private @Nullable TrainOffer asyncOffer(Live live, OpenRound round, Nodes.Node node) {
    FederationRecord federation = live.federation;
    Instant now = clock.instant();
    AsyncTask task = live.outstanding.get(node.id());
    if (task != null && stale(live, task, now)) {
      rounds.expire(federation.id(), task.round(), node.id());
      live.outstanding.remove(node.id());
      task = null;
    }
    if (task == null) {
      if (live.outstanding.size() >= federation.clientsPerRound()
          || round.assigned.contains(node.id())) {
        return null;
      }
      SplittableRandom random =
          new SplittableRandom(round.seed ^ node.id().getMostSignificantBits());
      LocalTraining training =
          live.strategy
              .configureTrain(
                  round.number,
                  List.of(new ClientProfile(node.id().toString(), node.examples())),
                  random)
              .getFirst()
              .training();
      Rounds.Task row =
          Rounds.Task.assigned(
              federation.id(), round.number, node.id(), node.tenant(), trainingJson(training), now);
      transactions.executeWithoutResult(status -> rounds.assign(row));
      task = new AsyncTask(round.number, training, now);
      live.outstanding.put(node.id(), task);
      round.assigned.add(node.id());
    }
    return new TrainOffer(
        task.round(),
        1,
        task.round() - 1,
        live.global.length,
        task.training(),
        round.seed ^ node.id().getLeastSignificantBits() ^ task.round(),
        task.assignedAt().plusSeconds(federation.roundTimeoutSeconds()),
        null);
  }

  /** Whether a FedBuff task can no longer be taken: its base is too old, or it timed out. */
  private static boolean stale(Live live, AsyncTask task, Instant now) {
    FedBuffStrategy async = java.util.Objects.requireNonNull(live.async);
    return live.version - (task.round() - 1) > async.maxStaleness()
        || now.isAfter(task.assignedAt().plusSeconds(live.federation.roundTimeoutSeconds()));
  }

  /** Waits for {@code signal} until {@code deadline} (System.nanoTime); false when it timed out. */
  private static boolean await(CompletableFuture<Void> signal, long deadline)
      throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return false;
    }
    try {
      signal.get(left, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A node's acknowledged update. */
  record Receipt(
      int round,
      UUID nodeId,
      String sha256,
      long bytes,
      long sequence,
      Instant acceptedAt,
      boolean replayed) {}

  /**
   * Takes node {@code nodeId}'s update for round {@code round}: a safetensors file with the float
   * tensor {@code parameters} and metadata {@code examples}, {@code steps}, {@code train.*} and
   * {@code evaluate.*} metrics and {@code data.sha256}. Returns once it is durable and folded. The
   * same file sent again is answered with the same receipt and counted once.
   */
  Receipt submit(
      Caller caller,
      UUID federationId,
      int round,
      UUID nodeId,
      @Nullable String idempotencyKey,
      InputStream body)
      throws IOException {
    authorisedNode(caller, federationId, nodeId);
    lastSeen.put(nodeId, clock.instant());
    Optional<Rounds.Task> existing = rounds.task(federationId, round, nodeId);
    if (existing.isPresent() && existing.get().submitted()) {
      return replay(existing.get(), body);
    }
    Live live = running.get(federationId);
    boolean secure =
        live != null
            ? live.secure != null
            : store
                .find(federationId)
                .map(f -> SecureAggregation.from(f.strategyParameters()).isPresent())
                .orElse(false);
    if (secure) {
      throw new ProblemException(
          FederationProblems.SECURE_ONLY,
          "federation "
              + federationId
              + " aggregates securely: a node sends its masked input through the secure round's stages, never its"
              + " update in the clear");
    }
    if (live == null) {
      throw notOpen(federationId, round, null);
    }
    int parameters;
    OpenRound expected;
    live.lock.lock();
    try {
      OpenRound open = live.round;
      expected = open;
      requireTask(live, open, round, nodeId);
      if (!live.receiving.add(nodeId)) {
        throw new ProblemException(
            FederationProblems.UPDATE_IN_PROGRESS,
            "an update of this node for round " + round + " is being received; retry shortly");
      }
      parameters = live.global.length;
    } finally {
      live.lock.unlock();
    }
    // A key of its own: a second delivery of the same update can never overwrite this one.
    String key = Checkpoints.updateKey(federationId, round, nodeId, UUID.randomUUID());
    boolean stored = false;
    try {
      BlobInfo blob;
      try {
        blob = checkpoints.blobs().put(key, body, maxUpdateBytes(parameters));
      } catch (BlobTooLargeException e) {
        throw reject(
            "too-large",
            FederationProblems.UPDATE_TOO_LARGE,
            "an update of this federation's model is at most " + e.limit() + " bytes");
      }
      stored = true;
      metrics.bytesIn.increment(blob.size());
      // Uploads stream to storage side by side; checking holds a model-sized copy in memory,
      // so only a few run at once, whatever the number of nodes.
      checking.acquireUninterruptibly();
      try {
        Parsed parsed = parse(blob, nodeId, parameters, live);
        Receipt receipt = acknowledge(live, expected, round, nodeId, idempotencyKey, blob, parsed);
        stored = false;
        return receipt;
      } finally {
        checking.release();
      }
    } finally {
      if (stored) {
        checkpoints.blobs().delete(key);
      }
      live.lock.lock();
      try {
        live.receiving.remove(nodeId);
      } finally {
        live.lock.unlock();
      }
    }
  }

  /** Refuses a report of the node on round {@code round} unless it holds a task there. */
  private void requireTask(Live live, @Nullable OpenRound open, int round, UUID nodeId) {
    if (live.async != null && open != null) {
      requireAsyncTask(live, round, nodeId);
    } else if (live.finished != null) {
      throw notOpen(live.federation.id(), round, live.finished);
    } else if (open == null || open.number != round) {
      throw reject("closed", FederationProblems.ROUND_NOT_OPEN, "round " + round + " is not open");
    } else if (!open.tasks.containsKey(nodeId)) {
      throw reject(
          "not-selected",
          FederationProblems.NOT_SELECTED,
          "node " + nodeId + " was not chosen for round " + round);
    }
  }

  /** The FedBuff task of the node from round {@code round}, when it may still report on it. */
  private AsyncTask requireAsyncTask(Live live, int round, UUID nodeId) {
    AsyncTask task = live.outstanding.get(nodeId);
    if ((task == null || task.round() != round)
        && rounds
            .task(live.federation.id(), round, nodeId)
            .filter(t -> t.state().equals("LATE"))
            .isPresent()) {
      throw reject(
          "too-stale",
          FederationProblems.ROUND_NOT_OPEN,
          "the task of round "
              + round
              + " expired (too many versions behind, or older than roundTimeoutSeconds)");
    }
    if (task == null || task.round() != round) {
      throw reject(
          "not-selected",
          FederationProblems.NOT_SELECTED,
          "node " + nodeId + " holds no task from round " + round + " (it expired or was taken)");
    }
    if (stale(live, task, clock.instant())) {
      rounds.expire(live.federation.id(), round, nodeId);
      live.outstanding.remove(nodeId);
      throw reject(
          "too-stale",
          FederationProblems.ROUND_NOT_OPEN,
          "the task of round "
              + round
              + " started from version "
              + (round - 1)
              + "; the federation is at version "
              + live.version
              + " and takes reports at most "
              + java.util.Objects.requireNonNull(live.async).maxStaleness()
              + " versions behind, within roundTimeoutSeconds");
    }
    return task;
  }

  private Receipt acknowledge(
      Live live,
      @Nullable OpenRound expected,
      int round,
      UUID nodeId,
      @Nullable String idempotencyKey,
      BlobInfo blob,
      Parsed parsed) {
    live.lock.lock();
    try {
      OpenRound open = live.round;
      if (live.async != null && open != null) {
        requireAsyncTask(live, round, nodeId);
      } else if (live.finished != null) {
        throw notOpen(live.federation.id(), round, live.finished);
      } else if (open == null || open != expected) {
        // Closed meanwhile, or another attempt of it opened.
        throw reject(
            "late", FederationProblems.ROUND_NOT_OPEN, "round " + round + " closed meanwhile");
      }
      Instant now = clock.instant();
      long sequence = open.submitted.size() + 1L;
      ClientUpdate update =
          live.async == null
              ? parsed.update
              : new ClientUpdate(
                  parsed.update.clientId(),
                  parsed.update.parameters(),
                  parsed.update.examples(),
                  parsed.update.localSteps(),
                  round - 1,
                  parsed.update.metrics());
      boolean recorded =
          Boolean.TRUE.equals(
              transactions.execute(
                  status ->
                      rounds.submit(
                          live.federation.id(),
                          round,
                          nodeId,
                          open.number,
                          sequence,
                          now,
                          idempotencyKey,
                          blob.key(),
                          blob.sha256(),
                          blob.size(),
                          parsed.update.examples(),
                          parsed.update.localSteps(),
                          parsed.metrics,
                          parsed.dataSha256)));
      if (!recorded) {
        throw new ProblemException(
            FederationProblems.UPDATE_CONFLICT,
            "this node's task in round " + round + " takes no more updates");
      }
      fold(open, update);
      open.submitted.add(nodeId);
      live.outstanding.remove(nodeId);
      metrics.accepted.increment();
      if (complete(open)) {
        try {
          closeRound(live);
        } catch (RuntimeException e) {
          // The update is acknowledged all the same; the next tick closes the round again.
          log.error("Federation {} round {} could not close", live.federation.id(), round, e);
        }
      }
      return new Receipt(round, nodeId, blob.sha256(), blob.size(), sequence, now, false);
    } finally {
      live.lock.unlock();
    }
  }

  private Receipt replay(Rounds.Task task, InputStream body) throws IOException {
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[1 << 16];
    long size = 0;
    long limit = task.updateBytes() == null ? 0 : task.updateBytes();
    int read;
    while ((read = body.read(buffer)) >= 0) {
      size += read;
      if (size > limit) {
        break;
      }
      sha256.update(buffer, 0, read);
    }
    String hash = HexFormat.of().formatHex(sha256.digest());
    if (size != limit || !hash.equals(task.updateSha256())) {
      throw reject(
          "duplicate",
          FederationProblems.UPDATE_CONFLICT,
          "this node already submitted a different update for round " + task.round());
    }
    return new Receipt(
        task.round(),
        task.nodeId(),
        hash,
        size,
        task.sequence() == null ? 0 : task.sequence(),
        task.submittedAt() == null ? clock.instant() : task.submittedAt(),
        true);
  }

  /** The largest update file accepted for a model of {@code parameters} (float64 at most). */
  static long maxUpdateBytes(int parameters) {
    return 8 + MAX_HEADER_BYTES + (long) parameters * Double.BYTES;
  }

  private record Parsed(
      ClientUpdate update, Map<String, Double> metrics, @Nullable String dataSha256) {}

  /** Reads and checks a stored update; refuses it (with its rejection counted) when unusable. */
  private Parsed parse(BlobInfo blob, UUID nodeId, int parameters, Live live) throws IOException {
    try {
      return checkpoints.read(
          blob.key(),
          new SafeTensors.Limits(MAX_HEADER_BYTES, (long) parameters * Double.BYTES),
          contents -> parse(contents, nodeId, parameters, live));
    } catch (InvalidSafeTensorsException e) {
      throw invalid("malformed", "not a valid safetensors file: " + e.getMessage());
    }
  }

  private Parsed parse(SafeTensors.Contents contents, UUID nodeId, int parameters, Live live) {
    if (!contents.tensors().keySet().equals(Set.of(Checkpoints.PARAMETERS))) {
      throw invalid(
          "wrong-shape",
          "an update holds exactly one tensor, 'parameters'; this one holds "
              + contents.tensors().keySet());
    }
    Tensor tensor = contents.tensor(Checkpoints.PARAMETERS);
    if (!tensor.dtype().isFloatingPoint()) {
      throw invalid(
          "wrong-dtype", "'parameters' must be F32, F64, F16 or BF16, not " + tensor.dtype());
    }
    if (tensor.shape().length != 1 || tensor.shape()[0] != parameters) {
      throw invalid(
          "wrong-shape",
          "'parameters' must have shape ["
              + parameters
              + "], not "
              + java.util.Arrays.toString(tensor.shape()));
    }
    Map<String, String> metadata = contents.metadata();
    long examples = integer(metadata, "examples", 1, Long.MAX_VALUE / 2, true);
    int steps = (int) integer(metadata, "steps", 0, Integer.MAX_VALUE, false);
    Map<String, Double> reported = new TreeMap<>();
    String dataSha256 = null;
    for (var entry : metadata.entrySet()) {
      String name = entry.getKey();
      if (name.equals("examples") || name.equals("steps")) {
        continue;
      }
      if (name.equals("data.sha256")) {
        if (!SHA256.matcher(entry.getValue()).matches()) {
          throw invalid("metadata", "data.sha256 must be 64 lower-case hex digits");
        }
        dataSha256 = entry.getValue();
      } else if (METRIC.matcher(name).matches()) {
        double value = finite(name, entry.getValue());
        if (name.equals("evaluate.examples") && (value < 0 || value > 1e12)) {
          throw invalid("metadata", "evaluate.examples must be from 0 to 10^12");
        }
        reported.put(name, value);
      } else {
        throw invalid(
            "metadata",
            "unknown metadata key '"
                + abbreviate(name)
                + "'; known: examples, steps, data.sha256, train.<metric>, evaluate.<metric>");
      }
    }
    if (reported.size() > 32) {
      throw invalid("metadata", "at most 32 metrics per update");
    }
    ClientUpdate update =
        new ClientUpdate(
            nodeId.toString(), tensor.toFloats(), examples, steps, live.version, reported);
    try {
      live.strategy.check(update, parameters);
    } catch (RejectedUpdateException e) {
      throw invalid(e.reason().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
    }
    return new Parsed(update, reported, dataSha256);
  }

  private long integer(
      Map<String, String> metadata, String name, long min, long max, boolean required) {
    String value = metadata.get(name);
    if (value == null) {
      if (required) {
        throw invalid("metadata", "metadata '" + name + "' is required");
      }
      return 0;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw invalid(
          "metadata", "metadata '" + name + "' must be an integer from " + min + " to " + max);
    }
  }

  private double finite(String name, String value) {
    try {
      double parsed = Double.parseDouble(value.strip());
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw invalid("metadata", "metric '" + name + "' must be a finite number");
  }

  private ProblemException invalid(String reason, String detail) {
    return reject(reason, FederationProblems.INVALID_UPDATE, detail);
  }

  /**
   * The refusal of a report on round {@code round} of a federation that is not running: when it has
   * ended, the detail says so, so that a node whose task was still out at the end can tell that
   * from a refusal of a running federation. {@code finished} is the ended state when known.
   */
  private ProblemException notOpen(UUID federationId, int round, @Nullable String finished) {
    String ended =
        finished != null
            ? finished
            : store
                .find(federationId)
                .map(FederationRecord::state)
                .filter(
                    state ->
                        state != FederationRecord.State.CREATED
                            && state != FederationRecord.State.RUNNING)
                .map(state -> state.name().toLowerCase(java.util.Locale.ROOT))
                .orElse(null);
    if (ended == null) {
      return reject("closed", FederationProblems.ROUND_NOT_OPEN, "round " + round + " is not open");
    }
    return reject(
        "ended",
        FederationProblems.ROUND_NOT_OPEN,
        "the federation has ended (" + ended + "): round " + round + " takes no more updates");
  }

  private ProblemException reject(
      String reason, io.truststram.common.problem.ProblemType type, String detail) {
    metrics.rejected(reason);
    return new ProblemException(type, detail);
  }

  /** The node {@code nodeId} of the federation, when the caller is that node's own client. */
  private Nodes.Node authorisedNode(Caller caller, UUID federationId, UUID nodeId) {
    Nodes.Node node =
        nodes
            .actingAs(caller, federationId, nodeId)
            .orElseThrow(() -> NodeService.notFound(nodeId));
    if (!taking(federationId, node.tenant())) {
      throw new ProblemException(
          FederationProblems.PARTICIPATION_CONFLICT,
          "the node's tenant no longer takes part in this federation");
    }
    return node;
  }

  /** Whether {@code tenant} owns the federation or takes part in it actively. */
  private boolean taking(UUID federationId, io.truststram.common.tenant.TenantId tenant) {
    Live live = running.get(federationId);
    io.truststram.common.tenant.TenantId owner =
        live != null
            ? live.federation.tenant()
            : store.find(federationId).map(FederationRecord::tenant).orElse(null);
    return tenant.equals(owner)
        || participants
            .find(federationId, tenant)
            .filter(p -> p.state() == Participants.State.ACTIVE)
            .isPresent();
  }

  /**
   * The node {@code caller} is, when it is node {@code nodeId} of the federation and its tenant
   * still takes part; counts as a sign of life.
   *
   * @throws ProblemException otherwise
   */
  Nodes.Node actingNode(Caller caller, UUID federationId, UUID nodeId) {
    Nodes.Node node = authorisedNode(caller, federationId, nodeId);
    lastSeen.put(node.id(), clock.instant());
    return node;
  }

  /** Wakes the polls waiting on a running federation, to look for new work (an analysis). */
  void signal(UUID federationId) {
    Live live = running.get(federationId);
    if (live != null) {
      live.signal();
    }
  }

  /** Records that a node showed a sign of life (a heartbeat). */
  void seen(UUID nodeId) {
    lastSeen.put(nodeId, clock.instant());
  }

  /** The nodes waiting in a poll or seen within three heartbeat intervals. */
  int activeNodes() {
    Instant since = clock.instant().minus(NodeService.HEARTBEAT.multipliedBy(3));
    return (int)
        lastSeen.entrySet().stream()
            .filter(e -> polling.containsKey(e.getKey()) || e.getValue().isAfter(since))
            .count();
  }

  // ---------------------------------------------------------------------------------------------
  // Rounds

  /**
   * Loads a federation that was just started (or checks on it now rather than at the next tick).
   */
  void wake(UUID federationId) {
    try {
      store
          .find(federationId)
          .filter(f -> f.state() == FederationRecord.State.RUNNING)
          .ifPresent(
              f -> {
                boolean[] fresh = {false};
                Live live =
                    running.computeIfAbsent(
                        f.id(),
                        id -> {
                          fresh[0] = true;
                          return load(f);
                        });
                if (fresh[0]) {
                  CompletableFuture<Void> previous = loaded;
                  loaded = new CompletableFuture<>();
                  previous.complete(null);
                }
                advance(live);
              });
    } catch (RuntimeException e) {
      log.error("Federation {} could not be advanced", federationId, e);
    }
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.error("Coordinator tick failed", e);
    }
  }

  /** Loads federations that are running, drops those that no longer are, and moves rounds on. */
  void tick() {
    Set<UUID> runningNow = new HashSet<>(store.runningIds());
    for (UUID id : List.copyOf(running.keySet())) {
      if (!runningNow.contains(id)) {
        Live gone = running.remove(id);
        if (gone != null) {
          gone.lock.lock();
          try {
            gone.finished =
                store
                    .find(id)
                    .map(f -> f.state().name().toLowerCase(java.util.Locale.ROOT))
                    .orElse("cancelled");
            OpenRound open = gone.round;
            if (open != null) {
              cleanUp(id, open.number);
            }
            gone.round = null;
            gone.signal();
          } finally {
            gone.lock.unlock();
          }
        }
      }
    }
    for (UUID id : runningNow) {
      wake(id);
    }
    Instant forgotten = clock.instant().minus(Duration.ofMinutes(10));
    lastSeen
        .entrySet()
        .removeIf(e -> !polling.containsKey(e.getKey()) && e.getValue().isBefore(forgotten));
  }

  private void advance(Live live) {
    live.lock.lock();
    try {
      if (live.finished != null) {
        return;
      }
      OpenRound open = live.round;
      Instant now = clock.instant();
      if (open == null) {
        maybeOpen(live, now);
      } else if (live.secure != null) {
        tickSecure(live, open, now);
      } else if (complete(open)) {
        // Complete but not closed: its close failed, or a restart re-folded it complete.
        closeRound(live);
      } else if (live.async != null) {
        // No deadline closes a buffer; tasks out too long make room for others.
        for (var entry : List.copyOf(live.outstanding.entrySet())) {
          if (stale(live, entry.getValue(), now)) {
            rounds.expire(live.federation.id(), entry.getValue().round(), entry.getKey());
            live.outstanding.remove(entry.getKey());
          }
        }
      } else if (!now.isBefore(open.deadline)) {
        if (open.submitted.size() >= live.federation.minClients()) {
          closeRound(live);
        } else {
          abandonRound(live, now);
        }
      }
    } finally {
      live.lock.unlock();
    }
  }

  /** Whether the round has all it waits for: every chosen node's update, or a full buffer. */
  private static boolean complete(OpenRound open) {
    return open.aggregation instanceof Buffered buffered
        ? buffered.full()
        : open.submitted.size() == open.tasks.size() && !open.tasks.isEmpty();
  }

  private void maybeOpen(Live live, Instant now) {
    if (live.async != null) {
      openBuffer(live, now);
      return;
    }
    FederationRecord federation = live.federation;
    List<Nodes.Node> registered = nodes.of(federation.id(), null);
    List<ClientProfile> online = available(federation.id(), registered, now);
    if (!ready(live, online, now)) {
      return;
    }
    Map<UUID, Nodes.Node> byId = new HashMap<>();
    registered.forEach(n -> byId.put(n.id(), n));
    DifferentialPrivacy dp = Wrapper.find(live.strategy, DifferentialPrivacy.class).orElse(null);
    // Data owners who capped their privacy spending: their nodes sit out a round that would pass
    // the cap (or any round of a federation without differential privacy).
    OwnerBudgets owners = ownerBudgets(federation, dp, online, byId);
    List<ClientProfile> available = owners.eligible();
    if (!owners.exhausted().isEmpty()
        && online.size() >= federation.minClients()
        && available.size() < federation.minClients()) {
      stopForOwners(live, owners.exhausted(), now);
      return;
    }
    if (!ready(live, available, now)) {
      return;
    }
    int number = live.version + 1;
    int attempt = live.nextAttempt;
    long seed = mix(federation.seed(), number, attempt);
    SplittableRandom random = new SplittableRandom(seed);
    List<ClientProfile> chosen =
        selector.choose(
            federation.tenant(), federation.id(), available, federation.clientsPerRound(), random);
    List<TrainPlan> plans = live.strategy.configureTrain(number, chosen, random);
    Map<UUID, TenantTask> assigned = new LinkedHashMap<>();
    for (TrainPlan plan : plans) {
      UUID nodeId = UUID.fromString(plan.clientId());
      Nodes.Node node = byId.get(nodeId);
      if (node != null) {
        assigned.put(nodeId, new TenantTask(node, plan.training()));
      }
    }
    if (assigned.size() < federation.minClients()) {
      return;
    }
    // A declared privacy budget: the round is priced before it opens, and refused if it would
    // pass the budget. The probability that a node takes part is how many were chosen of those
    // available.
    PrivacyLedger ledger = null;
    double epsilonAfter = 0;
    if (dp != null && dp.budget() != null) {
      double q = Math.min(1, assigned.size() / (double) Math.max(1, available.size()));
      ledger = ledger(live).spend(q, dp.settings().noiseMultiplier());
      epsilonAfter = ledger.spent(dp.budget().delta(), Conversion.CLASSIC).epsilon();
      if (epsilonAfter > dp.budget().epsilon()) {
        exhaustBudget(live, number, epsilonAfter, dp.budget(), now);
        return;
      }
    }
    PrivacyLedger spending = ledger;
    double spentAfter = epsilonAfter;
    // Every eligible data owner is charged the round: sampling's amplification covers the nodes
    // that could have been chosen, and so does the cost.
    double roundQ = Math.min(1, assigned.size() / (double) Math.max(1, available.size()));
    List<FederationStore.TenantPrivacy> charged =
        dp == null || dp.settings().noiseMultiplier() == 0
            ? List.of()
            : owners.charge(roundQ, dp.settings().noiseMultiplier(), now);
    Instant deadline = now.plusSeconds(federation.roundTimeoutSeconds());
    Rounds.Round round =
        Rounds.Round.opening(
            federation.id(), number, attempt, seed, assigned.size(), now, deadline);
    List<Rounds.Task> tasks = new ArrayList<>();
    assigned.forEach(
        (nodeId, task) ->
            tasks.add(
                Rounds.Task.assigned(
                    federation.id(),
                    number,
                    nodeId,
                    task.node.tenant(),
                    trainingJson(task.training),
                    now)));
    transactions.executeWithoutResult(
        status -> {
          rounds.open(round, tasks);
          Wrapper.find(live.strategy, TrustWeighted.class)
              .filter(TrustWeighted::externalTrust)
              .ifPresent(t -> rounds.saveTrust(federation.id(), number, t.roundTrust()));
          store.startRound(federation.id(), number, now);
          if (spending != null) {
            store.savePrivacy(federation.id(), spending.rounds(), spending.rdp(), spentAfter, now);
          }
          for (FederationStore.TenantPrivacy owner : charged) {
            store.saveTenantSpent(
                owner.tenant(),
                owner.rounds(),
                owner.rdp(),
                owner.epsilonSpent(),
                owner.delta(),
                now);
          }
        });
    if (spending != null) {
      live.ledger = spending;
      metrics.epsilon(federation.id(), spentAfter);
    }
    Wrapper.find(live.strategy, io.truststram.federation.strategy.DpSgd.class)
        .ifPresent(
            dpsgd ->
                metrics.sampleEpsilon(
                    federation.id(),
                    dpsgd.clients().stream()
                        .mapToDouble(client -> dpsgd.spent(client, 1e-5).epsilon())
                        .max()
                        .orElse(0)));
    Map<UUID, LocalTraining> training = new LinkedHashMap<>();
    assigned.forEach((nodeId, task) -> training.put(nodeId, task.training));
    live.round =
        new OpenRound(
            number,
            attempt,
            seed,
            now,
            deadline,
            training,
            live.strategy.beginRound(number, live.global));
    if (live.secure != null) {
      startSecure(live, live.round, now);
    }
    log.info(
        "Federation {} round {} (attempt {}) opened with {} of {} available nodes",
        federation.id(),
        number,
        attempt,
        assigned.size(),
        available.size());
    live.signal();
  }

  /**
   * Whether a round may open with {@code available}: as many nodes as a round takes, or at least
   * minClients once the quorum wait has passed.
   */
  private boolean ready(Live live, List<ClientProfile> available, Instant now) {
    FederationRecord federation = live.federation;
    boolean full = available.size() >= federation.clientsPerRound();
    boolean quorum =
        available.size() >= federation.minClients()
            && !now.isBefore(live.waitingSince.plus(quorumWait));
    return full || quorum;
  }

  private record TenantTask(Nodes.Node node, LocalTraining training) {}

  /**
   * The nodes a round may choose once data owners' caps are applied, the owners whose caps kept
   * their nodes out, and each eligible owner's spending so far.
   */
  private record OwnerBudgets(
      List<ClientProfile> eligible,
      Set<TenantId> exhausted,
      Map<TenantId, FederationStore.TenantPrivacy> spent) {

    /** Each eligible owner's spending after a round at sampling rate q and multiplier σ. */
    List<FederationStore.TenantPrivacy> charge(double q, double sigma, Instant now) {
      List<FederationStore.TenantPrivacy> after = new ArrayList<>();
      spent.forEach(
          (tenant, before) -> {
            PrivacyLedger ledger =
                PrivacyLedger.restore(before.rdp(), before.rounds()).spend(q, sigma);
            after.add(
                new FederationStore.TenantPrivacy(
                    tenant,
                    before.epsilonCap(),
                    before.delta(),
                    ledger.rounds(),
                    ledger.rdp(),
                    ledger.spent(before.delta(), Conversion.CLASSIC).epsilon(),
                    now));
          });
      return after;
    }
  }

  private OwnerBudgets ownerBudgets(
      FederationRecord federation,
      @Nullable DifferentialPrivacy dp,
      List<ClientProfile> online,
      Map<UUID, Nodes.Node> byId) {
    Map<TenantId, FederationStore.TenantPrivacy> spent = new HashMap<>();
    for (ClientProfile client : online) {
      Nodes.Node node = byId.get(UUID.fromString(client.clientId()));
      if (node != null && !spent.containsKey(node.tenant())) {
        spent.put(
            node.tenant(),
            store
                .tenantPrivacy(node.tenant())
                .orElse(
                    new FederationStore.TenantPrivacy(
                        node.tenant(),
                        null,
                        1e-5,
                        0,
                        PrivacyLedger.empty().rdp(),
                        0,
                        clock.instant())));
      }
    }
    double sigma = dp == null ? 0 : dp.settings().noiseMultiplier();
    Set<TenantId> exhausted = new java.util.LinkedHashSet<>();
    List<ClientProfile> eligible = online;
    for (int pass = 0; pass < 16; pass++) {
      double q = Math.min(1, federation.clientsPerRound() / (double) Math.max(1, eligible.size()));
      Set<TenantId> over = new HashSet<>();
      for (FederationStore.TenantPrivacy owner : spent.values()) {
        if (owner.epsilonCap() == null || exhausted.contains(owner.tenant())) {
          continue;
        }
        boolean passes =
            sigma == 0
                || PrivacyLedger.restore(owner.rdp(), owner.rounds())
                        .spend(q, sigma)
                        .spent(owner.delta(), Conversion.CLASSIC)
                        .epsilon()
                    > owner.epsilonCap();
        if (passes) {
          over.add(owner.tenant());
        }
      }
      if (over.isEmpty()) {
        break;
      }
      exhausted.addAll(over);
      eligible =
          eligible.stream()
              .filter(
                  c -> {
                    Nodes.Node node = byId.get(UUID.fromString(c.clientId()));
                    return node == null || !exhausted.contains(node.tenant());
                  })
              .toList();
    }
    exhausted.forEach(spent::remove);
    return new OwnerBudgets(eligible, exhausted, spent);
  }

  /**
   * Stops a federation that data owners' privacy caps leave with too few nodes: it completes with
   * the model of its last round, and says whose caps.
   */
  private void stopForOwners(Live live, Set<TenantId> owners, Instant now) {
    FederationRecord federation = live.federation;
    String reason =
        "privacy budget: the data owners "
            + owners.stream().map(t -> t.value().toString()).sorted().toList()
            + " would pass their epsilon caps"
            + (Wrapper.find(live.strategy, DifferentialPrivacy.class).isEmpty()
                ? " (the federation is not differentially private)"
                : "")
            + ", leaving fewer than minClients nodes";
    complete(live, reason, false, now);
  }

  /** What the federation has spent so far: cached, or read back after a restart. */
  private PrivacyLedger ledger(Live live) {
    if (live.ledger == null) {
      live.ledger =
          store
              .privacy(live.federation.id())
              .map(spent -> PrivacyLedger.restore(spent.rdp(), spent.rounds()))
              .orElse(PrivacyLedger.empty());
    }
    return live.ledger;
  }

  /**
   * Stops a federation whose next round would pass its privacy budget: it completes with the model
   * of its last round, and says why.
   */
  private void exhaustBudget(
      Live live, int round, double epsilon, DifferentialPrivacy.Budget budget, Instant now) {
    FederationRecord federation = live.federation;
    String reason =
        String.format(
            java.util.Locale.ROOT,
            "privacy budget: round %d would bring epsilon to %.4f, above the target %.4f at"
                + " delta %s",
            round,
            epsilon,
            budget.epsilon(),
            budget.delta());
    complete(live, reason, true, now);
  }

  /** Completes a federation early with the model of its last round, saying why. */
  private void complete(Live live, String reason, boolean budgetExhausted, Instant now) {
    FederationRecord federation = live.federation;
    String modelSha =
        rounds.find(federation.id(), live.version).map(Rounds.Round::modelSha256).orElse("");
    Map<String, String> provenance = live.version > 0 ? provenance(live, live.version) : Map.of();
    transactions.executeWithoutResult(
        status -> {
          store.finish(
              federation.id(),
              FederationRecord.State.COMPLETED,
              modelSha.isEmpty() ? null : modelSha,
              provenance.isEmpty() ? null : JSON.writeValueAsString(provenance),
              null,
              now);
          if (budgetExhausted) {
            store.exhaustPrivacy(federation.id(), now);
          }
          events.publishEvent(
              new FederationCompleted(
                  federation.id(),
                  federation.tenant(),
                  "COMPLETED",
                  live.version,
                  modelSha,
                  provenance,
                  reason,
                  now));
        });
    log.info("Federation {} stopped: {}", federation.id(), reason);
    live.finished = "completed";
    running.remove(federation.id());
    live.signal();
  }

  /** Opens the FedBuff buffer towards the next version; tasks are handed out as nodes poll. */
  private void openBuffer(Live live, Instant now) {
    FederationRecord federation = live.federation;
    int number = live.version + 1;
    long seed = mix(federation.seed(), number, 1);
    Instant deadline = now.plusSeconds(federation.roundTimeoutSeconds());
    Rounds.Round round = Rounds.Round.opening(federation.id(), number, 1, seed, 0, now, deadline);
    transactions.executeWithoutResult(
        status -> {
          rounds.open(round, List.of());
          store.startRound(federation.id(), number, now);
        });
    live.round =
        new OpenRound(
            number,
            1,
            seed,
            now,
            deadline,
            Map.of(),
            new Buffered(java.util.Objects.requireNonNull(live.buff)));
    live.signal();
  }

  private List<ClientProfile> available(UUID federation, List<Nodes.Node> registered, Instant now) {
    Instant since = now.minus(NodeService.HEARTBEAT.multipliedBy(3));
    List<ClientProfile> available = new ArrayList<>();
    Map<io.truststram.common.tenant.TenantId, Boolean> takingPart = new HashMap<>();
    for (Nodes.Node node : registered) {
      if (!takingPart.computeIfAbsent(node.tenant(), t -> taking(federation, t))) {
        continue;
      }
      Instant seen = lastSeen.get(node.id());
      Instant heartbeat = node.lastHeartbeatAt();
      Instant latest =
          seen == null
              ? heartbeat
              : heartbeat == null || seen.isAfter(heartbeat) ? seen : heartbeat;
      if (polling.containsKey(node.id()) || (latest != null && latest.isAfter(since))) {
        available.add(new ClientProfile(node.id().toString(), node.examples()));
      }
    }
    return available;
  }

  private void fold(OpenRound open, ClientUpdate update) {
    long start = System.nanoTime();
    open.aggregation.accept(update);
    open.foldNanos += System.nanoTime() - start;
  }

  /** Ends the open round with the updates it has: checkpoints the next model, then commits. */
  private void closeRound(Live live) {
    OpenRound open = live.round;
    if (open == null) {
      return;
    }
    FederationRecord federation = live.federation;
    List<Rounds.Task> submitted = rounds.submitted(federation.id(), open.number);
    Map<String, Double> roundMetrics = new java.util.TreeMap<>(weightedMetrics(submitted));
    DifferentialPrivacy dp = Wrapper.find(live.strategy, DifferentialPrivacy.class).orElse(null);
    if (dp != null && dp.budget() != null && live.ledger != null) {
      // What the federation has spent with this round: in the round's record and audit entry.
      roundMetrics.put(
          "privacy.epsilon", live.ledger.spent(dp.budget().delta(), Conversion.CLASSIC).epsilon());
    }
    // A secure round reports counts and bounds, never anything of one node's input.
    roundMetrics.putAll(open.secureMetrics);
    long examples =
        open.secureAggregate != null
            ? open.secureAggregate.examples()
            : submitted.stream().mapToLong(t -> t.examples() == null ? 0 : t.examples()).sum();
    Map<String, double[]> stateBefore = live.strategy.serverState();
    long start = System.nanoTime();
    float[] next;
    try {
      next = open.aggregation.finish();
    } catch (RuntimeException e) {
      // Sharded aggregation lost a shard: the round is folded again from its stored updates.
      throw closeFailed(live, open, stateBefore, e);
    }
    long aggregationNanos = open.foldNanos + System.nanoTime() - start;
    Instant now = clock.instant();
    boolean last = open.number >= federation.rounds();
    BlobInfo model;
    try {
      model =
          checkpoints.saveModel(
              federation.id(), open.number, next, modelMetadata(federation, open.number));
      checkpoints.saveState(federation.id(), open.number, live.strategy.serverState());
    } catch (IOException | RuntimeException e) {
      throw closeFailed(live, open, stateBefore, e);
    }
    Map<String, String> provenance;
    try {
      provenance = last ? provenance(live, open.number) : Map.of();
      commitClose(
          live,
          open,
          submitted,
          examples,
          now,
          model,
          roundMetrics,
          aggregationNanos,
          last,
          provenance);
    } catch (RuntimeException e) {
      throw closeFailed(live, open, stateBefore, e);
    }
    afterClose(live, open, submitted, next, now, aggregationNanos, last);
  }

  /**
   * Undoes a close that did not commit: the strategy's state as before, the round open again with
   * its updates re-folded (closed again when its condition is checked next).
   */
  private RuntimeException closeFailed(
      Live live, OpenRound open, Map<String, double[]> stateBefore, Exception cause) {
    live.strategy.restoreServerState(stateBefore);
    live.round = reopen(live, open);
    log.error("Federation {} round {} could not close", live.federation.id(), open.number, cause);
    return cause instanceof RuntimeException runtime
        ? runtime
        : new UncheckedIOException(
            "checkpoint of round " + open.number + " failed", (IOException) cause);
  }

  private void commitClose(
      Live live,
      OpenRound open,
      List<Rounds.Task> submitted,
      long examples,
      Instant now,
      BlobInfo model,
      Map<String, Double> roundMetrics,
      long aggregationNanos,
      boolean last,
      Map<String, String> provenance) {
    FederationRecord federation = live.federation;
    transactions.executeWithoutResult(
        status -> {
          rounds.complete(
              federation.id(),
              open.number,
              submitted.size(),
              examples,
              now,
              model.sha256(),
              roundMetrics,
              aggregationNanos / 1_000_000,
              live.async == null);
          events.publishEvent(
              new RoundCompleted(
                  federation.id(),
                  federation.tenant(),
                  open.number,
                  submitted.size(),
                  examples,
                  model.sha256(),
                  roundMetrics,
                  now));
          UpdatesScored scored = scored(live, open.number, submitted, now);
          if (scored != null) {
            events.publishEvent(scored);
          }
          if (live.async == null) {
            Set<UUID> reported = new HashSet<>();
            submitted.forEach(task -> reported.add(task.nodeId()));
            publishDropouts(live, open, reported, now);
          }
          if (last) {
            store.finish(
                federation.id(),
                FederationRecord.State.COMPLETED,
                model.sha256(),
                JSON.writeValueAsString(provenance),
                null,
                now);
            events.publishEvent(
                new FederationCompleted(
                    federation.id(),
                    federation.tenant(),
                    "COMPLETED",
                    open.number,
                    model.sha256(),
                    provenance,
                    "",
                    now));
          }
        });
  }

  /**
   * The scores attack detection gave this round's updates, as an event; null when the strategy does
   * not detect.
   */
  private @Nullable UpdatesScored scored(
      Live live, int round, List<Rounds.Task> submitted, Instant now) {
    AnomalyDetection detection = Wrapper.find(live.strategy, AnomalyDetection.class).orElse(null);
    AnomalyDetection.RoundScores last = detection == null ? null : detection.lastRound();
    if (last == null || last.round() != round) {
      return null;
    }
    Map<UUID, TenantId> tenants = new HashMap<>();
    submitted.forEach(task -> tenants.put(task.nodeId(), task.tenant()));
    List<UpdatesScored.Score> scores = new ArrayList<>();
    for (AnomalyDetection.Score score : last.scores()) {
      UUID node = UUID.fromString(score.clientId());
      scores.add(
          new UpdatesScored.Score(
              node,
              tenants.getOrDefault(node, live.federation.tenant()),
              score.medianDistance(),
              score.cosine(),
              score.norm(),
              score.krumScore(),
              score.reasons()));
    }
    return new UpdatesScored(
        live.federation.id(),
        live.federation.tenant(),
        round,
        scores,
        last.quarantined().stream().map(UUID::fromString).toList(),
        now);
  }

  /** What follows a committed close; nothing here may undo it. */
  private void afterClose(
      Live live,
      OpenRound open,
      List<Rounds.Task> submitted,
      float[] next,
      Instant now,
      long aggregationNanos,
      boolean last) {
    FederationRecord federation = live.federation;
    metrics.roundDuration.record(Duration.between(open.openedAt, now));
    Wrapper.find(live.strategy, AnomalyDetection.class)
        .map(AnomalyDetection::lastRound)
        .filter(scores -> scores.round() == open.number)
        .ifPresent(scores -> metrics.scored(federation.id(), scores));
    metrics.aggregation.record(aggregationNanos, TimeUnit.NANOSECONDS);
    for (Rounds.Task task : submitted) {
      if (task.updateKey() != null) {
        deleteQuietly(task.updateKey());
      }
    }
    if (live.async == null) {
      cleanUp(federation.id(), open.number);
    }
    live.global = next;
    live.version = open.number;
    live.round = null;
    live.nextAttempt = 1;
    live.waitingSince = now;
    log.info(
        "Federation {} round {} completed with {} updates ({} ms aggregating)",
        federation.id(),
        open.number,
        submitted.size(),
        aggregationNanos / 1_000_000);
    if (last) {
      live.finished = "completed";
      running.remove(federation.id());
      live.signal();
    } else {
      live.signal();
      maybeOpen(live, now);
    }
  }

  /** A round whose aggregation was finished but not committed, refolded so it can close again. */
  private OpenRound reopen(Live live, OpenRound open) {
    RoundAggregation aggregation;
    if (live.async != null) {
      // FedBuff's engine moved to the next version in memory: rebuild it from the checkpoints.
      Map<UUID, AsyncTask> out = new HashMap<>(live.outstanding);
      restoreBuffer(live, live.global.length);
      live.outstanding.putAll(out);
      aggregation = new Buffered(java.util.Objects.requireNonNull(live.buff));
    } else {
      aggregation = live.strategy.beginRound(open.number, live.global);
    }
    OpenRound again =
        new OpenRound(
            open.number,
            open.attempt,
            open.seed,
            open.openedAt,
            open.deadline,
            open.tasks,
            aggregation);
    again.assigned.addAll(open.assigned);
    if (open.secureAggregate != null) {
      // A secure round keeps no update, only the unmasked mean, which folds again.
      again.secureAggregate = open.secureAggregate;
      again.secureMetrics = open.secureMetrics;
      fold(again, open.secureAggregate);
      again.submitted.addAll(open.submitted);
    } else {
      refold(live, again);
    }
    return again;
  }

  /** Gives up on a round with too few updates at its deadline: tries again, or fails. */
  private void abandonRound(Live live, Instant now) {
    OpenRound open = live.round;
    if (open == null) {
      return;
    }
    FederationRecord federation = live.federation;
    log.warn(
        "Federation {} round {} attempt {} got {} of the {} updates it needs by its deadline",
        federation.id(),
        open.number,
        open.attempt,
        open.submitted.size(),
        federation.minClients());
    metrics.abandoned.increment();
    live.round = null;
    if (live.secure == null && live.async == null) {
      // (An aborted secure attempt names no culprit: who sent what is not known here.)
      transactions.executeWithoutResult(status -> publishDropouts(live, open, open.submitted, now));
    }
    if (open.attempt >= MAX_ATTEMPTS) {
      String reason =
          "round "
              + open.number
              + " got fewer than minClients ("
              + federation.minClients()
              + ") updates in "
              + MAX_ATTEMPTS
              + " attempts";
      String modelSha =
          rounds.find(federation.id(), live.version).map(Rounds.Round::modelSha256).orElse("");
      transactions.executeWithoutResult(
          status -> {
            store.finish(federation.id(), FederationRecord.State.FAILED, null, null, reason, now);
            events.publishEvent(
                new FederationCompleted(
                    federation.id(),
                    federation.tenant(),
                    "FAILED",
                    live.version,
                    modelSha,
                    Map.of(),
                    reason,
                    now));
          });
      cleanUp(federation.id(), open.number);
      live.finished = "failed";
      running.remove(federation.id());
      live.signal();
      return;
    }
    // The attempt's tasks and updates go first in the database, then their files: a restart
    // in between finds a round with no task rather than acknowledged updates without files.
    transactions.executeWithoutResult(
        status -> rounds.abandon(federation.id(), open.number, open.attempt + 1));
    cleanUp(federation.id(), open.number);
    live.nextAttempt = open.attempt + 1;
    // The next attempt may start at once with whoever is available.
    live.waitingSince = now.minus(quorumWait);
    live.signal();
    maybeOpen(live, now);
  }

  /**
   * Publishes that {@code node}'s proof did not verify, for the trust service, and returns the
   * refusal to throw.
   */
  private ProblemException proofRejected(
      Live live, int round, int attempt, UUID node, String what, String detail) {
    ProofRejected rejected =
        new ProofRejected(
            live.federation.id(),
            live.federation.tenant(),
            round,
            attempt,
            node,
            what,
            detail,
            clock.instant());
    transactions.executeWithoutResult(status -> events.publishEvent(rejected));
    return new ProblemException(FederationProblems.INVALID_UPDATE, detail);
  }

  /** Publishes the round's chosen nodes that sent nothing, if any (in the caller's transaction). */
  private void publishDropouts(Live live, OpenRound open, Set<UUID> reported, Instant now) {
    List<UUID> dropped =
        open.tasks.keySet().stream().filter(node -> !reported.contains(node)).sorted().toList();
    if (!dropped.isEmpty()) {
      events.publishEvent(
          new NodesDropped(
              live.federation.id(),
              live.federation.tenant(),
              open.number,
              open.attempt,
              dropped,
              now));
    }
  }

  private void deleteQuietly(String key) {
    try {
      checkpoints.blobs().delete(key);
    } catch (IOException e) {
      log.warn("Could not remove {}", key, e);
    }
  }

  /** Removes a finished round's files and uploads; failures are logged, not thrown. */
  private void cleanUp(UUID federation, int round) {
    try {
      checkpoints.blobs().deleteAll(Checkpoints.roundPrefix(federation, round));
      for (Rounds.Upload upload : rounds.uploads(federation, round)) {
        checkpoints.blobs().deleteAll(Checkpoints.uploadPrefix(federation, upload.id()));
        rounds.deleteUpload(upload.id());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Could not remove the files of federation {} round {}", federation, round, e);
    }
  }

  /** Rebuilds a running federation from its last checkpoint and its open round's updates. */
  private Live load(FederationRecord federation) {
    Classifier classifier =
        Classifiers.create(
            federation.modelKind(),
            federation.modelInputs(),
            federation.modelClasses(),
            federation.modelHidden());
    Strategy strategy =
        strategies.create(
            federation.strategy(), SecureAggregation.strategyOnly(federation.strategyParameters()));
    boolean secure = SecureAggregation.from(federation.strategyParameters()).isPresent();
    if (shards != null && strategy.separable() && !secure) {
      strategy =
          new ShardedStrategy(
              strategy, federation.strategyParameters(), federation.id().toString(), shards);
      log.info(
          "Federation {} aggregates on {} shards by parameter range",
          federation.id(),
          shards.shards());
    } else if (shards != null) {
      log.info(
          "Federation {} aggregates in this process: {} is not separable by parameter range",
          federation.id(),
          federation.strategy());
    }
    Optional<TrustWeighted> external =
        Wrapper.find(strategy, TrustWeighted.class).filter(TrustWeighted::externalTrust);
    if (external.isPresent()) {
      ServiceTrust trust = serviceTrust;
      if (trust == null) {
        throw new IllegalStateException(
            "trust-source service needs the trust service running in this process");
      }
      external.get().useSource(clients -> trust.trust(federation.tenant(), clients));
    }
    int version = rounds.completed(federation.id());
    float[] global;
    try {
      Optional<float[]> stored =
          checkpoints.loadModel(federation.id(), version, classifier.parameterCount());
      if (stored.isPresent()) {
        global = stored.get();
      } else if (version == 0) {
        global = classifier.initialParameters(federation.seed());
        checkpoints.saveModel(federation.id(), 0, global, modelMetadata(federation, 0));
      } else {
        throw new IllegalStateException(
            "the checkpoint of version "
                + version
                + " of federation "
                + federation.id()
                + " is missing");
      }
      strategy.restoreServerState(
          checkpoints.loadState(federation.id(), version, classifier.parameterCount()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Live live = new Live(federation, strategy, global, version, clock.instant());
    if (live.async != null) {
      restoreBuffer(live, classifier.parameterCount());
    }
    Optional<Rounds.Round> open = rounds.open(federation.id());
    if (live.async == null
        && open.isPresent()
        && open.get().round() == version + 1
        && rounds.tasks(federation.id(), version + 1, null).isEmpty()) {
      // An attempt abandoned before the process stopped: the next one starts afresh.
      live.nextAttempt = open.get().attempt();
      open = Optional.empty();
    }
    if (open.isPresent() && open.get().round() == version + 1) {
      Rounds.Round round = open.get();
      Map<UUID, LocalTraining> tasks = new LinkedHashMap<>();
      for (Rounds.Task task : rounds.tasks(federation.id(), round.round(), null)) {
        if (!task.state().equals("LATE")) {
          tasks.put(task.nodeId(), training(task.training()));
        }
      }
      // The trust the round was opened with weighs its updates again, not today's.
      external.ifPresent(
          t -> t.restoreRoundTrust(round.round(), rounds.trust(federation.id(), round.round())));
      Instant deadline = round.deadline();
      Instant grace = clock.instant().plus(GRACE_AFTER_RESTART);
      if (deadline.isBefore(grace)) {
        deadline = grace;
        rounds.extendDeadline(federation.id(), round.round(), deadline);
      }
      OpenRound restored =
          new OpenRound(
              round.round(),
              round.attempt(),
              round.seed(),
              round.openedAt(),
              deadline,
              live.async == null ? tasks : Map.of(),
              live.async == null
                  ? strategy.beginRound(round.round(), global)
                  : new Buffered(java.util.Objects.requireNonNull(live.buff)));
      if (live.async != null) {
        rounds.tasks(federation.id(), round.round(), null).stream()
            .map(Rounds.Task::nodeId)
            .forEach(restored.assigned::add);
      }
      if (live.secure == null) {
        refold(live, restored);
      }
      // A secure round's stages lived in the stopped process: the tick abandons it.
      live.round = restored;
      live.nextAttempt = round.attempt();
      log.info(
          "Federation {} resumed at round {} with {} acknowledged updates",
          federation.id(),
          round.round(),
          restored.submitted.size());
    } else if (live.async == null) {
      // Files of rounds that closed while the process stopped: their results are committed.
      cleanUp(federation.id(), version);
      cleanUp(federation.id(), version + 1);
    }
    return live;
  }

  /**
   * FedBuff's engine as it stood at the last version: the global models reports may still start
   * from, and the tasks still out.
   */
  private void restoreBuffer(Live live, int parameters) {
    FedBuffStrategy async = java.util.Objects.requireNonNull(live.async);
    UUID federation = live.federation.id();
    Map<Long, float[]> versions = new HashMap<>();
    try {
      for (int v = Math.max(0, live.version - async.maxStaleness()); v <= live.version; v++) {
        int version = v;
        checkpoints
            .loadModel(federation, version, parameters)
            .ifPresent(model -> versions.put((long) version, model));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    versions.put((long) live.version, live.global);
    live.buff = async.buffer(live.version, versions);
    // Tasks out keep at least GRACE_AFTER_RESTART before they time out, so that their nodes can
    // reconnect and report.
    Instant notBefore =
        clock
            .instant()
            .plus(GRACE_AFTER_RESTART)
            .minusSeconds(live.federation.roundTimeoutSeconds());
    for (Rounds.Task task : rounds.waiting(federation, live.version + 1 - async.maxStaleness())) {
      Instant assigned = task.assignedAt().isBefore(notBefore) ? notBefore : task.assignedAt();
      live.outstanding.put(
          task.nodeId(), new AsyncTask(task.round(), training(task.training()), assigned));
    }
  }

  /** Folds the round's acknowledged updates again, in the order they were acknowledged. */
  private void refold(Live live, OpenRound round) {
    for (Rounds.Task task : rounds.submitted(live.federation.id(), round.number)) {
      String key =
          task.updateKey() != null
              ? task.updateKey()
              : Checkpoints.updateKey(live.federation.id(), task.round(), task.nodeId());
      try {
        float[] parameters =
            checkpoints.read(
                key,
                new SafeTensors.Limits(MAX_HEADER_BYTES, (long) live.global.length * Double.BYTES),
                contents -> contents.tensor(Checkpoints.PARAMETERS).toFloats());
        fold(
            round,
            new ClientUpdate(
                task.nodeId().toString(),
                parameters,
                task.examples() == null ? 0 : task.examples(),
                task.steps() == null ? 0 : task.steps(),
                live.async == null ? live.version : task.round() - 1,
                task.metrics()));
        round.submitted.add(task.nodeId());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "acknowledged update of node " + task.nodeId() + " is unreadable", e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Secure aggregation: the round's stages run in memory; nothing of a node's input is stored.

  private @Nullable SecureTask secureTask(Live live, OpenRound round, UUID nodeId) {
    SecureAggregation secure = live.secure;
    if (secure == null) {
      return null;
    }
    if (round.paillier != null) {
      return new SecureTask(
          null,
          round.secureClients.indexOf(nodeId),
          secure.stageTimeout(),
          secure.paillier(),
          round.tasks.size(),
          live.global.length);
    }
    SecAggServer server = round.secure;
    if (server == null) {
      return null;
    }
    return new SecureTask(
        server.round(),
        round.secureClients.indexOf(nodeId),
        secure.stageTimeout(),
        null,
        round.tasks.size(),
        live.global.length);
  }

  private void startSecure(Live live, OpenRound open, Instant now) {
    SecureAggregation secure = java.util.Objects.requireNonNull(live.secure);
    List<UUID> clients = new ArrayList<>(open.tasks.keySet());
    clients.sort(java.util.Comparator.comparing(UUID::toString));
    open.secureClients = List.copyOf(clients);
    try {
      if (secure.paillier() != null) {
        // Nodes train, then send their encrypted change: the round's deadline is the stage's.
        open.paillier =
            new PaillierRound(secure.paillier().aggregation(clients.size(), live.global.length));
        open.stageDeadline = open.deadline;
        return;
      }
      SecAggRound round =
          new SecAggRound(
              live.federation.id().toString(),
              open.number,
              open.attempt,
              clients.stream().map(UUID::toString).toList(),
              open.seed,
              live.global.length,
              java.util.Objects.requireNonNull(secure.parameters()));
      open.secure = new SecAggServer(round);
      open.stageDeadline = now.plus(secure.stageTimeout());
    } catch (IllegalArgumentException e) {
      // The next tick abandons the attempt; another with other nodes may fit.
      log.warn(
          "Federation {} round {} cannot aggregate securely with {} nodes: {}",
          live.federation.id(),
          open.number,
          clients.size(),
          e.getMessage());
    }
  }

  private void tickSecure(Live live, OpenRound open, Instant now) {
    if (open.secureAggregate != null) {
      // Unmasked, but its close failed: close again.
      closeRound(live);
      return;
    }
    if (open.paillier != null) {
      tickPaillier(live, open, now);
      return;
    }
    SecAggServer server = open.secure;
    if (server == null) {
      abandonSecure(live, "no secure round runs for this attempt (restart or too few nodes)", now);
      return;
    }
    if (server.stage() == SecAggServer.Stage.DONE) {
      // Unmasked, but what followed failed before the aggregate was kept: try another attempt.
      abandonSecure(live, "the round could not be recorded after unmasking", now);
    } else if (server.stage() == SecAggServer.Stage.ABORTED) {
      abandonSecure(live, server.abortReason(), now);
    } else if (server.reported().size() == server.expected().size()
        || !now.isBefore(open.stageDeadline)) {
      advanceStage(live, open, now);
    }
  }

  /** Closes the secure round's current stage and opens the next, or unmasks after the last. */
  private void advanceStage(Live live, OpenRound open, Instant now) {
    SecAggServer server = java.util.Objects.requireNonNull(open.secure);
    Duration timeout = java.util.Objects.requireNonNull(live.secure).stageTimeout();
    try {
      switch (server.stage()) {
        case ADVERTISE -> {
          server.closeAdvertise();
          open.stageDeadline = now.plus(timeout);
        }
        case SHARE -> {
          server.closeShares();
          // Nodes train in this stage: it lasts until the round's deadline.
          Instant byStage = now.plus(timeout);
          open.stageDeadline = open.deadline.isAfter(byStage) ? open.deadline : byStage;
        }
        case MASK -> {
          server.closeMasked();
          open.stageDeadline = now.plus(timeout);
        }
        case CONFIRM -> {
          server.closeConfirm();
          open.stageDeadline = now.plus(timeout);
        }
        case UNMASK -> {
          finishSecure(live, open, server.finish(), now);
          return;
        }
        default -> {
          return;
        }
      }
      live.signal();
    } catch (SecAggAbortedException e) {
      abandonSecure(live, e.getMessage(), now);
    }
  }

  private void abandonSecure(Live live, String reason, Instant now) {
    OpenRound open = live.round;
    if (open != null && open.secure != null) {
      open.secure.abort(reason);
    }
    live.secureAbort = reason;
    metrics.secureAborted.increment();
    log.warn(
        "Federation {} round {}: secure aggregation aborted: {}",
        live.federation.id(),
        open == null ? 0 : open.number,
        reason);
    abandonRound(live, now);
  }

  /** Hands the unmasked mean to the strategy as the round's one update, and closes the round. */
  private void finishSecure(Live live, OpenRound open, SecAggServer.Result result, Instant now) {
    SecAggParameters parameters =
        java.util.Objects.requireNonNull(
            java.util.Objects.requireNonNull(live.secure).parameters());
    Map<String, Double> reported = new TreeMap<>();
    reported.put("secagg.survivors", (double) result.survivors().size());
    reported.put("secagg.dropped-after-sharing", (double) result.droppedAfterSharing().size());
    reported.put("secagg.clipped-values", (double) result.clippedValues());
    reported.put("secagg.norm-clipped", (double) result.normClipped());
    reported.put("secagg.weight-capped", (double) result.weightCapped());
    reported.put("secagg.worst-case-error", result.worstCaseError());
    reported.put("secagg.weight", (double) result.weight());
    double noise = parameters.noiseMultiplier();
    PrivacyLedger spending = noise > 0 ? ledger(live).spend(1, noise) : null;
    double epsilon =
        spending == null ? 0 : spending.spent(SECURE_DELTA, Conversion.CLASSIC).epsilon();
    if (spending != null) {
      reported.put("privacy.epsilon", epsilon);
    }
    int width = (parameters.modulusBits() + 7) / 8;
    finishMean(
        live,
        open,
        result.mean(),
        result.weight(),
        result.survivors().stream().map(open.secureClients::get).toList(),
        (long) (live.global.length + 1) * width,
        reported,
        spending,
        epsilon,
        now);
  }

  /**
   * Hands {@code mean}, the weighted mean of the changes of {@code contributors}, to the strategy
   * as the round's one update, records the contributors' tasks as submitted without anything of
   * their input, and closes the round.
   */
  private void finishMean(
      Live live,
      OpenRound open,
      float[] mean,
      long weight,
      List<UUID> contributors,
      long bytesPerInput,
      Map<String, Double> reported,
      @Nullable PrivacyLedger spending,
      double epsilon,
      Instant now) {
    float[] model = new float[live.global.length];
    for (int i = 0; i < model.length; i++) {
      model[i] = live.global[i] + mean[i];
    }
    ClientUpdate aggregate =
        new ClientUpdate("secure-aggregate", model, weight, 0, live.version, Map.of());
    transactions.executeWithoutResult(
        status -> {
          long sequence = 1;
          for (UUID node : contributors) {
            rounds.submit(
                live.federation.id(),
                open.number,
                node,
                open.number,
                sequence++,
                now,
                null,
                null,
                null,
                bytesPerInput,
                0,
                0,
                Map.of(),
                null);
          }
          if (spending != null) {
            store.savePrivacy(
                live.federation.id(), spending.rounds(), spending.rdp(), epsilon, now);
          }
        });
    if (spending != null) {
      live.ledger = spending;
      metrics.epsilon(live.federation.id(), epsilon);
    }
    fold(open, aggregate);
    open.submitted.addAll(contributors);
    open.secureAggregate = aggregate;
    open.secureMetrics = Map.copyOf(reported);
    live.secureAbort = null;
    log.info(
        "Federation {} round {}: aggregated {} inputs securely",
        live.federation.id(),
        open.number,
        contributors.size());
    closeRound(live);
  }

  // Paillier: nodes send their change encrypted under the key holder's public key; the
  // coordinator multiplies the ciphertexts, and the key holder decrypts the sum alone.

  /**
   * A Paillier round's state: the product of the inputs so far, and who sent them; under a
   * committee, the verified partial decryptions by member and the nodes that posted one.
   */
  private static final class PaillierRound {
    final PaillierAggregation aggregation;
    BigInteger @Nullable [] sum;
    final Set<UUID> reported = new java.util.LinkedHashSet<>();
    long clipped;
    int weightCapped;
    boolean decrypting;
    final Map<Integer, io.truststram.crypto.homomorphic.Paillier.PartialDecryption> partials =
        new TreeMap<>();
    final Set<UUID> posted = new HashSet<>();

    PaillierRound(PaillierAggregation aggregation) {
      this.aggregation = aggregation;
    }
  }

  private void tickPaillier(Live live, OpenRound open, Instant now) {
    PaillierRound round = java.util.Objects.requireNonNull(open.paillier);
    SecureAggregation secure = java.util.Objects.requireNonNull(live.secure);
    if (!round.decrypting) {
      if (round.reported.size() == open.tasks.size() || !now.isBefore(open.stageDeadline)) {
        if (round.reported.size() < secure.minSurvivors()) {
          abandonSecure(
              live,
              round.reported.size()
                  + " encrypted inputs came in time; the round needs at least "
                  + secure.minSurvivors(),
              now);
          return;
        }
        round.decrypting = true;
        open.stageDeadline = now.plus(secure.stageTimeout());
        live.signal();
      }
    } else if (!now.isBefore(open.stageDeadline)) {
      var committee = java.util.Objects.requireNonNull(secure.paillier()).committee();
      abandonSecure(
          live,
          committee == null
              ? "the key holder did not decrypt the sum in time"
              : "the committee did not decrypt the sum in time: "
                  + round.partials.size()
                  + " of "
                  + committee.threshold()
                  + " partial decryptions came",
          now);
    }
  }

  /**
   * Takes node {@code nodeId}'s encrypted change for round {@code round} of a Paillier federation.
   *
   * @throws ProblemException when no Paillier round of that number runs, the node is not in it or
   *     already sent, or the input is malformed
   */
  void paillierInput(Caller caller, UUID federationId, int round, UUID nodeId, byte[] body) {
    authorisedNode(caller, federationId, nodeId);
    lastSeen.put(nodeId, clock.instant());
    Live live = liveFor(federationId, round);
    live.lock.lock();
    try {
      OpenRound open = live.round;
      PaillierRound paillier = paillierRound(live, open, round);
      if (!open.tasks.containsKey(nodeId)) {
        throw reject(
            "not-selected",
            FederationProblems.NOT_SELECTED,
            "node " + nodeId + " was not chosen for round " + round);
      }
      if (paillier.decrypting || paillier.reported.contains(nodeId)) {
        metrics.secureRefused.increment();
        throw new ProblemException(
            FederationProblems.SECURE_MESSAGE_REFUSED,
            paillier.decrypting
                ? "round " + round + " takes no more inputs: its sum is being decrypted"
                : "node " + nodeId + " already sent its input for round " + round);
      }
      try {
        PaillierAggregation.Encrypted input = paillier.aggregation.decode(body);
        paillier.sum = paillier.aggregation.add(paillier.sum, input.ciphertexts());
        paillier.clipped += input.clipped();
        paillier.weightCapped += input.weightCapped() ? 1 : 0;
      } catch (IllegalArgumentException e) {
        metrics.secureRefused.increment();
        throw new ProblemException(FederationProblems.SECURE_MESSAGE_REFUSED, e.getMessage());
      }
      paillier.reported.add(nodeId);
      metrics.bytesIn.increment(body.length);
      tickPaillier(live, open, clock.instant());
    } finally {
      live.lock.unlock();
    }
  }

  /** The encrypted sum a key holder is asked to decrypt. */
  record EncryptedSum(int round, int attempt, int inputs, BigInteger[] ciphertexts) {}

  /**
   * The encrypted sum of round {@code round}, once all its inputs are in (or its deadline passed),
   * waiting up to {@code wait}; null when it is not ready in that time.
   *
   * @throws ProblemException when the federation does not aggregate with Paillier or the round is
   *     not open
   */
  @Nullable EncryptedSum paillierSum(UUID federationId, int round, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + Math.min(wait.toNanos(), MAX_WAIT.toNanos());
    while (true) {
      Live live = liveFor(federationId, round);
      CompletableFuture<Void> changed;
      live.lock.lock();
      try {
        OpenRound open = live.round;
        PaillierRound paillier = paillierRound(live, open, round);
        requireKeyHolder(live);
        if (paillier.decrypting) {
          return new EncryptedSum(
              open.number,
              open.attempt,
              paillier.reported.size(),
              java.util.Objects.requireNonNull(paillier.sum).clone());
        }
        changed = live.changed;
      } finally {
        live.lock.unlock();
      }
      if (!await(changed, deadline)) {
        return null;
      }
    }
  }

  /**
   * Takes the key holder's decryption of round {@code round}'s sum, and closes the round with it.
   *
   * @throws ProblemException when the round is not waiting for it, or the plaintexts are not the
   *     decryption of a sum of inputs in range (a wrong key); the round keeps waiting then
   */
  void paillierDecrypted(UUID federationId, int round, int attempt, List<BigInteger> plaintexts) {
    Live live = liveFor(federationId, round);
    live.lock.lock();
    try {
      OpenRound open = live.round;
      PaillierRound paillier = paillierRound(live, open, round);
      requireKeyHolder(live);
      if (!paillier.decrypting || open.attempt != attempt) {
        throw new ProblemException(
            FederationProblems.SECURE_MESSAGE_REFUSED,
            "round " + round + " attempt " + attempt + " has no sum waiting for decryption");
      }
      closePaillier(live, open, paillier, plaintexts);
    } finally {
      live.lock.unlock();
    }
  }

  /** Closes a Paillier round with the decryption of its sum, when it decodes as one. */
  private void closePaillier(
      Live live, OpenRound open, PaillierRound paillier, List<BigInteger> plaintexts) {
    PaillierAggregation.Mean mean;
    try {
      if (plaintexts.size() != paillier.aggregation.ciphertexts()) {
        throw new IllegalArgumentException(
            "the sum has "
                + paillier.aggregation.ciphertexts()
                + " ciphertexts; "
                + plaintexts.size()
                + " plaintexts came");
      }
      mean =
          paillier.aggregation.decode(
              plaintexts.toArray(BigInteger[]::new), paillier.reported.size());
    } catch (IllegalArgumentException | ArithmeticException e) {
      metrics.secureRefused.increment();
      throw new ProblemException(
          FederationProblems.INVALID_UPDATE,
          "the plaintexts are not the sum of this round's inputs (a wrong key?): "
              + e.getMessage());
    }
    Map<String, Double> reported = new TreeMap<>();
    reported.put("secagg.survivors", (double) paillier.reported.size());
    reported.put("secagg.clipped-values", (double) paillier.clipped);
    reported.put("secagg.weight-capped", (double) paillier.weightCapped);
    reported.put("secagg.worst-case-error", paillier.aggregation.quantizer().worstCaseError());
    reported.put("secagg.weight", (double) mean.weight());
    finishMean(
        live,
        open,
        mean.mean(),
        mean.weight(),
        List.copyOf(paillier.reported),
        (long) paillier.aggregation.ciphertexts() * paillier.aggregation.ciphertextBytes(),
        reported,
        null,
        0,
        clock.instant());
  }

  /** The owner decrypts only a federation without a committee. */
  private static void requireKeyHolder(Live live) {
    var paillier = java.util.Objects.requireNonNull(live.secure).paillier();
    if (paillier != null && paillier.committee() != null) {
      throw new ProblemException(
          FederationProblems.SECURE_MESSAGE_REFUSED,
          "federation "
              + live.federation.id()
              + " is decrypted by its committee of "
              + paillier.committee().parties()
              + ", not by one key holder");
    }
  }

  /** What a committee member is asked to decrypt, or the state the federation ended in. */
  record CommitteeWork(@Nullable EncryptedSum sum, @Nullable String finished) {}

  /**
   * The encrypted sum that member node {@code nodeId} has not yet partially decrypted, waiting up
   * to {@code wait}; null when there is none in that time.
   *
   * @throws ProblemException when the federation is not decrypted by a committee, or the caller
   *     does not act as the node
   */
  @Nullable CommitteeWork committeeWork(
      Caller caller, UUID federationId, UUID nodeId, Duration wait) throws InterruptedException {
    authorisedNode(caller, federationId, nodeId);
    long deadline = System.nanoTime() + Math.min(wait.toNanos(), MAX_WAIT.toNanos());
    while (true) {
      Live live = running.get(federationId);
      if (live == null) {
        CompletableFuture<Void> started = loaded;
        FederationRecord federation = store.find(federationId).orElseThrow();
        if (federation.state() == FederationRecord.State.RUNNING) {
          wake(federationId);
        } else if (federation.state() != FederationRecord.State.CREATED) {
          return new CommitteeWork(
              null, federation.state().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (running.get(federationId) == null && !await(started, deadline)) {
          return null;
        }
        continue;
      }
      CompletableFuture<Void> changed;
      live.lock.lock();
      try {
        if (live.secure == null
            || live.secure.paillier() == null
            || live.secure.paillier().committee() == null) {
          throw new ProblemException(
              FederationProblems.SECURE_MESSAGE_REFUSED,
              "federation " + federationId + " is not decrypted by a committee");
        }
        OpenRound open = live.round;
        PaillierRound paillier = open == null ? null : open.paillier;
        if (paillier != null && paillier.decrypting && !paillier.posted.contains(nodeId)) {
          return new CommitteeWork(
              new EncryptedSum(
                  open.number,
                  open.attempt,
                  paillier.reported.size(),
                  java.util.Objects.requireNonNull(paillier.sum).clone()),
              null);
        }
        if (live.finished != null) {
          return new CommitteeWork(null, live.finished);
        }
        changed = live.changed;
      } finally {
        live.lock.unlock();
      }
      if (!await(changed, deadline)) {
        return null;
      }
    }
  }

  /**
   * Takes member node {@code nodeId}'s partial decryption of round {@code round}'s sum: its
   * verification key must be the member's, and its proof must verify (checked outside the lock);
   * once the committee's threshold of them is in, the round closes with their combination. One
   * partial decryption per node and member per attempt, whether it verified or not.
   *
   * @throws ProblemException when the round is not waiting for it, the member already gave one, or
   *     the verification key or the proof is wrong
   */
  void committeePartial(
      Caller caller,
      UUID federationId,
      int round,
      UUID nodeId,
      int attempt,
      io.truststram.crypto.homomorphic.Paillier.PartialDecryption partial) {
    authorisedNode(caller, federationId, nodeId);
    Live live = liveFor(federationId, round);
    PaillierRound paillier;
    io.truststram.crypto.homomorphic.Paillier.ThresholdPublicKey key;
    List<BigInteger> ciphertexts;
    live.lock.lock();
    try {
      OpenRound open = live.round;
      paillier = paillierRound(live, open, round);
      var settings = java.util.Objects.requireNonNull(live.secure.paillier());
      var committee = settings.committee();
      if (committee == null) {
        throw new ProblemException(
            FederationProblems.SECURE_MESSAGE_REFUSED,
            "federation " + federationId + " is not decrypted by a committee");
      }
      if (!paillier.decrypting || open.attempt != attempt) {
        throw new ProblemException(
            FederationProblems.SECURE_MESSAGE_REFUSED,
            "round " + round + " attempt " + attempt + " has no sum waiting for decryption");
      }
      int index = partial.index();
      if (index < 1 || index > committee.parties()) {
        throw new ProblemException(
            FederationProblems.INVALID_UPDATE,
            "the committee's members are 1 to " + committee.parties() + ", not " + index);
      }
      if (paillier.posted.contains(nodeId) || paillier.partials.containsKey(index)) {
        metrics.secureRefused.increment();
        throw new ProblemException(
            FederationProblems.SECURE_MESSAGE_REFUSED,
            paillier.posted.contains(nodeId)
                ? "node " + nodeId + " already sent a partial decryption for this attempt"
                : "member " + index + "'s partial decryption is already in");
      }
      paillier.posted.add(nodeId);
      String digest =
          io.truststram.federation.secagg.PaillierSettings.Committee.digest(
              partial.verificationKey());
      if (!digest.equals(committee.verificationKeyDigests().get(index - 1))) {
        metrics.secureRefused.increment();
        throw proofRejected(
            live,
            round,
            attempt,
            nodeId,
            "verification-key",
            "the verification key is not member " + index + "'s (its digest is " + digest + ")");
      }
      key = committee.thresholdKey(settings.publicKey());
      ciphertexts = List.of(java.util.Objects.requireNonNull(paillier.sum));
    } finally {
      live.lock.unlock();
    }
    try {
      io.truststram.crypto.homomorphic.Paillier.verify(key, ciphertexts, partial);
    } catch (IllegalArgumentException | ArithmeticException e) {
      metrics.secureRefused.increment();
      throw proofRejected(
          live,
          round,
          attempt,
          nodeId,
          "partial-decryption",
          "the partial decryption is refused: " + e.getMessage());
    }
    live.lock.lock();
    try {
      OpenRound open = live.round;
      if (open == null
          || open.number != round
          || open.attempt != attempt
          || open.paillier != paillier
          || !paillier.decrypting) {
        throw secureRoundClosed(live, round);
      }
      if (paillier.partials.putIfAbsent(partial.index(), partial) != null) {
        throw new ProblemException(
            FederationProblems.SECURE_MESSAGE_REFUSED,
            "member " + partial.index() + "'s partial decryption is already in");
      }
      if (paillier.partials.size() >= key.threshold()) {
        List<BigInteger> plaintexts;
        try {
          plaintexts =
              io.truststram.crypto.homomorphic.Paillier.combine(
                  key, List.copyOf(paillier.partials.values()));
        } catch (IllegalArgumentException | ArithmeticException e) {
          abandonSecure(
              live, "the partial decryptions do not combine: " + e.getMessage(), clock.instant());
          return;
        }
        try {
          closePaillier(live, open, paillier, plaintexts);
        } catch (ProblemException e) {
          abandonSecure(live, e.getMessage(), clock.instant());
        }
      } else {
        live.signal();
      }
    } finally {
      live.lock.unlock();
    }
  }

  private PaillierRound paillierRound(Live live, @Nullable OpenRound open, int round) {
    if (live.secure == null || live.secure.paillier() == null) {
      throw new ProblemException(
          FederationProblems.SECURE_MESSAGE_REFUSED,
          "federation " + live.federation.id() + " does not aggregate with Paillier");
    }
    PaillierRound paillier = open == null || open.number != round ? null : open.paillier;
    if (paillier == null) {
      throw secureRoundClosed(live, round);
    }
    return paillier;
  }

  /**
   * Takes node {@code nodeId}'s message for stage {@code stage} (keys, shares, masked, unmask) of
   * round {@code round}'s secure aggregation.
   *
   * @throws ProblemException when no secure round of that number runs, the node is not in it, or
   *     the round refuses the message (wrong stage, replayed, malformed, from a node gone)
   */
  void secureMessage(
      Caller caller, UUID federationId, int round, UUID nodeId, String stage, byte[] body) {
    authorisedNode(caller, federationId, nodeId);
    lastSeen.put(nodeId, clock.instant());
    // Messages decode before the lock is taken: a large malformed one holds up no one else.
    Object message;
    try {
      message = SecureSession.decode(stage, body);
    } catch (ProblemException e) {
      if (e.type() == FederationProblems.SECURE_MESSAGE_REFUSED) {
        metrics.secureRefused.increment();
      }
      throw e;
    }
    Live live = liveFor(federationId, round);
    live.lock.lock();
    try {
      OpenRound open = live.round;
      SecAggServer server = secureServer(live, open, round, nodeId);
      int index = open.secureClients.indexOf(nodeId);
      try {
        SecureSession.deliver(server, index, message, body);
      } catch (IllegalArgumentException e) {
        metrics.secureRefused.increment();
        throw new ProblemException(FederationProblems.SECURE_MESSAGE_REFUSED, e.getMessage());
      }
      metrics.bytesIn.increment(body.length);
      if (server.reported().size() == server.expected().size()) {
        advanceStage(live, open, clock.instant());
      }
    } finally {
      live.lock.unlock();
    }
  }

  /**
   * What node {@code nodeId} receives for stage {@code what} (bundles, boxes, survivors, request)
   * of round {@code round}'s secure aggregation, waiting up to {@code wait} for the stage to open;
   * null when it did not open in that time.
   *
   * @throws ProblemException when no secure round of that number runs (it completed or aborted,
   *     with the reason), the node is not in it, or that stage has passed
   */
  byte @Nullable [] secureFetch(
      Caller caller, UUID federationId, int round, UUID nodeId, String what, Duration wait)
      throws InterruptedException {
    authorisedNode(caller, federationId, nodeId);
    SecAggServer.Stage needed = SecureSession.needed(what);
    long deadline = System.nanoTime() + Math.min(wait.toNanos(), MAX_WAIT.toNanos());
    while (true) {
      lastSeen.put(nodeId, clock.instant());
      Live live = liveFor(federationId, round);
      CompletableFuture<Void> changed;
      live.lock.lock();
      try {
        OpenRound open = live.round;
        SecAggServer server = secureServer(live, open, round, nodeId);
        int index = open.secureClients.indexOf(nodeId);
        SecAggServer.Stage stage = server.stage();
        if (stage == needed) {
          byte[] out = SecureSession.output(server, index, needed);
          metrics.bytesOut.increment(out.length);
          return out;
        }
        if (stage.ordinal() > needed.ordinal()) {
          throw new ProblemException(
              FederationProblems.SECURE_MESSAGE_REFUSED,
              "the secure round of round " + round + " is past the stage of " + what);
        }
        changed = live.changed;
      } catch (IllegalArgumentException e) {
        throw new ProblemException(FederationProblems.SECURE_MESSAGE_REFUSED, e.getMessage());
      } finally {
        live.lock.unlock();
      }
      if (!await(changed, deadline)) {
        return null;
      }
    }
  }

  /** The running federation, for a report on round {@code round}. */
  private Live liveFor(UUID federationId, int round) {
    Live live = running.get(federationId);
    if (live == null) {
      throw notOpen(federationId, round, null);
    }
    return live;
  }

  /** No secure round of that number runs: it closed, or its last attempt aborted (and why). */
  private ProblemException secureRoundClosed(Live live, int round) {
    String why =
        live.secureAbort == null ? "" : ": the last attempt aborted (" + live.secureAbort + ")";
    return reject(
        "closed", FederationProblems.ROUND_NOT_OPEN, "round " + round + " is not open" + why);
  }

  private SecAggServer secureServer(Live live, @Nullable OpenRound open, int round, UUID nodeId) {
    if (live.secure == null) {
      throw new ProblemException(
          FederationProblems.SECURE_MESSAGE_REFUSED,
          "federation " + live.federation.id() + " does not aggregate securely");
    }
    SecAggServer server = open == null || open.number != round ? null : open.secure;
    if (server == null) {
      throw secureRoundClosed(live, round);
    }
    if (!open.secureClients.contains(nodeId)) {
      throw reject(
          "not-selected",
          FederationProblems.NOT_SELECTED,
          "node " + nodeId + " was not chosen for round " + round);
    }
    return server;
  }

  // ---------------------------------------------------------------------------------------------
  // Resumable uploads

  /** Starts a resumable upload of node {@code nodeId}'s update of {@code totalBytes}. */
  Rounds.Upload createUpload(
      Caller caller, UUID federationId, int round, UUID nodeId, long totalBytes)
      throws IOException {
    authorisedNode(caller, federationId, nodeId);
    Live live = liveFor(federationId, round);
    live.lock.lock();
    try {
      OpenRound open = live.round;
      requireTask(live, open, round, nodeId);
    } finally {
      live.lock.unlock();
    }
    // One upload in progress per node and round: a new one replaces any earlier.
    for (Rounds.Upload earlier : rounds.uploads(federationId, round)) {
      if (earlier.nodeId().equals(nodeId)) {
        checkpoints.blobs().deleteAll(Checkpoints.uploadPrefix(federationId, earlier.id()));
        rounds.deleteUpload(earlier.id());
      }
    }
    long limit = maxUpdateBytes(live.global.length);
    if (totalBytes < 8 || totalBytes > limit) {
      throw reject(
          "too-large",
          FederationProblems.UPDATE_TOO_LARGE,
          "an update of this federation's model is 8 to " + limit + " bytes");
    }
    Rounds.Upload upload =
        new Rounds.Upload(
            io.truststram.common.id.Uuids.v7(),
            federationId,
            round,
            nodeId,
            totalBytes,
            0,
            0,
            clock.instant());
    rounds.insertUpload(upload);
    return upload;
  }

  /** The upload {@code uploadId} of node {@code nodeId}. */
  Rounds.Upload upload(Caller caller, UUID federationId, int round, UUID nodeId, UUID uploadId) {
    authorisedNode(caller, federationId, nodeId);
    return rounds
        .upload(uploadId)
        .filter(
            u ->
                u.federationId().equals(federationId)
                    && u.round() == round
                    && u.nodeId().equals(nodeId))
        .orElseThrow(
            () ->
                new ProblemException(
                    FederationProblems.UPLOAD_NOT_FOUND,
                    "No upload of this node has id '" + uploadId + "'"));
  }

  /** What a chunk did: moved the upload on, or completed it into an acknowledged update. */
  record ChunkResult(long offset, long totalBytes, @Nullable Receipt receipt) {}

  /**
   * Appends the chunk of {@code length} bytes that starts at {@code offset}; the chunk that
   * completes the upload submits the update, as {@link #submit} does.
   */
  ChunkResult appendChunk(
      Caller caller,
      UUID federationId,
      int round,
      UUID nodeId,
      UUID uploadId,
      long offset,
      long length,
      long total,
      @Nullable String idempotencyKey,
      InputStream body)
      throws IOException {
    Rounds.Upload upload = upload(caller, federationId, round, nodeId, uploadId);
    // Every byte arrived but the submission did not finish (its answer was lost, or the process
    // stopped): an empty chunk at the end submits it again.
    boolean completing =
        length == 0 && offset == upload.received() && offset == upload.totalBytes();
    if (completing && total == upload.totalBytes()) {
      return complete(caller, federationId, round, nodeId, uploadId, upload, idempotencyKey);
    }
    if (total != upload.totalBytes()
        || offset != upload.received()
        || length < 1
        || offset + length > upload.totalBytes()) {
      throw new ProblemException(
          FederationProblems.UPLOAD_OFFSET_MISMATCH,
          "this upload of "
              + upload.totalBytes()
              + " bytes stands at offset "
              + upload.received()
              + "; send the bytes from there");
    }
    // A key of its own: a chunk sent twice at once cannot overwrite the one that counts.
    String key =
        Checkpoints.chunkKey(federationId, uploadId, upload.chunks()) + "-" + UUID.randomUUID();
    BlobInfo chunk;
    try {
      chunk = checkpoints.blobs().put(key, body, length);
    } catch (BlobTooLargeException e) {
      throw new ProblemException(
          FederationProblems.UPLOAD_OFFSET_MISMATCH,
          "the chunk holds more than the " + length + " bytes its Content-Range declares");
    }
    if (chunk.size() != length || !rounds.advanceUpload(uploadId, offset, length)) {
      checkpoints.blobs().delete(key);
      throw new ProblemException(
          FederationProblems.UPLOAD_OFFSET_MISMATCH,
          chunk.size() != length
              ? "the chunk holds " + chunk.size() + " bytes; its Content-Range declares " + length
              : "another chunk of this upload arrived meanwhile; ask where it stands");
    }
    metrics.bytesIn.increment(length);
    long received = offset + length;
    if (received < upload.totalBytes()) {
      return new ChunkResult(received, upload.totalBytes(), null);
    }
    return complete(caller, federationId, round, nodeId, uploadId, upload, idempotencyKey);
  }

  private ChunkResult complete(
      Caller caller,
      UUID federationId,
      int round,
      UUID nodeId,
      UUID uploadId,
      Rounds.Upload upload,
      @Nullable String idempotencyKey)
      throws IOException {
    List<String> chunks =
        checkpoints.blobs().list(Checkpoints.uploadPrefix(federationId, uploadId));
    Receipt receipt;
    try (InputStream whole = new ChunkStream(chunks)) {
      receipt = submit(caller, federationId, round, nodeId, idempotencyKey, whole);
    }
    checkpoints.blobs().deleteAll(Checkpoints.uploadPrefix(federationId, uploadId));
    rounds.deleteUpload(uploadId);
    return new ChunkResult(upload.totalBytes(), upload.totalBytes(), receipt);
  }

  /** The chunks of an upload, read one after the other. */
  private final class ChunkStream extends InputStream {
    private final java.util.Iterator<String> keys;
    private @Nullable InputStream current;

    ChunkStream(List<String> keys) {
      this.keys = keys.iterator();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      while (true) {
        if (current == null) {
          if (!keys.hasNext()) {
            return -1;
          }
          current = checkpoints.blobs().open(keys.next());
        }
        int read = current.read(buffer, offset, length);
        if (read >= 0) {
          return read;
        }
        current.close();
        current = null;
      }
    }

    @Override
    public void close() throws IOException {
      if (current != null) {
        current.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** The model file of version {@code version} (or the latest when null). */
  BlobInfo model(FederationRecord federation, @Nullable Integer version) throws IOException {
    int wanted = version == null ? rounds.completed(federation.id()) : version;
    if (wanted == 0 && version == null && federation.state() == FederationRecord.State.CREATED) {
      throw modelNotFound(federation, 0);
    }
    return checkpoints
        .model(federation.id(), wanted)
        .orElseThrow(() -> modelNotFound(federation, wanted));
  }

  InputStream open(BlobInfo blob) throws IOException {
    InputStream in = checkpoints.open(blob);
    metrics.bytesOut.increment(blob.size());
    return in;
  }

  private static ProblemException modelNotFound(FederationRecord federation, int version) {
    return new ProblemException(
        FederationProblems.MODEL_NOT_FOUND,
        "Federation '" + federation.name() + "' has no model version " + version + " (yet)");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private Map<String, String> modelMetadata(FederationRecord federation, int version) {
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("format", "truststram.model.v1");
    metadata.put("federation", federation.id().toString());
    metadata.put("version", Integer.toString(version));
    metadata.put("model.kind", federation.modelKind());
    metadata.put("model.inputs", Integer.toString(federation.modelInputs()));
    metadata.put("model.classes", Integer.toString(federation.modelClasses()));
    metadata.put(
        "model.hidden",
        String.join(",", federation.modelHidden().stream().map(String::valueOf).toList()));
    metadata.put("strategy", federation.strategy());
    return metadata;
  }

  private Map<String, String> provenance(Live live, int completedRounds) {
    FederationRecord federation = live.federation;
    Map<String, String> provenance = new TreeMap<>();
    provenance.put("federation", federation.id().toString());
    provenance.put("strategy", federation.strategy());
    provenance.put("strategyParameters", JSON.writeValueAsString(federation.strategyParameters()));
    provenance.put(
        "model",
        Classifiers.create(
                federation.modelKind(),
                federation.modelInputs(),
                federation.modelClasses(),
                federation.modelHidden())
            .describe());
    provenance.put("rounds", Integer.toString(completedRounds));
    provenance.put("clientsPerRound", Integer.toString(federation.clientsPerRound()));
    provenance.put("minClients", Integer.toString(federation.minClients()));
    provenance.put("seed", Long.toString(federation.seed()));
    provenance.put("codeVersion", Provenance.currentCodeVersion());
    // Every node's reported data hash, over all rounds, folded into one digest (the per-round
    // hashes stay in the tasks, for an audit).
    TreeMap<String, String> hashes = new TreeMap<>();
    for (int round = 1; round <= completedRounds; round++) {
      for (Rounds.Task task : rounds.submitted(federation.id(), round)) {
        if (task.dataSha256() != null) {
          hashes.put(task.nodeId().toString(), task.dataSha256());
        }
      }
    }
    MessageDigest digest = sha256();
    hashes.forEach(
        (node, hash) ->
            digest.update(
                (node + ":" + hash + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    provenance.put("participantDataHashes", Integer.toString(hashes.size()));
    provenance.put("participantDataDigest", HexFormat.of().formatHex(digest.digest()));
    return provenance;
  }

  private static Map<String, Double> weightedMetrics(List<Rounds.Task> submitted) {
    Map<String, double[]> sums = new TreeMap<>();
    for (Rounds.Task task : submitted) {
      double trainWeight = task.examples() == null ? 0 : task.examples();
      double evaluateWeight = task.metrics().getOrDefault("evaluate.examples", trainWeight);
      task.metrics()
          .forEach(
              (name, value) -> {
                if (name.equals("evaluate.examples")) {
                  return;
                }
                double weight = name.startsWith("evaluate.") ? evaluateWeight : trainWeight;
                double[] sum = sums.computeIfAbsent(name, n -> new double[2]);
                sum[0] += weight * value;
                sum[1] += weight;
              });
    }
    // Nodes choose their metrics' names: keep the 64 most widely reported, so that a round's
    // record stays bounded whatever they send.
    Map<String, Double> means = new TreeMap<>();
    sums.entrySet().stream()
        .filter(e -> e.getValue()[1] > 0)
        .sorted(
            java.util.Comparator.comparingDouble(
                    (Map.Entry<String, double[]> e) -> -e.getValue()[1])
                .thenComparing(Map.Entry::getKey))
        .limit(MAX_ROUND_METRICS)
        .forEach(e -> means.put(e.getKey(), e.getValue()[0] / e.getValue()[1]));
    return means;
  }

  private static String trainingJson(LocalTraining training) {
    return JSON.writeValueAsString(training);
  }

  private static LocalTraining training(String json) {
    return JSON.readValue(json, LocalTraining.class);
  }

  private static long mix(long seed, int round, int attempt) {
    long z = seed + 0x9E3779B97F4A7C15L * round + 0xBF58476D1CE4E5B9L * attempt;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String abbreviate(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A running federation's state in memory. */
  private static final class Live {
    final FederationRecord federation;
    final Strategy strategy;
    final ReentrantLock lock = new ReentrantLock();
    float[] global;
    int version;
    volatile @Nullable OpenRound round;
    int nextAttempt = 1;
    Instant waitingSince;
    @Nullable String finished;
    volatile CompletableFuture<Void> changed = new CompletableFuture<>();

    /** Under FedBuff: the strategy, its buffering engine and the tasks out, by node. */
    final @Nullable FedBuffStrategy async;

    @Nullable FedBuff buff;
    final Map<UUID, AsyncTask> outstanding = new HashMap<>();

    /** Nodes whose update is being received right now (one at a time per node). */
    final Set<UUID> receiving = new HashSet<>();

    /** The privacy spent, when the strategy declares a budget. */
    @Nullable PrivacyLedger ledger;

    /** The federation's secure aggregation, or null when updates come in the clear. */
    final @Nullable SecureAggregation secure;

    /** Why the last secure attempt aborted, for nodes that ask after it. */
    volatile @Nullable String secureAbort;

    Live(FederationRecord federation, Strategy strategy, float[] global, int version, Instant now) {
      this.federation = federation;
      this.strategy = strategy;
      this.secure = SecureAggregation.from(federation.strategyParameters()).orElse(null);
      this.async = strategy instanceof FedBuffStrategy fedBuff ? fedBuff : null;
      this.global = global;
      this.version = version;
      this.waitingSince = now;
    }

    /** Wakes every poll waiting on this federation. */
    void signal() {
      CompletableFuture<Void> previous = changed;
      changed = new CompletableFuture<>();
      previous.complete(null);
    }
  }

  /** A FedBuff task out: handed out in {@code round}, so trained from version round - 1. */
  private record AsyncTask(int round, LocalTraining training, Instant assignedAt) {}

  /** The open round of a FedBuff federation: the buffer filling towards the next version. */
  private static final class Buffered implements RoundAggregation {
    private final FedBuff buff;
    private int accepted;
    private boolean full;

    Buffered(FedBuff buff) {
      this.buff = buff;
    }

    @Override
    public void accept(ClientUpdate update) {
      full |= buff.accept(update).isPresent();
      accepted++;
    }

    @Override
    public int accepted() {
      return accepted;
    }

    boolean full() {
      return full;
    }

    @Override
    public float[] finish() {
      return buff.model();
    }
  }

  /** The open round of a running federation. */
  private static final class OpenRound {
    final int number;
    final int attempt;
    final long seed;
    final Instant openedAt;
    final Instant deadline;
    final Map<UUID, LocalTraining> tasks;
    final RoundAggregation aggregation;
    final Set<UUID> submitted = new HashSet<>();

    /** Under FedBuff: the nodes handed a task in this round (one each per version). */
    final Set<UUID> assigned = new HashSet<>();

    /** Under secure aggregation: the round's protocol state, in memory only. */
    @Nullable SecAggServer secure;

    /** The participants in index order, and when the current stage closes. */
    List<UUID> secureClients = List.of();

    Instant stageDeadline = Instant.MAX;

    /** Under Paillier: the encrypted inputs so far. */
    @Nullable PaillierRound paillier;

    /** The unmasked mean handed to the strategy, and what the round reported with it. */
    @Nullable ClientUpdate secureAggregate;

    Map<String, Double> secureMetrics = Map.of();

    long foldNanos;

    OpenRound(
        int number,
        int attempt,
        long seed,
        Instant openedAt,
        Instant deadline,
        Map<UUID, LocalTraining> tasks,
        RoundAggregation aggregation) {
      this.number = number;
      this.attempt = attempt;
      this.seed = seed;
      this.openedAt = openedAt;
      this.deadline = deadline;
      this.tasks = tasks;
      this.aggregation = aggregation;
    }
  }

  /** The coordinator's meters. */
  private final class Metrics {
    final MeterRegistry registry;
    final Counter accepted;
    final Counter abandoned;
    final Counter bytesIn;
    final Counter bytesOut;
    final Counter secureAborted;
    final Counter secureRefused;
    final Timer roundDuration;
    final Timer aggregation;

    Metrics(MeterRegistry registry) {
      this.registry = registry;
      accepted =
          Counter.builder("truststram.federation.updates.accepted")
              .description("Client updates acknowledged")
              .register(registry);
      abandoned =
          Counter.builder("truststram.federation.rounds.abandoned")
              .description("Round attempts that got fewer than minClients updates in time")
              .register(registry);
      bytesIn =
          Counter.builder("truststram.federation.bytes")
              .tag("direction", "in")
              .baseUnit("bytes")
              .description("Update bytes received")
              .register(registry);
      bytesOut =
          Counter.builder("truststram.federation.bytes")
              .tag("direction", "out")
              .baseUnit("bytes")
              .description("Model bytes served")
              .register(registry);
      secureAborted =
          Counter.builder("truststram.federation.secagg.aborted")
              .description("Secure aggregation attempts that aborted (too few left, a bad sum)")
              .register(registry);
      secureRefused =
          Counter.builder("truststram.federation.secagg.refused")
              .description("Secure aggregation messages refused (replayed, malformed, late)")
              .register(registry);
      roundDuration =
          Timer.builder("truststram.federation.round.duration")
              .description("From a round's opening to its completion")
              .register(registry);
      aggregation =
          Timer.builder("truststram.federation.aggregation.time")
              .description("Time spent folding a round's updates and finishing its aggregate")
              .register(registry);
      io.micrometer.core.instrument.Gauge.builder(
              "truststram.federation.nodes.active", Coordinator.this, Coordinator::activeNodes)
          .description("Client nodes seen within three heartbeat intervals")
          .register(registry);
    }

    /** Per-federation gauges by name: their current values. */
    private final Map<String, java.util.concurrent.atomic.AtomicReference<Double>> gauges =
        new java.util.concurrent.ConcurrentHashMap<>();

    /** Sets the gauge {@code name} of {@code federation}, registering it the first time. */
    private void federationGauge(UUID federation, String name, String description, double value) {
      gauges
          .computeIfAbsent(
              name + "|" + federation,
              key -> {
                var held = new java.util.concurrent.atomic.AtomicReference<>(0.0);
                io.micrometer.core.instrument.Gauge.builder(name, held, v -> v.get())
                    .tag("federation", federation.toString())
                    .description(description)
                    .register(registry);
                return held;
              })
          .set(value);
    }

    /** The ε a federation with a budget has spent. */
    void epsilon(UUID federation, double spent) {
      federationGauge(
          federation,
          "truststram.federation.privacy.epsilon",
          "Privacy spent so far (epsilon, RDP accountant, classic)",
          spent);
    }

    /** The largest ε any node's examples have spent under DP-SGD, at δ = 1e-5. */
    void sampleEpsilon(UUID federation, double spent) {
      federationGauge(
          federation,
          "truststram.federation.privacy.sample.epsilon",
          "The largest epsilon any node's examples have spent under DP-SGD (delta 1e-5, RDP"
              + " accountant, classic)",
          spent);
    }

    /** Flagged updates and quarantined nodes of a round with attack detection. */
    void scored(UUID federation, AnomalyDetection.RoundScores scores) {
      long flagged = scores.scores().stream().filter(AnomalyDetection.Score::flagged).count();
      Counter.builder("truststram.federation.updates.flagged")
          .tag("federation", federation.toString())
          .description("Updates attack detection flagged as anomalous")
          .register(registry)
          .increment(flagged);
      Counter.builder("truststram.federation.nodes.quarantined")
          .tag("federation", federation.toString())
          .description("Nodes excluded after repeated anomalous updates")
          .register(registry)
          .increment(scores.quarantined().size());
      if (flagged > 0) {
        log.warn(
            "Federation {} round {}: {} of {} updates flagged as anomalous{}",
            federation,
            scores.round(),
            flagged,
            scores.scores().size(),
            scores.quarantined().isEmpty() ? "" : "; quarantined " + scores.quarantined());
      }
    }

    void rejected(String reason) {
      Counter.builder("truststram.federation.updates.rejected")
          .tag("reason", reason)
          .description("Client updates refused, by reason")
          .register(registry)
          .increment();
    }
  }
}
