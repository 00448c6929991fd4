package io.truststram.explain.internal;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import io.truststram.platform.TenantPages;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The explanation service's tables (H2 and PostgreSQL): models, explanations and their rows,
 * retention, bias policies and compliance reports. JSON columns are text written by Jackson.
 */
final class ExplainStore {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;
  private final org.springframework.jdbc.core.JdbcTemplate batches;

  ExplainStore(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batches) {
    this.jdbc = jdbc;
    this.batches = batches;
  }

  /** An uploaded model. */
  record ModelRecord(
      UUID id,
      TenantId tenant,
      String name,
      String format,
      String sha256,
      long size,
      List<String> features,
      int outputs,
      String blobKey,
      Instant createdAt) {}

  /**
   * An explanation: its status ({@code running}, {@code succeeded}, {@code failed}) and what it
   * depends on.
   */
  record ExplanationRecord(
      UUID id,
      TenantId tenant,
      UUID modelId,
      String modelSha256,
      String method,
      String status,
      int rowCount,
      int rowsDone,
      List<String> features,
      double @Nullable [] expectedValue,
      @Nullable Map<String, Object> provenance,
      @Nullable String error,
      boolean cached,
      String principal,
      Instant createdAt,
      @Nullable Instant finishedAt,
      Instant expiresAt) {}

  /**
   * One explained row: its input, outputs, attributions ({@code [output][feature]}) and what else
   * its method gives (LIME's surrogate, integrated gradients' completeness delta).
   */
  record RowRecord(
      int index,
      @Nullable String decisionId,
      double[] input,
      double[] output,
      double[][] attributions,
      @Nullable Map<String, Object> detail) {}

  /** A signed compliance report. */
  record ReportRecord(
      UUID id,
      TenantId tenant,
      UUID modelId,
      String title,
      String manifest,
      @Nullable String signatureAlgorithm,
      @Nullable Integer signatureKey,
      byte @Nullable [] signature,
      Instant createdAt,
      Instant expiresAt) {}

  // ---- models ----

  void insert(ModelRecord model) {
    jdbc.sql(
            "INSERT INTO explain_model (tenant_id, id, name, format, sha256, size_bytes, features,"
                + " outputs, blob_key, created_at) VALUES (:tenant, :id, :name, :format, :sha256,"
                + " :size, :features, :outputs, :blob, :created)")
        .param("tenant", model.tenant().value())
        .param("id", model.id())
        .param("name", model.name())
        .param("format", model.format())
        .param("sha256", model.sha256())
        .param("size", model.size())
        .param("features", JSON.writeValueAsString(model.features()))
        .param("outputs", model.outputs())
        .param("blob", model.blobKey())
        .param("created", time(model.createdAt()))
        .update();
  }

  private static final String MODEL_COLUMNS =
      "tenant_id, id, name, format, sha256, size_bytes, features, outputs, blob_key, created_at";

  Optional<ModelRecord> model(TenantId tenant, UUID id) {
    return jdbc.sql(
            "SELECT "
                + MODEL_COLUMNS
                + " FROM explain_model WHERE tenant_id = :tenant AND id = :id")
        .param("tenant", tenant.value())
        .param("id", id)
        .query(ExplainStore::model)
        .optional();
  }

  Page<ModelRecord> models(TenantId tenant, PageRequest request) {
    return TenantPages.page(
        jdbc,
        MODEL_COLUMNS,
        "explain_model",
        tenant,
        request,
        ExplainStore::model,
        ModelRecord::id);
  }

  boolean deleteModel(TenantId tenant, UUID id) {
    return jdbc.sql("DELETE FROM explain_model WHERE tenant_id = :tenant AND id = :id")
            .param("tenant", tenant.value())
            .param("id", id)
            .update()
        > 0;
  }

  private static ModelRecord model(ResultSet rs, int row) throws SQLException {
    return new ModelRecord(
        rs.getObject("id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("name"),
        rs.getString("format"),
        rs.getString("sha256"),
        rs.getLong("size_bytes"),
        JSON.readValue(rs.getString("features"), new TypeReference<List<String>>() {}),
        rs.getInt("outputs"),
        rs.getString("blob_key"),
        instant(rs, "created_at"));
  }

  // ---- explanations ----

  void insert(ExplanationRecord e) {
    jdbc.sql(
            "INSERT INTO explain_explanation (tenant_id, id, model_id, model_sha256, method, status,"
                + " row_count, rows_done, features, expected_value, provenance, error, cached,"
                + " principal, created_at, finished_at, expires_at) VALUES (:tenant, :id, :model,"
                + " :sha, :method, :status, :rows, :done, :features, :expected, :provenance, :error,"
                + " :cached, :principal, :created, :finished, :expires)")
        .param("tenant", e.tenant().value())
        .param("id", e.id())
        .param("model", e.modelId())
        .param("sha", e.modelSha256())
        .param("method", e.method())
        .param("status", e.status())
        .param("rows", e.rowCount())
        .param("done", e.rowsDone())
        .param("features", JSON.writeValueAsString(e.features()))
        .param(
            "expected",
            e.expectedValue() == null ? null : JSON.writeValueAsString(e.expectedValue()))
        .param(
            "provenance", e.provenance() == null ? null : JSON.writeValueAsString(e.provenance()))
        .param("error", e.error())
        .param("cached", e.cached())
        .param("principal", e.principal())
        .param("created", time(e.createdAt()))
        .param("finished", e.finishedAt() == null ? null : time(e.finishedAt()))
        .param("expires", time(e.expiresAt()))
        .update();
  }

  /** Records a job's progress. */
  void progress(TenantId tenant, UUID id, int rowsDone) {
    jdbc.sql(
            "UPDATE explain_explanation SET rows_done = :done WHERE tenant_id = :tenant AND id = :id")
        .param("done", rowsDone)
        .param("tenant", tenant.value())
        .param("id", id)
        .update();
  }

  /** Records a job's end: its values' summary, or its error. */
  void finish(
      TenantId tenant,
      UUID id,
      String status,
      double @Nullable [] expectedValue,
      @Nullable Map<String, Object> provenance,
      @Nullable String error,
      int rowsDone,
      Instant finishedAt) {
    jdbc.sql(
            "UPDATE explain_explanation SET status = :status, expected_value = :expected,"
                + " provenance = :provenance, error = :error, rows_done = :done, finished_at ="
                + " :finished WHERE tenant_id = :tenant AND id = :id")
        .param("status", status)
        .param("expected", expectedValue == null ? null : JSON.writeValueAsString(expectedValue))
        .param("provenance", provenance == null ? null : JSON.writeValueAsString(provenance))
        .param("error", error)
        .param("done", rowsDone)
        .param("finished", time(finishedAt))
        .param("tenant", tenant.value())
        .param("id", id)
        .update();
  }

  /**
   * Marks every job left running (by a process that stopped) without a kept request as failed;
   * returns how many.
   */
  int failRunning(String error, Instant now) {
    return jdbc.sql(
            "UPDATE explain_explanation SET status = 'failed', error = :error, finished_at = :now"
                + " WHERE status = 'running' AND NOT EXISTS (SELECT 1 FROM explain_job j WHERE"
                + " j.id = explain_explanation.id)")
        .param("error", error)
        .param("now", time(now))
        .update();
  }

  /** A running job's request, kept until it ends. */
  record Job(TenantId tenant, UUID id, String request, int attempts) {}

  void insertJob(TenantId tenant, UUID id, String request, Instant now) {
    jdbc.sql(
            "INSERT INTO explain_job (tenant_id, id, request, attempts, created_at) VALUES"
                + " (:tenant, :id, :request, 1, :now)")
        .param("tenant", tenant.value())
        .param("id", id)
        .param("request", request)
        .param("now", time(now))
        .update();
  }

  void deleteJob(UUID id) {
    jdbc.sql("DELETE FROM explain_job WHERE id = :id").param("id", id).update();
  }

  /** The jobs whose explanations are still running, oldest first. */
  List<Job> runningJobs() {
    return jdbc.sql(
            "SELECT j.tenant_id, j.id, j.request, j.attempts FROM explain_job j JOIN"
                + " explain_explanation e ON e.tenant_id = j.tenant_id AND e.id = j.id WHERE"
                + " e.status = 'running' ORDER BY j.created_at, j.id")
        .query(
            (rs, row) ->
                new Job(
                    new TenantId(rs.getObject("tenant_id", UUID.class)),
                    rs.getObject("id", UUID.class),
                    rs.getString("request"),
                    rs.getInt("attempts")))
        .list();
  }

  /** Counts another run of the job, and starts its progress again. */
  void restartJob(TenantId tenant, UUID id) {
    jdbc.sql("UPDATE explain_job SET attempts = attempts + 1 WHERE id = :id")
        .param("id", id)
        .update();
    progress(tenant, id, 0);
  }

  /** Forgets the requests of jobs that ended (or whose explanation expired). */
  int deleteEndedJobs() {
    return jdbc.sql(
            "DELETE FROM explain_job WHERE NOT EXISTS (SELECT 1 FROM explain_explanation e WHERE"
                + " e.tenant_id = explain_job.tenant_id AND e.id = explain_job.id AND e.status ="
                + " 'running')")
        .update();
  }

  private static final String EXPLANATION_COLUMNS =
      "tenant_id, id, model_id, model_sha256, method, status, row_count, rows_done, features,"
          + " expected_value, provenance, error, cached, principal, created_at, finished_at,"
          + " expires_at";

  Optional<ExplanationRecord> explanation(TenantId tenant, UUID id) {
    return jdbc.sql(
            "SELECT "
                + EXPLANATION_COLUMNS
                + " FROM explain_explanation WHERE tenant_id = :tenant AND id = :id")
        .param("tenant", tenant.value())
        .param("id", id)
        .query(ExplainStore::explanation)
        .optional();
  }

  Page<ExplanationRecord> explanations(TenantId tenant, PageRequest request) {
    return TenantPages.page(
        jdbc,
        EXPLANATION_COLUMNS,
        "explain_explanation",
        tenant,
        request,
        ExplainStore::explanation,
        ExplanationRecord::id);
  }

  private static ExplanationRecord explanation(ResultSet rs, int row) throws SQLException {
    String expected = rs.getString("expected_value");
    String provenance = rs.getString("provenance");
    return new ExplanationRecord(
        rs.getObject("id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getObject("model_id", UUID.class),
        rs.getString("model_sha256"),
        rs.getString("method"),
        rs.getString("status"),
        rs.getInt("row_count"),
        rs.getInt("rows_done"),
        JSON.readValue(rs.getString("features"), new TypeReference<List<String>>() {}),
        expected == null ? null : JSON.readValue(expected, double[].class),
        provenance == null
            ? null
            : JSON.readValue(provenance, new TypeReference<Map<String, Object>>() {}),
        rs.getString("error"),
        rs.getBoolean("cached"),
        rs.getString("principal"),
        instant(rs, "created_at"),
        rs.getObject("finished_at") == null ? null : instant(rs, "finished_at"),
        instant(rs, "expires_at"));
  }

  /** Inserts the rows in batches of 500 statements (one round trip each). */
  void insertRows(TenantId tenant, UUID explanation, List<RowRecord> rows) {
    String sql =
        "INSERT INTO explain_row (tenant_id, explanation_id, row_index, decision_id, input,"
            + " output, attributions, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    for (int from = 0; from < rows.size(); from += 500) {
      List<RowRecord> batch = rows.subList(from, Math.min(rows.size(), from + 500));
      List<Object[]> arguments = new java.util.ArrayList<>(batch.size());
      for (RowRecord r : batch) {
        arguments.add(
            new Object[] {
              tenant.value(),
              explanation,
              r.index(),
              r.decisionId(),
              JSON.writeValueAsString(nullForMissing(r.input())),
              JSON.writeValueAsString(r.output()),
              JSON.writeValueAsString(r.attributions()),
              r.detail() == null ? null : JSON.writeValueAsString(r.detail())
            });
      }
      batches.batchUpdate(sql, arguments);
    }
  }

  /** Rows {@code from} (inclusive) up to {@code limit} of them, in order. */
  List<RowRecord> rows(TenantId tenant, UUID explanation, int from, int limit) {
    return jdbc.sql(
            "SELECT row_index, decision_id, input, output, attributions, detail FROM explain_row"
                + " WHERE"
                + " tenant_id = :tenant AND explanation_id = :explanation AND row_index >= :from"
                + " ORDER BY row_index LIMIT :limit")
        .param("tenant", tenant.value())
        .param("explanation", explanation)
        .param("from", from)
        .param("limit", limit)
        .query(ExplainStore::row)
        .list();
  }

  /** The latest explanation of a decision: the explanation's id and the row. */
  Optional<Map.Entry<UUID, RowRecord>> decision(TenantId tenant, String decisionId) {
    return jdbc.sql(
            "SELECT r.explanation_id, r.row_index, r.decision_id, r.input, r.output, r.attributions,"
                + " r.detail"
                + " FROM explain_row r JOIN explain_explanation e ON e.tenant_id = r.tenant_id AND"
                + " e.id = r.explanation_id WHERE r.tenant_id = :tenant AND r.decision_id ="
                + " :decision ORDER BY e.created_at DESC, e.id DESC LIMIT 1")
        .param("tenant", tenant.value())
        .param("decision", decisionId)
        .query((rs, n) -> Map.entry(rs.getObject("explanation_id", UUID.class), row(rs, n)))
        .optional();
  }

  private static RowRecord row(ResultSet rs, int n) throws SQLException {
    return new RowRecord(
        rs.getInt("row_index"),
        rs.getString("decision_id"),
        missingForNull(JSON.readValue(rs.getString("input"), Double[].class)),
        JSON.readValue(rs.getString("output"), double[].class),
        JSON.readValue(rs.getString("attributions"), double[][].class),
        rs.getString("detail") == null
            ? null
            : JSON.readValue(rs.getString("detail"), new TypeReference<Map<String, Object>>() {}));
  }

  // ---- retention and purging ----

  Optional<Integer> retentionDays(TenantId tenant) {
    return jdbc.sql("SELECT days FROM explain_retention WHERE tenant_id = :tenant")
        .param("tenant", tenant.value())
        .query(Integer.class)
        .optional();
  }

  void setRetentionDays(TenantId tenant, int days, Instant now) {
    int updated =
        jdbc.sql(
                "UPDATE explain_retention SET days = :days, updated_at = :now WHERE tenant_id ="
                    + " :tenant")
            .param("days", days)
            .param("now", time(now))
            .param("tenant", tenant.value())
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO explain_retention (tenant_id, days, updated_at) VALUES (:tenant, :days,"
                  + " :now)")
          .param("tenant", tenant.value())
          .param("days", days)
          .param("now", time(now))
          .update();
    }
  }

  /** The tenants with explanations or reports expired at {@code now}, and how many of each. */
  List<Map.Entry<TenantId, Integer>> expired(Instant now) {
    return jdbc.sql(
            "SELECT tenant_id, COUNT(*) AS n FROM (SELECT tenant_id FROM explain_explanation WHERE"
                + " expires_at <= :now UNION ALL SELECT tenant_id FROM explain_report WHERE"
                + " expires_at <= :now) x GROUP BY tenant_id")
        .param("now", time(now))
        .query(
            (rs, n) ->
                Map.entry(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getInt("n")))
        .list();
  }

  /** The ids of {@code tenant}'s reports expired at {@code now} (their blobs go too). */
  List<UUID> expiredReports(TenantId tenant, Instant now) {
    return jdbc.sql(
            "SELECT id FROM explain_report WHERE tenant_id = :tenant AND expires_at <= :now")
        .param("tenant", tenant.value())
        .param("now", time(now))
        .query(UUID.class)
        .list();
  }

  /** Deletes {@code tenant}'s expired explanations (with their rows) and reports. */
  int purge(TenantId tenant, Instant now) {
    jdbc.sql(
            "DELETE FROM explain_row WHERE tenant_id = :tenant AND explanation_id IN (SELECT id FROM"
                + " explain_explanation WHERE tenant_id = :tenant AND expires_at <= :now)")
        .param("tenant", tenant.value())
        .param("now", time(now))
        .update();
    int explanations =
        jdbc.sql("DELETE FROM explain_explanation WHERE tenant_id = :tenant AND expires_at <= :now")
            .param("tenant", tenant.value())
            .param("now", time(now))
            .update();
    int reports =
        jdbc.sql("DELETE FROM explain_report WHERE tenant_id = :tenant AND expires_at <= :now")
            .param("tenant", tenant.value())
            .param("now", time(now))
            .update();
    return explanations + reports;
  }

  // ---- policies ----

  void putPolicy(TenantId tenant, String name, String body, Instant now) {
    int updated =
        jdbc.sql(
                "UPDATE explain_policy SET body = :body, updated_at = :now WHERE tenant_id ="
                    + " :tenant AND name = :name")
            .param("body", body)
            .param("now", time(now))
            .param("tenant", tenant.value())
            .param("name", name)
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO explain_policy (tenant_id, name, body, updated_at) VALUES (:tenant,"
                  + " :name, :body, :now)")
          .param("tenant", tenant.value())
          .param("name", name)
          .param("body", body)
          .param("now", time(now))
          .update();
    }
  }

  Optional<String> policy(TenantId tenant, String name) {
    return jdbc.sql("SELECT body FROM explain_policy WHERE tenant_id = :tenant AND name = :name")
        .param("tenant", tenant.value())
        .param("name", name)
        .query(String.class)
        .optional();
  }

  List<String> policyNames(TenantId tenant) {
    return jdbc.sql("SELECT name FROM explain_policy WHERE tenant_id = :tenant ORDER BY name")
        .param("tenant", tenant.value())
        .query(String.class)
        .list();
  }

  boolean deletePolicy(TenantId tenant, String name) {
    return jdbc.sql("DELETE FROM explain_policy WHERE tenant_id = :tenant AND name = :name")
            .param("tenant", tenant.value())
            .param("name", name)
            .update()
        > 0;
  }

  // ---- reports ----

  void insert(ReportRecord report) {
    jdbc.sql(
            "INSERT INTO explain_report (tenant_id, id, model_id, title, manifest, signature_alg,"
                + " signature_key, signature, created_at, expires_at) VALUES (:tenant, :id, :model,"
                + " :title, :manifest, :alg, :key, :signature, :created, :expires)")
        .param("tenant", report.tenant().value())
        .param("id", report.id())
        .param("model", report.modelId())
        .param("title", report.title())
        .param("manifest", report.manifest())
        .param("alg", report.signatureAlgorithm())
        .param("key", report.signatureKey())
        .param("signature", report.signature())
        .param("created", time(report.createdAt()))
        .param("expires", time(report.expiresAt()))
        .update();
  }

  Optional<ReportRecord> report(TenantId tenant, UUID id) {
    return jdbc.sql(
            "SELECT tenant_id, id, model_id, title, manifest, signature_alg, signature_key,"
                + " signature, created_at, expires_at FROM explain_report WHERE tenant_id = :tenant"
                + " AND id = :id")
        .param("tenant", tenant.value())
        .param("id", id)
        .query(
            (rs, n) ->
                new ReportRecord(
                    rs.getObject("id", UUID.class),
                    new TenantId(rs.getObject("tenant_id", UUID.class)),
                    rs.getObject("model_id", UUID.class),
                    rs.getString("title"),
                    rs.getString("manifest"),
                    rs.getString("signature_alg"),
                    (Integer) rs.getObject("signature_key"),
                    rs.getBytes("signature"),
                    instant(rs, "created_at"),
                    instant(rs, "expires_at")))
        .optional();
  }

  /** A row for JSON, which has no NaN: a missing value (NaN) as null. */
  static List<@Nullable Double> nullForMissing(double[] row) {
    List<@Nullable Double> out = new java.util.ArrayList<>(row.length);
    for (double v : row) {
      out.add(Double.isNaN(v) ? null : v);
    }
    return out;
  }

  private static double[] missingForNull(@Nullable Double[] row) {
    double[] out = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      Double v = row[i];
      out[i] = v == null ? Double.NaN : v;
    }
    return out;
  }

  static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
