package io.truststram.federation.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.federation.FederatedAnalysis;
import io.truststram.federation.FederationProblems;
import io.truststram.federation.secagg.SecAggParameters;
import io.truststram.federation.secagg.SecAggRound;
import io.truststram.federation.secagg.SecureAggregation;
import io.truststram.platform.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Federated analyses (tables {@code federation_analysis} and {@code federation_analysis_summary}):
 * the owner asks for a statistic of a model version across the federation's nodes; each node that
 * polls gets the analysis as a task, computes a summary of its own data and sends it; once every
 * node of the federation answered (or at the deadline, with at least {@code minContributors}
 * summaries) the summaries are added in node order and the analysis's {@link FederatedAnalysis
 * kind} turns the sum into the result. The coordinator sees each node's summary, never its rows.
 *
 * <p>In a federation that aggregates securely (SecAgg or SecAgg+) the coordinator sees no single
 * summary: the analysis runs one secure aggregation among the federation's nodes ({@link
 * SecureSession}), on a grid of whole numbers (step 1, up to {@value #SECURE_RANGE} per value and
 * node), so kinds whose summaries are counts are exact; other kinds, and Paillier federations, are
 * refused. That aggregation lives in this process: a restart fails the analysis, to be asked again.
 *
 * <p>Everything is in the database: a summary is acknowledged once its row is committed, and a
 * restarted process closes analyses from the stored rows.
 */
final class Analyses implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Analyses.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The most numbers in a node's summary. */
  static final int MAX_LENGTH = 50_000;

  static final int DEFAULT_TIMEOUT_SECONDS = 600;

  /** The largest magnitude of a value of a summary sent securely (the grid is the integers). */
  static final int SECURE_RANGE = 1 << 20;

  /** The shortest stage of an analysis's secure aggregation: nodes come to it between polls. */
  private static final Duration SECURE_STAGE = Duration.ofSeconds(15);

  private static final String COLUMNS =
      "id, federation_id, kind, spec, model_version, length, min_contributors, timeout_seconds,"
          + " state, contributors, declined, result, failure, created_by, created_at, opened_at,"
          + " deadline, closed_at";

  /** Where an analysis stands. */
  enum State {
    /** On the final model, which the federation has not made yet. */
    WAITING,
    /** Nodes send their summaries. */
    OPEN,
    COMPLETED,
    FAILED
  }

  /** An analysis as stored. */
  record Analysis(
      UUID id,
      UUID federationId,
      String kind,
      Map<String, Object> spec,
      @Nullable Integer modelVersion,
      int length,
      int minContributors,
      int timeoutSeconds,
      State state,
      int contributors,
      int declined,
      @Nullable Map<String, Object> result,
      @Nullable String failure,
      String createdBy,
      Instant createdAt,
      @Nullable Instant openedAt,
      @Nullable Instant deadline,
      @Nullable Instant closedAt) {}

  /** What the owner asks for. */
  record Request(
      String kind,
      Map<String, Object> spec,
      @Nullable Integer modelVersion,
      @Nullable Integer minContributors,
      @Nullable Integer timeoutSeconds) {}

  /** A node's answer as received: a summary, or why it declines. */
  record Answer(double @Nullable [] summary, @Nullable String declined) {}

  private final JdbcClient jdbc;
  private final FederationStore store;
  private final Rounds rounds;
  private final Nodes nodes;
  private final Participants participants;
  private final Map<String, FederatedAnalysis> kinds;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final MeterRegistry registry;
  private final ReentrantLock writing = new ReentrantLock();

  /**
   * Per federation, held while its analyses are opened and their secure aggregations started: a
   * poll that finds a secure analysis open must also find its session, or the node, told that the
   * federation ended, stops without its summary.
   */
  private final Map<UUID, ReentrantLock> opening = new ConcurrentHashMap<>();

  /**
   * Waits for an opening of {@code federation}'s analyses under way, if any: when it lets go of the
   * lock, every analysis it marked open has its secure session. Never holds the lock itself.
   */
  private void awaitOpening(UUID federation) {
    ReentrantLock lock = openingLock(federation);
    if (lock.isLocked()) {
      lock.lock();
      lock.unlock();
    }
  }

  /** The lock held while {@code federation}'s analyses are opened (one per federation, kept). */
  private ReentrantLock openingLock(UUID federation) {
    return opening.computeIfAbsent(federation, id -> new ReentrantLock());
  }

  /** The secure aggregations of open analyses, by analysis; the nodes each was handed to. */
  private final Map<UUID, SecureSession> sessions = new ConcurrentHashMap<>();

  private final Map<UUID, Set<UUID>> handedTo = new ConcurrentHashMap<>();

  private final java.security.SecureRandom random = new java.security.SecureRandom();

  /**
   * The federations with an analysis waiting or open, refreshed every tick and on creation: a
   * node's poll asks the database about analyses only when its federation has some.
   */
  private volatile Set<UUID> active = Set.of();

  private volatile boolean activeLoaded;
  private final ScheduledExecutorService ticker;

  Analyses(
      JdbcClient jdbc,
      FederationStore store,
      Rounds rounds,
      Nodes nodes,
      Participants participants,
      List<FederatedAnalysis> kinds,
      TransactionTemplate transactions,
      MeterRegistry registry,
      Clock clock,
      Duration tick) {
    this.jdbc = jdbc;
    this.store = store;
    this.rounds = rounds;
    this.nodes = nodes;
    this.participants = participants;
    this.kinds = new TreeMap<>();
    for (FederatedAnalysis kind : kinds) {
      if (this.kinds.put(kind.kind(), kind) != null) {
        throw new IllegalStateException("two analyses are called '" + kind.kind() + "'");
      }
    }
    this.transactions = transactions;
    this.registry = registry;
    this.clock = clock;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("federation-analyses").daemon().factory());
    ticker.scheduleWithFixedDelay(
        this::tickQuietly, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }

  /** The kinds this process computes. */
  Set<String> kinds() {
    return kinds.keySet();
  }

  /**
   * Creates an analysis of {@code federation}: open at once on a given model version, waiting for
   * the final model otherwise.
   *
   * @throws ProblemException 400 for an unknown kind or unusable parameters, 404 for a model
   *     version the federation does not have, 409 when the federation failed, was cancelled or
   *     aggregates securely
   */
  Analysis create(Caller caller, FederationRecord federation, Request request) {
    FederatedAnalysis kind = kinds.get(request.kind());
    if (kind == null) {
      throw invalid(
          "unknown analysis kind '"
              + request.kind()
              + "'"
              + (kinds.isEmpty() ? ": none runs in this process" : "; known: " + kinds.keySet()));
    }
    if (federation.state() == FederationRecord.State.FAILED
        || federation.state() == FederationRecord.State.CANCELLED) {
      throw new ProblemException(
          FederationProblems.ANALYSIS_REFUSED,
          "federation '"
              + federation.name()
              + "' is "
              + federation.state().name().toLowerCase(Locale.ROOT)
              + ": it has no model to analyse");
    }
    Optional<SecureAggregation> secure = SecureAggregation.from(federation.strategyParameters());
    if (secure.isPresent() && secure.get().parameters() == null) {
      throw new ProblemException(
          FederationProblems.ANALYSIS_REFUSED,
          "federation '"
              + federation.name()
              + "' aggregates under Paillier, whose key holder decrypts model sums only; an"
              + " analysis would show the coordinator each node's summary");
    }
    if (secure.isPresent() && !kind.wholeNumbers()) {
      throw new ProblemException(
          FederationProblems.ANALYSIS_REFUSED,
          "federation '"
              + federation.name()
              + "' aggregates securely, on a grid of whole numbers; '"
              + kind.kind()
              + "' summaries are not whole numbers and would be rounded");
    }
    int length;
    try {
      length = kind.length(request.spec());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    if (length < 1 || length > MAX_LENGTH) {
      throw invalid(
          "a node's summary would have "
              + length
              + " numbers; at most "
              + MAX_LENGTH
              + " are taken (fewer groups or features)");
    }
    int minContributors =
        request.minContributors() == null ? federation.minClients() : request.minContributors();
    if (minContributors < 1 || minContributors > 10_000) {
      throw invalid("minContributors is 1 to 10,000");
    }
    int timeout =
        request.timeoutSeconds() == null ? DEFAULT_TIMEOUT_SECONDS : request.timeoutSeconds();
    if (timeout < 10 || timeout > 86_400) {
      throw invalid("timeoutSeconds is 10 to 86,400");
    }
    Integer version = request.modelVersion();
    if (version != null) {
      int made =
          federation.state() == FederationRecord.State.CREATED
              ? -1
              : rounds.completed(federation.id());
      if (version < 0 || version > made) {
        throw new ProblemException(
            FederationProblems.MODEL_NOT_FOUND,
            "Federation '" + federation.name() + "' has no model version " + version + " (yet)");
      }
    } else if (federation.state() == FederationRecord.State.COMPLETED) {
      version = rounds.completed(federation.id());
    }
    Instant now = clock.instant();
    boolean open = version != null;
    Analysis analysis =
        new Analysis(
            UUID.randomUUID(),
            federation.id(),
            kind.kind(),
            java.util.Collections.unmodifiableMap(new LinkedHashMap<>(request.spec())),
            version,
            length,
            minContributors,
            timeout,
            open ? State.OPEN : State.WAITING,
            0,
            0,
            null,
            null,
            caller.subject(),
            now,
            open ? now : null,
            open ? now.plusSeconds(timeout) : null,
            null);
    ReentrantLock lock = openingLock(federation.id());
    lock.lock();
    try {
      insertAndStart(analysis, federation, open && secure.isPresent(), now);
    } finally {
      lock.unlock();
    }
    log.info(
        "Analysis {} ({}) of federation {} created, {}",
        analysis.id(),
        analysis.kind(),
        federation.id(),
        open ? "open on model version " + version : "waiting for the final model");
    // (A secure aggregation that cannot start fails the analysis at once.)
    return find(federation.id(), analysis.id()).orElse(analysis);
  }

  Optional<Analysis> find(UUID federation, UUID id) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM federation_analysis WHERE federation_id = ? AND id = ?")
        .params(federation, id)
        .query(Analyses::map)
        .optional();
  }

  /** The federation's analyses, newest first, at most {@code limit}. */
  List<Analysis> of(UUID federation, int limit) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM federation_analysis WHERE federation_id = ?"
                + " ORDER BY created_at DESC, id LIMIT ?")
        .params(federation, limit)
        .query(Analyses::map)
        .list();
  }

  /**
   * The oldest open analysis {@code node} has not answered, opening those that waited for the final
   * model when the federation completed; null when there is none.
   */
  @Nullable Analysis pendingFor(UUID federation, Nodes.Node node) {
    if (!activeLoaded) {
      refreshActive();
    }
    if (!active.contains(federation)) {
      return null;
    }
    openWaiting(federation);
    List<Analysis> open =
        jdbc.sql(
                "SELECT "
                    + COLUMNS
                    + " FROM federation_analysis a WHERE federation_id = ? AND state = 'OPEN' AND"
                    + " NOT EXISTS (SELECT 1 FROM federation_analysis_summary s WHERE"
                    + " s.analysis_id = a.id AND s.node_id = ?) ORDER BY opened_at, id LIMIT 20")
            .params(federation, node.id())
            .query(Analyses::map)
            .list();
    for (Analysis analysis : open) {
      SecureSession session = sessions.get(analysis.id());
      if (session == null) {
        if (!secure(analysis)) {
          return analysis;
        }
        // Created or opened a moment ago, its session comes before the opening lock is let go;
        // none after that means a restart lost it (the tick fails the analysis).
        awaitOpening(federation);
        session = sessions.get(analysis.id());
        if (session == null) {
          continue;
        }
      }
      // A secure aggregation is handed to each of its nodes once.
      if (session.clients().contains(node.id())
          && handedTo
              .computeIfAbsent(analysis.id(), id -> ConcurrentHashMap.newKeySet())
              .add(node.id())) {
        return analysis;
      }
    }
    return null;
  }

  /** The secure aggregation of an open analysis, or null when its summaries come in the clear. */
  @Nullable SecureSession session(UUID analysis) {
    return sessions.get(analysis);
  }

  /**
   * Takes node {@code node}'s message for stage {@code stage} of the analysis's secure aggregation.
   *
   * @throws ProblemException when the analysis has none (not open, or in the clear), or the message
   *     is refused
   */
  void secureMessage(Nodes.Node node, UUID federation, UUID id, String stage, byte[] body) {
    requireSession(federation, id).accept(node.id(), stage, body, clock.instant());
  }

  /** What node {@code node} gets for {@code what} of the analysis's secure aggregation. */
  byte @Nullable [] secureFetch(
      Nodes.Node node, UUID federation, UUID id, String what, Duration wait)
      throws InterruptedException {
    return requireSession(federation, id).fetch(node.id(), what, wait);
  }

  private SecureSession requireSession(UUID federation, UUID id) {
    Analysis analysis = find(federation, id).orElseThrow(() -> notFound(id));
    SecureSession session = sessions.get(analysis.id());
    if (session == null) {
      throw new ProblemException(
          FederationProblems.ANALYSIS_NOT_OPEN,
          analysis.state() == State.OPEN
              ? "the analysis takes its summaries in the clear"
              : "the analysis is " + analysis.state().name().toLowerCase(Locale.ROOT));
    }
    return session;
  }

  /** Whether the analysis's federation aggregates securely. */
  private boolean secure(Analysis analysis) {
    return store
        .find(analysis.federationId())
        .flatMap(f -> SecureAggregation.from(f.strategyParameters()))
        .isPresent();
  }

  /** Stores a new analysis and starts its secure aggregation when it opens on one at once. */
  private void insertAndStart(
      Analysis analysis, FederationRecord federation, boolean startSecure, Instant now) {
    jdbc.sql(
            "INSERT INTO federation_analysis (id, federation_id, kind, spec, model_version, length,"
                + " min_contributors, timeout_seconds, state, created_by, created_at, opened_at,"
                + " deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            analysis.id(),
            analysis.federationId(),
            analysis.kind(),
            JSON.writeValueAsString(analysis.spec()),
            analysis.modelVersion(),
            analysis.length(),
            analysis.minContributors(),
            analysis.timeoutSeconds(),
            analysis.state().name(),
            analysis.createdBy(),
            Timestamp.from(analysis.createdAt()),
            analysis.openedAt() == null ? null : Timestamp.from(analysis.openedAt()),
            analysis.deadline() == null ? null : Timestamp.from(analysis.deadline()))
        .update();
    Set<UUID> withThis = new java.util.HashSet<>(active);
    withThis.add(federation.id());
    active = Set.copyOf(withThis);
    if (startSecure) {
      startSecure(analysis, federation, now);
    }
  }

  /**
   * Starts the secure aggregation of an analysis that just opened, among the federation's nodes;
   * fails the analysis when they cannot run one (too few of them, say).
   */
  private void startSecure(Analysis analysis, FederationRecord federation, Instant now) {
    SecureAggregation secure =
        SecureAggregation.from(federation.strategyParameters()).orElseThrow();
    SecAggParameters p = java.util.Objects.requireNonNull(secure.parameters());
    List<UUID> clients = expected(federation.id()).stream().map(Nodes.Node::id).sorted().toList();
    try {
      SecAggParameters grid =
          new SecAggParameters(
              p.protocol(),
              p.shares(),
              p.threshold(),
              SECURE_RANGE,
              2L * SECURE_RANGE + 1,
              48,
              "uniform",
              1,
              0,
              0,
              p.minSurvivors(),
              p.kem());
      SecAggRound round =
          new SecAggRound(
              federation.id() + "/analysis/" + analysis.id(),
              1,
              1,
              clients.stream().map(UUID::toString).toList(),
              random.nextLong(),
              analysis.length(),
              grid);
      Duration stage =
          secure.stageTimeout().compareTo(SECURE_STAGE) > 0 ? secure.stageTimeout() : SECURE_STAGE;
      sessions.put(analysis.id(), new SecureSession(round, clients, stage, now));
    } catch (IllegalArgumentException e) {
      writing.lock();
      try {
        fail(
            find(federation.id(), analysis.id()).orElse(analysis),
            "its secure aggregation cannot run among the federation's "
                + clients.size()
                + " nodes: "
                + e.getMessage(),
            now);
      } finally {
        writing.unlock();
      }
    }
  }

  /**
   * Takes {@code node}'s answer to the analysis.
   *
   * @return true when it was taken now, false when the same answer had been taken before
   * @throws ProblemException 404 for an analysis not of the federation, 409 when it is not open or
   *     the node answered differently before, 422 for an unusable summary
   */
  boolean answer(Nodes.Node node, UUID federation, UUID id, Answer answer) {
    Analysis analysis = find(federation, id).orElseThrow(() -> notFound(id));
    FederatedAnalysis kind = kind(analysis);
    String stored;
    double[] summary = answer.summary();
    if (summary != null && sessions.containsKey(id)) {
      throw new ProblemException(
          FederationProblems.SECURE_ONLY,
          "this analysis is aggregated securely: the node sends its summary masked, through the"
              + " analysis's secure aggregation");
    }
    if ((summary == null) == (answer.declined() == null)) {
      throw new ProblemException(
          FederationProblems.INVALID_SUMMARY, "send either a summary or why the node declines");
    }
    if (summary != null) {
      if (summary.length != analysis.length()) {
        throw new ProblemException(
            FederationProblems.INVALID_SUMMARY,
            "this analysis takes summaries of "
                + analysis.length()
                + " numbers, not "
                + summary.length);
      }
      for (double v : summary) {
        if (!Double.isFinite(v)) {
          throw new ProblemException(
              FederationProblems.INVALID_SUMMARY, "a summary's numbers are finite");
        }
      }
      try {
        kind.check(analysis.spec(), summary);
      } catch (IllegalArgumentException e) {
        throw new ProblemException(FederationProblems.INVALID_SUMMARY, e.getMessage());
      }
      stored = JSON.writeValueAsString(summary);
    } else {
      String reason = answer.declined().strip();
      if (reason.isEmpty() || reason.length() > 1000) {
        throw new ProblemException(
            FederationProblems.INVALID_SUMMARY, "a reason to decline has 1 to 1,000 characters");
      }
      stored = "declined:" + reason;
    }
    String sha = sha256(stored);
    writing.lock();
    try {
      Optional<String> before =
          jdbc.sql(
                  "SELECT sha256 FROM federation_analysis_summary WHERE analysis_id = ? AND"
                      + " node_id = ?")
              .params(id, node.id())
              .query(String.class)
              .optional();
      if (before.isPresent()) {
        if (before.get().equals(sha)) {
          return false;
        }
        throw new ProblemException(
            FederationProblems.SUMMARY_CONFLICT,
            "this node already answered the analysis, with something else");
      }
      Analysis current = find(federation, id).orElseThrow(() -> notFound(id));
      if (current.state() != State.OPEN) {
        throw new ProblemException(
            FederationProblems.ANALYSIS_NOT_OPEN,
            current.state() == State.WAITING
                ? "the analysis waits for the federation's final model"
                : "the analysis closed (" + current.state().name().toLowerCase(Locale.ROOT) + ")");
      }
      Instant now = clock.instant();
      transactions.executeWithoutResult(
          status -> {
            jdbc.sql(
                    "INSERT INTO federation_analysis_summary (analysis_id, node_id, tenant_id,"
                        + " summary, declined, sha256, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(
                    id,
                    node.id(),
                    node.tenant().value(),
                    summary == null ? null : stored,
                    summary == null ? answer.declined().strip() : null,
                    sha,
                    Timestamp.from(now))
                .update();
            jdbc.sql(
                    "UPDATE federation_analysis SET "
                        + (summary == null
                            ? "declined = declined + 1"
                            : "contributors = contributors + 1")
                        + " WHERE id = ?")
                .param(id)
                .update();
          });
      closeIfDone(find(federation, id).orElseThrow(), now);
      return true;
    } finally {
      writing.unlock();
    }
  }

  // ---- closing ----

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.warn("Analyses tick failed: {}", e.toString());
    }
  }

  /**
   * Opens or fails waiting analyses as their federations end, and closes open ones that are due.
   */
  void tick() {
    refreshActive();
    List<UUID> waiting =
        jdbc.sql("SELECT DISTINCT federation_id FROM federation_analysis WHERE state = 'WAITING'")
            .query(UUID.class)
            .list();
    waiting.forEach(this::openWaiting);
    List<Analysis> open =
        jdbc.sql("SELECT " + COLUMNS + " FROM federation_analysis WHERE state = 'OPEN'")
            .query(Analyses::map)
            .list();
    Instant now = clock.instant();
    for (Analysis analysis : open) {
      // An analysis being opened now gets its secure session before the lock is let go; waiting
      // for it here (not under writing, which opening may need) keeps the tick from failing it
      // as one whose session a restart lost.
      awaitOpening(analysis.federationId());
      writing.lock();
      try {
        find(analysis.federationId(), analysis.id()).ifPresent(a -> closeIfDone(a, now));
      } finally {
        writing.unlock();
      }
    }
  }

  private void refreshActive() {
    active =
        Set.copyOf(
            jdbc.sql(
                    "SELECT DISTINCT federation_id FROM federation_analysis WHERE state IN"
                        + " ('WAITING', 'OPEN')")
                .query(UUID.class)
                .list());
    activeLoaded = true;
  }

  /** Advances an open analysis's secure aggregation; closes the analysis when it ended. */
  private void tickSecure(Analysis analysis, Instant now) {
    SecureSession session = sessions.get(analysis.id());
    if (session == null) {
      fail(
          analysis,
          "the coordinator restarted during its secure aggregation, which lives in memory; ask"
              + " again",
          now);
      return;
    }
    if (analysis.deadline() != null && !now.isBefore(analysis.deadline())) {
      session.abort("the analysis's deadline passed");
    }
    if (!session.tick(now)) {
      return;
    }
    sessions.remove(analysis.id());
    handedTo.remove(analysis.id());
    var result = session.result();
    if (result == null) {
      fail(analysis, "its secure aggregation aborted: " + session.aborted(), now);
      return;
    }
    int contributors = result.survivors().size();
    if (contributors < analysis.minContributors()) {
      fail(
          analysis,
          contributors
              + " node(s) sent a summary through the secure aggregation; the analysis needs "
              + analysis.minContributors(),
          now);
      return;
    }
    double[] sum = new double[analysis.length()];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = result.sum()[i];
    }
    complete(analysis, sum, contributors, now);
  }

  /** Opens the federation's waiting analyses on its final model, or fails them if it has none. */
  private void openWaiting(UUID federation) {
    if (!anyWaiting(federation)) {
      // Nothing to open, so polls need not queue for the lock; but an opening under way may have
      // marked an analysis open without its secure session yet: wait for that one to finish.
      awaitOpening(federation);
      return;
    }
    ReentrantLock lock = openingLock(federation);
    lock.lock();
    try {
      openWaitingLocked(federation);
    } finally {
      lock.unlock();
    }
  }

  private boolean anyWaiting(UUID federation) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM federation_analysis WHERE federation_id = ? AND state ="
                    + " 'WAITING'")
            .param(federation)
            .query(Long.class)
            .single()
        > 0;
  }

  private void openWaitingLocked(UUID federation) {
    // Asked again under the lock: another poll may have opened them meanwhile.
    if (!anyWaiting(federation)) {
      return;
    }
    FederationRecord record = store.find(federation).orElse(null);
    if (record == null) {
      return;
    }
    Instant now = clock.instant();
    switch (record.state()) {
      case COMPLETED -> {
        int version = rounds.completed(federation);
        List<Analysis> waiting =
            jdbc.sql(
                    "SELECT "
                        + COLUMNS
                        + " FROM federation_analysis WHERE federation_id = ? AND state = 'WAITING'")
                .param(federation)
                .query(Analyses::map)
                .list();
        boolean secure = SecureAggregation.from(record.strategyParameters()).isPresent();
        for (Analysis analysis : waiting) {
          int opened =
              jdbc.sql(
                      "UPDATE federation_analysis SET state = 'OPEN', model_version = ?, opened_at"
                          + " = ?, deadline = ? WHERE id = ? AND state = 'WAITING'")
                  .params(
                      version,
                      Timestamp.from(now),
                      Timestamp.from(now.plusSeconds(analysis.timeoutSeconds())),
                      analysis.id())
                  .update();
          if (opened == 1 && secure) {
            startSecure(analysis, record, now);
          }
        }
        log.info(
            "{} analyses of federation {} opened on its final model, version {}",
            waiting.size(),
            federation,
            version);
      }
      case FAILED, CANCELLED -> {
        int failed =
            jdbc.sql(
                    "UPDATE federation_analysis SET state = 'FAILED', failure = ?, closed_at = ?"
                        + " WHERE federation_id = ? AND state = 'WAITING'")
                .params(
                    "the federation ended "
                        + record.state().name().toLowerCase(Locale.ROOT)
                        + " without a final model",
                    Timestamp.from(now),
                    federation)
                .update();
        counter("none", State.FAILED).increment(failed);
      }
      default -> {}
    }
  }

  /**
   * Closes an open analysis whose nodes all answered, or whose deadline passed: completed with its
   * result when enough nodes sent summaries, failed otherwise. Runs under {@link #writing}.
   */
  private void closeIfDone(Analysis analysis, Instant now) {
    if (analysis.state() != State.OPEN) {
      return;
    }
    if (secure(analysis)) {
      tickSecure(analysis, now);
      return;
    }
    Set<UUID> answered =
        Set.copyOf(
            jdbc.sql("SELECT node_id FROM federation_analysis_summary WHERE analysis_id = ?")
                .param(analysis.id())
                .query(UUID.class)
                .list());
    List<Nodes.Node> expected = expected(analysis.federationId());
    boolean everyone =
        !expected.isEmpty() && expected.stream().allMatch(n -> answered.contains(n.id()));
    boolean due = analysis.deadline() != null && !now.isBefore(analysis.deadline());
    if (!everyone && !due) {
      return;
    }
    if (analysis.contributors() < analysis.minContributors()) {
      fail(
          analysis,
          (everyone ? "every node answered: " : "by the deadline, ")
              + analysis.contributors()
              + " sent a summary and "
              + analysis.declined()
              + " declined; the analysis needs "
              + analysis.minContributors()
              + " summaries",
          now);
      return;
    }
    double[] sum = new double[analysis.length()];
    List<String> summaries =
        jdbc.sql(
                "SELECT summary FROM federation_analysis_summary WHERE analysis_id = ? AND summary"
                    + " IS NOT NULL ORDER BY node_id")
            .param(analysis.id())
            .query(String.class)
            .list();
    for (String text : summaries) {
      double[] summary = JSON.readValue(text, double[].class);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += summary[i];
      }
    }
    complete(analysis, sum, summaries.size(), now);
  }

  /** Completes the analysis with the result of {@code sum}, or fails it when there is none. */
  private void complete(Analysis analysis, double[] sum, int contributors, Instant now) {
    Map<String, Object> result;
    try {
      result = kind(analysis).result(analysis.spec(), sum, contributors);
    } catch (IllegalArgumentException e) {
      fail(analysis, e.getMessage(), now);
      return;
    }
    Map<String, Object> stored = new LinkedHashMap<>(result);
    jdbc.sql(
            "UPDATE federation_analysis SET state = 'COMPLETED', result = ?, closed_at = ?,"
                + " contributors = ? WHERE id = ? AND state = 'OPEN'")
        .params(JSON.writeValueAsString(stored), Timestamp.from(now), contributors, analysis.id())
        .update();
    counter(analysis.kind(), State.COMPLETED).increment();
    log.info(
        "Analysis {} ({}) of federation {} completed from {} summaries",
        analysis.id(),
        analysis.kind(),
        analysis.federationId(),
        contributors);
  }

  private void fail(Analysis analysis, String reason, Instant now) {
    jdbc.sql(
            "UPDATE federation_analysis SET state = 'FAILED', failure = ?, closed_at = ? WHERE id"
                + " = ? AND state = 'OPEN'")
        .params(abbreviate(reason), Timestamp.from(now), analysis.id())
        .update();
    counter(analysis.kind(), State.FAILED).increment();
    log.warn(
        "Analysis {} ({}) of federation {} failed: {}",
        analysis.id(),
        analysis.kind(),
        analysis.federationId(),
        reason);
  }

  /** The nodes expected to answer: the federation's nodes whose tenants still take part. */
  private List<Nodes.Node> expected(UUID federation) {
    TenantId owner = store.find(federation).map(FederationRecord::tenant).orElse(null);
    Set<TenantId> active =
        participants.of(federation).stream()
            .filter(p -> p.state() == Participants.State.ACTIVE)
            .map(Participants.Participant::tenant)
            .collect(Collectors.toSet());
    return nodes.of(federation, null).stream()
        .filter(n -> n.tenant().equals(owner) || active.contains(n.tenant()))
        .toList();
  }

  private FederatedAnalysis kind(Analysis analysis) {
    FederatedAnalysis kind = kinds.get(analysis.kind());
    if (kind == null) {
      throw new ProblemException(
          FederationProblems.ANALYSIS_REFUSED,
          "analyses of kind '" + analysis.kind() + "' do not run in this process");
    }
    return kind;
  }

  private Counter counter(String kind, State state) {
    return Counter.builder("truststram.federation.analyses")
        .description("Federated analyses closed, by kind and outcome")
        .tag("kind", kind)
        .tag("state", state.name().toLowerCase(Locale.ROOT))
        .register(registry);
  }

  static ProblemException notFound(UUID id) {
    return new ProblemException(
        FederationProblems.ANALYSIS_NOT_FOUND, "The federation has no analysis " + id);
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(FederationProblems.INVALID_ANALYSIS, detail);
  }

  private static String abbreviate(String text) {
    return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Analysis map(ResultSet rs, int row) throws SQLException {
    String result = rs.getString("result");
    int version = rs.getInt("model_version");
    boolean noVersion = rs.wasNull();
    return new Analysis(
        rs.getObject("id", UUID.class),
        rs.getObject("federation_id", UUID.class),
        rs.getString("kind"),
        JSON.readValue(rs.getString("spec"), new TypeReference<Map<String, Object>>() {}),
        noVersion ? null : version,
        rs.getInt("length"),
        rs.getInt("min_contributors"),
        rs.getInt("timeout_seconds"),
        State.valueOf(rs.getString("state")),
        rs.getInt("contributors"),
        rs.getInt("declined"),
        result == null ? null : JSON.readValue(result, new TypeReference<Map<String, Object>>() {}),
        rs.getString("failure"),
        rs.getString("created_by"),
        rs.getTimestamp("created_at").toInstant(),
        instant(rs, "opened_at"),
        instant(rs, "deadline"),
        instant(rs, "closed_at"));
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
