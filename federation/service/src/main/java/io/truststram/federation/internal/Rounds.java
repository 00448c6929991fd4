package io.truststram.federation.internal;

import io.truststram.common.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rounds, the nodes' tasks in them with their updates, and resumable uploads: tables {@code
 * federation_round}, {@code federation_task}, {@code federation_upload}.
 */
final class Rounds {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {};

  /** A round as stored. */
  record Round(
      UUID federationId,
      int round,
      int attempt,
      String state,
      long seed,
      int selected,
      int accepted,
      long examples,
      Instant openedAt,
      Instant deadline,
      @Nullable Instant closedAt,
      @Nullable String modelSha256,
      Map<String, Double> metrics,
      @Nullable Long aggregationMillis) {

    boolean open() {
      return state.equals("OPEN");
    }

    /** A round opening now with {@code selected} nodes chosen, due at {@code deadline}. */
    static Round opening(
        UUID federationId,
        int round,
        int attempt,
        long seed,
        int selected,
        Instant now,
        Instant deadline) {
      return new Round(
          federationId,
          round,
          attempt,
          "OPEN",
          seed,
          selected,
          0,
          0,
          now,
          deadline,
          null,
          null,
          Map.of(),
          null);
    }
  }

  /** A node's task in a round, with its update once it reported. */
  record Task(
      UUID federationId,
      int round,
      UUID nodeId,
      TenantId tenant,
      String state,
      String training,
      Instant assignedAt,
      @Nullable Instant submittedAt,
      @Nullable Long sequence,
      @Nullable String idempotencyKey,
      @Nullable String updateSha256,
      @Nullable Long updateBytes,
      @Nullable Long examples,
      @Nullable Integer steps,
      Map<String, Double> metrics,
      @Nullable String dataSha256,
      @Nullable String updateKey) {

    boolean submitted() {
      return state.equals("SUBMITTED");
    }

    /** A task just handed out, waiting for its update. */
    static Task assigned(
        UUID federationId, int round, UUID nodeId, TenantId tenant, String training, Instant now) {
      return new Task(
          federationId,
          round,
          nodeId,
          tenant,
          "ASSIGNED",
          training,
          now,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          Map.of(),
          null,
          null);
    }
  }

  /** A resumable upload in progress. */
  record Upload(
      UUID id,
      UUID federationId,
      int round,
      UUID nodeId,
      long totalBytes,
      long received,
      int chunks,
      Instant createdAt) {}

  private final JdbcClient jdbc;

  Rounds(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Opens round {@code round} (or its next attempt) with its tasks, in one transaction's work. */
  void open(Round round, List<Task> tasks) {
    int updated =
        jdbc.sql(
                "UPDATE federation_round SET attempt = ?, state = 'OPEN', seed = ?, selected = ?,"
                    + " accepted = 0, examples = 0, opened_at = ?, deadline = ?, closed_at = NULL"
                    + " WHERE federation_id = ? AND round = ?")
            .params(
                round.attempt(),
                round.seed(),
                round.selected(),
                Timestamp.from(round.openedAt()),
                Timestamp.from(round.deadline()),
                round.federationId(),
                round.round())
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO federation_round (federation_id, round, attempt, state, seed, selected,"
                  + " opened_at, deadline) VALUES (?, ?, ?, 'OPEN', ?, ?, ?, ?)")
          .params(
              round.federationId(),
              round.round(),
              round.attempt(),
              round.seed(),
              round.selected(),
              Timestamp.from(round.openedAt()),
              Timestamp.from(round.deadline()))
          .update();
    } else {
      jdbc.sql("DELETE FROM federation_task WHERE federation_id = ? AND round = ?")
          .params(round.federationId(), round.round())
          .update();
    }
    tasks.forEach(this::insertTask);
  }

  /** Moves an open round's deadline (after a restart, so that its nodes can report). */
  void extendDeadline(UUID federation, int round, Instant deadline) {
    jdbc.sql(
            "UPDATE federation_round SET deadline = ? WHERE federation_id = ? AND round = ? AND"
                + " state = 'OPEN'")
        .params(Timestamp.from(deadline), federation, round)
        .update();
  }

  /** Records a node's update as acknowledged; false when the task is no longer waiting for one. */
  boolean submit(
      UUID federation,
      int round,
      UUID node,
      int foldedRound,
      long sequence,
      Instant now,
      @Nullable String idempotencyKey,
      @Nullable String updateKey,
      @Nullable String sha256,
      long bytes,
      long examples,
      int steps,
      Map<String, Double> metrics,
      @Nullable String dataSha256) {
    return jdbc.sql(
                "UPDATE federation_task SET state = 'SUBMITTED', submitted_at = ?, folded_round = ?,"
                    + " sequence = ?, idempotency_key = ?, update_key = ?, update_sha256 = ?,"
                    + " update_bytes = ?, examples = ?, steps = ?, metrics = ?, data_sha256 = ? WHERE"
                    + " federation_id = ? AND round = ? AND node_id = ? AND state = 'ASSIGNED'")
            .params(
                Timestamp.from(now),
                foldedRound,
                sequence,
                idempotencyKey,
                updateKey,
                sha256,
                bytes,
                examples,
                steps,
                JSON.writeValueAsString(metrics),
                dataSha256,
                federation,
                round,
                node)
            .update()
        == 1;
  }

  /**
   * Closes a round with the next model; in synchronous rounds ({@code expireWaiting}) its tasks
   * still waiting become late.
   */
  void complete(
      UUID federation,
      int round,
      int accepted,
      long examples,
      Instant now,
      String modelSha256,
      Map<String, Double> metrics,
      long aggregationMillis,
      boolean expireWaiting) {
    jdbc.sql(
            "UPDATE federation_round SET state = 'COMPLETED', accepted = ?, examples = ?,"
                + " closed_at = ?, model_sha256 = ?, metrics = ?, aggregation_millis = ? WHERE"
                + " federation_id = ? AND round = ?")
        .params(
            accepted,
            examples,
            Timestamp.from(now),
            modelSha256,
            JSON.writeValueAsString(metrics),
            aggregationMillis,
            federation,
            round)
        .update();
    if (expireWaiting) {
      jdbc.sql(
              "UPDATE federation_task SET state = 'LATE' WHERE federation_id = ? AND round = ? AND"
                  + " state = 'ASSIGNED'")
          .params(federation, round)
          .update();
    }
  }

  /**
   * Gives up an attempt of a round: its tasks and their updates are dropped and the next attempt's
   * number recorded, in the caller's transaction.
   */
  void abandon(UUID federation, int round, int nextAttempt) {
    jdbc.sql("DELETE FROM federation_task WHERE federation_id = ? AND round = ?")
        .params(federation, round)
        .update();
    jdbc.sql(
            "UPDATE federation_round SET attempt = ?, selected = 0 WHERE federation_id = ? AND"
                + " round = ? AND state = 'OPEN'")
        .params(nextAttempt, federation, round)
        .update();
  }

  /** Hands one more task out in an open round (asynchronous rounds hand them out one by one). */
  /** Keeps the trust each chosen node had when the round opened (trust from the service). */
  void saveTrust(UUID federation, int round, Map<String, Double> trust) {
    trust.forEach(
        (node, value) ->
            jdbc.sql(
                    "UPDATE federation_task SET trust = ? WHERE federation_id = ? AND round = ? AND"
                        + " node_id = ?")
                .params(value, federation, round, UUID.fromString(node))
                .update());
  }

  /** The trust kept for the round's nodes, by node id. */
  Map<String, Double> trust(UUID federation, int round) {
    Map<String, Double> out = new java.util.TreeMap<>();
    jdbc.sql(
            "SELECT node_id, trust FROM federation_task WHERE federation_id = ? AND round = ? AND"
                + " trust IS NOT NULL")
        .params(federation, round)
        .query(
            (rs, row) ->
                Map.entry(rs.getObject("node_id", UUID.class).toString(), rs.getDouble("trust")))
        .list()
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  void assign(Task task) {
    insertTask(task);
    jdbc.sql(
            "UPDATE federation_round SET selected = selected + 1 WHERE federation_id = ? AND"
                + " round = ?")
        .params(task.federationId(), task.round())
        .update();
  }

  private void insertTask(Task task) {
    jdbc.sql(
            "INSERT INTO federation_task (federation_id, round, node_id, tenant_id, state,"
                + " training, assigned_at) VALUES (?, ?, ?, ?, 'ASSIGNED', ?, ?)")
        .params(
            task.federationId(),
            task.round(),
            task.nodeId(),
            task.tenant().value(),
            task.training(),
            Timestamp.from(task.assignedAt()))
        .update();
  }

  /** A waiting task will not be taken any more (too stale, or timed out). */
  void expire(UUID federation, int round, UUID node) {
    jdbc.sql(
            "UPDATE federation_task SET state = 'LATE' WHERE federation_id = ? AND round = ? AND"
                + " node_id = ? AND state = 'ASSIGNED'")
        .params(federation, round, node)
        .update();
  }

  /** Tasks handed out in round {@code from} or later and still waiting for their update. */
  List<Task> waiting(UUID federation, int from) {
    return jdbc.sql(
            "SELECT * FROM federation_task WHERE federation_id = ? AND round >= ? AND state ="
                + " 'ASSIGNED' ORDER BY round, node_id")
        .params(federation, from)
        .query(Rounds::task)
        .list();
  }

  Optional<Round> find(UUID federation, int round) {
    return jdbc.sql("SELECT * FROM federation_round WHERE federation_id = ? AND round = ?")
        .params(federation, round)
        .query(Rounds::round)
        .optional();
  }

  /** The open round of {@code federation}, if any. */
  Optional<Round> open(UUID federation) {
    return jdbc.sql("SELECT * FROM federation_round WHERE federation_id = ? AND state = 'OPEN'")
        .param(federation)
        .query(Rounds::round)
        .optional();
  }

  /** How many rounds of {@code federation} completed: the current model's version. */
  int completed(UUID federation) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM federation_round WHERE federation_id = ? AND state = 'COMPLETED'")
        .param(federation)
        .query(Integer.class)
        .single();
  }

  /** The rounds of {@code federation}, in order. */
  List<Round> of(UUID federation) {
    return jdbc.sql("SELECT * FROM federation_round WHERE federation_id = ? ORDER BY round")
        .param(federation)
        .query(Rounds::round)
        .list();
  }

  /** The tasks of a round (of one tenant's nodes when given), in node order. */
  List<Task> tasks(UUID federation, int round, @Nullable TenantId tenant) {
    return jdbc.sql(
            "SELECT * FROM federation_task WHERE federation_id = ? AND round = ?"
                + (tenant == null ? "" : " AND tenant_id = ?")
                + " ORDER BY node_id")
        .params(
            tenant == null
                ? List.<Object>of(federation, round)
                : List.<Object>of(federation, round, tenant.value()))
        .query(Rounds::task)
        .list();
  }

  /** The acknowledged updates folded into a round, in the order they were folded. */
  List<Task> submitted(UUID federation, int round) {
    return jdbc.sql(
            "SELECT * FROM federation_task WHERE federation_id = ? AND folded_round = ? AND state"
                + " = 'SUBMITTED' ORDER BY sequence")
        .params(federation, round)
        .query(Rounds::task)
        .list();
  }

  Optional<Task> task(UUID federation, int round, UUID node) {
    return jdbc.sql(
            "SELECT * FROM federation_task WHERE federation_id = ? AND round = ? AND node_id = ?")
        .params(federation, round, node)
        .query(Rounds::task)
        .optional();
  }

  void insertUpload(Upload upload) {
    jdbc.sql(
            "INSERT INTO federation_upload (id, federation_id, round, node_id, total_bytes,"
                + " received, chunks, created_at) VALUES (?, ?, ?, ?, ?, 0, 0, ?)")
        .params(
            upload.id(),
            upload.federationId(),
            upload.round(),
            upload.nodeId(),
            upload.totalBytes(),
            Timestamp.from(upload.createdAt()))
        .update();
  }

  Optional<Upload> upload(UUID id) {
    return jdbc.sql("SELECT * FROM federation_upload WHERE id = ?")
        .param(id)
        .query(Rounds::upload)
        .optional();
  }

  /** Records a chunk that starts at {@code offset}; false when the upload moved on meanwhile. */
  boolean advanceUpload(UUID id, long offset, long length) {
    return jdbc.sql(
                "UPDATE federation_upload SET received = received + ?, chunks = chunks + 1 WHERE"
                    + " id = ? AND received = ?")
            .params(length, id, offset)
            .update()
        == 1;
  }

  void deleteUpload(UUID id) {
    jdbc.sql("DELETE FROM federation_upload WHERE id = ?").param(id).update();
  }

  /** Uploads of a round, for cleaning up once it closed. */
  List<Upload> uploads(UUID federation, int round) {
    return jdbc.sql("SELECT * FROM federation_upload WHERE federation_id = ? AND round = ?")
        .params(federation, round)
        .query(Rounds::upload)
        .list();
  }

  private static Round round(ResultSet rs, int row) throws SQLException {
    Timestamp closed = rs.getTimestamp("closed_at");
    long aggregation = rs.getLong("aggregation_millis");
    Long aggregationMillis = rs.wasNull() ? null : aggregation;
    return new Round(
        rs.getObject("federation_id", UUID.class),
        rs.getInt("round"),
        rs.getInt("attempt"),
        rs.getString("state"),
        rs.getLong("seed"),
        rs.getInt("selected"),
        rs.getInt("accepted"),
        rs.getLong("examples"),
        rs.getTimestamp("opened_at").toInstant(),
        rs.getTimestamp("deadline").toInstant(),
        closed == null ? null : closed.toInstant(),
        rs.getString("model_sha256"),
        JSON.readValue(rs.getString("metrics"), METRICS),
        aggregationMillis);
  }

  private static Task task(ResultSet rs, int row) throws SQLException {
    Timestamp submitted = rs.getTimestamp("submitted_at");
    String metrics = rs.getString("metrics");
    return new Task(
        rs.getObject("federation_id", UUID.class),
        rs.getInt("round"),
        rs.getObject("node_id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("state"),
        rs.getString("training"),
        rs.getTimestamp("assigned_at").toInstant(),
        submitted == null ? null : submitted.toInstant(),
        nullableLong(rs, "sequence"),
        rs.getString("idempotency_key"),
        rs.getString("update_sha256"),
        nullableLong(rs, "update_bytes"),
        nullableLong(rs, "examples"),
        rs.getObject("steps") == null ? null : rs.getInt("steps"),
        metrics == null ? Map.of() : JSON.readValue(metrics, METRICS),
        rs.getString("data_sha256"),
        rs.getString("update_key"));
  }

  private static Upload upload(ResultSet rs, int row) throws SQLException {
    return new Upload(
        rs.getObject("id", UUID.class),
        rs.getObject("federation_id", UUID.class),
        rs.getInt("round"),
        rs.getObject("node_id", UUID.class),
        rs.getLong("total_bytes"),
        rs.getLong("received"),
        rs.getInt("chunks"),
        rs.getTimestamp("created_at").toInstant());
  }

  private static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
