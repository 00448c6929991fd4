package io.truststram.federation.internal;

import io.truststram.common.page.Page;
import io.truststram.common.page.PageRequest;
import io.truststram.common.tenant.TenantId;
import io.truststram.platform.TenantPages;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Federations in table {@code federation_federation}. */
final class FederationStore {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String COLUMNS =
      "id, tenant_id, name, strategy, strategy_parameters, model_kind, model_inputs,"
          + " model_classes, model_hidden, rounds, clients_per_round, min_clients,"
          + " round_timeout_seconds, state, current_round, seed, model_sha256, failure, created_by,"
          + " created_at, updated_at";

  private final JdbcClient jdbc;

  FederationStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Inserts {@code federation}; false when its tenant already has one of that name. */
  boolean insert(FederationRecord f) {
    try {
      jdbc.sql(
              "INSERT INTO federation_federation ("
                  + COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(
              f.id(),
              f.tenant().value(),
              f.name(),
              f.strategy(),
              JSON.writeValueAsString(f.strategyParameters()),
              f.modelKind(),
              f.modelInputs(),
              f.modelClasses(),
              f.modelHidden().stream()
                  .map(String::valueOf)
                  .reduce((a, b) -> a + "," + b)
                  .orElse(""),
              f.rounds(),
              f.clientsPerRound(),
              f.minClients(),
              f.roundTimeoutSeconds(),
              f.state().name(),
              f.currentRound(),
              f.seed(),
              f.modelSha256(),
              f.failure(),
              f.createdBy(),
              Timestamp.from(f.createdAt()),
              Timestamp.from(f.updatedAt()))
          .update();
      return true;
    } catch (org.springframework.dao.DuplicateKeyException taken) {
      return false;
    }
  }

  Optional<FederationRecord> find(UUID id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM federation_federation WHERE id = ?")
        .param(id)
        .query(FederationStore::map)
        .optional();
  }

  /** Federations of {@code tenant} (of every tenant when null), in creation order. */
  Page<FederationRecord> list(@Nullable TenantId tenant, PageRequest request) {
    return TenantPages.page(
        jdbc,
        COLUMNS,
        "federation_federation",
        tenant,
        request,
        FederationStore::map,
        FederationRecord::id);
  }

  /** Federations {@code tenant} owns or is invited to or active in, in creation order. */
  Page<FederationRecord> listVisible(TenantId tenant, PageRequest request) {
    return TenantPages.page(
        jdbc,
        COLUMNS,
        "federation_federation",
        "tenant_id = ? OR id IN (SELECT federation_id FROM federation_participant"
            + " WHERE tenant_id = ? AND state <> 'LEFT')",
        List.of(tenant.value(), tenant.value()),
        request,
        FederationStore::map,
        FederationRecord::id);
  }

  /** Moves {@code id} from one of {@code from} to {@code to}; false when it was in none of them. */
  boolean transition(
      UUID id, List<FederationRecord.State> from, FederationRecord.State to, Instant now) {
    String states = String.join(", ", from.stream().map(s -> "'" + s.name() + "'").toList());
    return jdbc.sql(
                "UPDATE federation_federation SET state = ?, updated_at = ? WHERE id = ? AND state IN ("
                    + states
                    + ")")
            .params(to.name(), Timestamp.from(now), id)
            .update()
        == 1;
  }

  /** The ids of the federations in state RUNNING. */
  List<UUID> runningIds() {
    return jdbc.sql("SELECT id FROM federation_federation WHERE state = 'RUNNING'")
        .query(UUID.class)
        .list();
  }

  /** Records that round {@code round} of a running federation started. */
  void startRound(UUID id, int round, Instant now) {
    jdbc.sql(
            "UPDATE federation_federation SET current_round = ?, updated_at = ? WHERE id = ? AND"
                + " state = 'RUNNING'")
        .params(round, Timestamp.from(now), id)
        .update();
  }

  /** Ends a running federation: completed with its final model and provenance, or failed. */
  void finish(
      UUID id,
      FederationRecord.State state,
      @Nullable String modelSha256,
      @Nullable String provenance,
      @Nullable String failure,
      Instant now) {
    jdbc.sql(
            "UPDATE federation_federation SET state = ?, model_sha256 = ?, provenance = ?,"
                + " failure = ?, updated_at = ? WHERE id = ? AND state = 'RUNNING'")
        .params(state.name(), modelSha256, provenance, failure, Timestamp.from(now), id)
        .update();
  }

  /** The provenance recorded when the federation completed, as JSON. */
  /** What a federation has spent of its privacy budget. */
  record PrivacySpent(
      int rounds, double[] rdp, double epsilon, @Nullable Instant exhaustedAt, Instant updatedAt) {}

  Optional<PrivacySpent> privacy(UUID id) {
    return jdbc.sql(
            "SELECT rounds, rdp, epsilon_spent, exhausted_at, updated_at FROM federation_privacy"
                + " WHERE federation_id = ?")
        .param(id)
        .query(
            (rs, n) ->
                new PrivacySpent(
                    rs.getInt(1),
                    java.util.Arrays.stream(rs.getString(2).split(","))
                        .mapToDouble(Double::parseDouble)
                        .toArray(),
                    rs.getDouble(3),
                    rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(),
                    rs.getTimestamp(5).toInstant()))
        .optional();
  }

  /** Marks the budget exhausted: the federation stopped before a round that would pass it. */
  void exhaustPrivacy(UUID id, Instant now) {
    jdbc.sql(
            "UPDATE federation_privacy SET exhausted_at = ?, updated_at = ? WHERE federation_id = ?")
        .params(Timestamp.from(now), Timestamp.from(now), id)
        .update();
  }

  /** Records what the federation has spent, in the caller's transaction. */
  void savePrivacy(UUID id, int rounds, double[] rdp, double epsilon, Instant now) {
    String text =
        java.util.Arrays.stream(rdp)
            .mapToObj(Double::toString)
            .collect(java.util.stream.Collectors.joining(","));
    int updated =
        jdbc.sql(
                "UPDATE federation_privacy SET rounds = ?, rdp = ?, epsilon_spent = ?,"
                    + " updated_at = ? WHERE federation_id = ?")
            .params(rounds, text, epsilon, Timestamp.from(now), id)
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO federation_privacy (federation_id, rounds, rdp, epsilon_spent,"
                  + " updated_at) VALUES (?, ?, ?, ?, ?)")
          .params(id, rounds, text, epsilon, Timestamp.from(now))
          .update();
    }
  }

  /**
   * A data owner's privacy spending across federations, and its cap.
   *
   * @param epsilonCap the ε its data may not pass (null: no cap)
   * @param delta the δ its spending is counted at
   */
  record TenantPrivacy(
      TenantId tenant,
      @Nullable Double epsilonCap,
      double delta,
      int rounds,
      double[] rdp,
      double epsilonSpent,
      Instant updatedAt) {}

  Optional<TenantPrivacy> tenantPrivacy(TenantId tenant) {
    return jdbc.sql(
            "SELECT epsilon_cap, delta, rounds, rdp, epsilon_spent, updated_at"
                + " FROM federation_tenant_privacy WHERE tenant_id = ?")
        .param(tenant.value())
        .query(
            (rs, n) -> {
              double cap = rs.getDouble(1);
              return new TenantPrivacy(
                  tenant,
                  rs.wasNull() ? null : cap,
                  rs.getDouble(2),
                  rs.getInt(3),
                  parseRdp(rs.getString(4)),
                  rs.getDouble(5),
                  rs.getTimestamp(6).toInstant());
            })
        .optional();
  }

  /** Sets a tenant's cap (null: none) and δ, keeping what it has spent. */
  void saveTenantCap(
      TenantId tenant,
      @Nullable Double cap,
      double delta,
      double[] emptyRdp,
      double spentAtDelta,
      Instant now) {
    int updated =
        jdbc.sql(
                "UPDATE federation_tenant_privacy SET epsilon_cap = ?, delta = ?, epsilon_spent = ?,"
                    + " updated_at = ? WHERE tenant_id = ?")
            .params(cap, delta, spentAtDelta, Timestamp.from(now), tenant.value())
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO federation_tenant_privacy (tenant_id, epsilon_cap, delta, rounds, rdp,"
                  + " epsilon_spent, updated_at) VALUES (?, ?, ?, 0, ?, 0, ?)")
          .params(tenant.value(), cap, delta, rdpText(emptyRdp), Timestamp.from(now))
          .update();
    }
  }

  /** Records what a tenant has spent after a private round it was eligible for. */
  void saveTenantSpent(
      TenantId tenant, int rounds, double[] rdp, double epsilon, double delta, Instant now) {
    int updated =
        jdbc.sql(
                "UPDATE federation_tenant_privacy SET rounds = ?, rdp = ?, epsilon_spent = ?,"
                    + " updated_at = ? WHERE tenant_id = ?")
            .params(rounds, rdpText(rdp), epsilon, Timestamp.from(now), tenant.value())
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO federation_tenant_privacy (tenant_id, epsilon_cap, delta, rounds, rdp,"
                  + " epsilon_spent, updated_at) VALUES (?, NULL, ?, ?, ?, ?, ?)")
          .params(tenant.value(), delta, rounds, rdpText(rdp), epsilon, Timestamp.from(now))
          .update();
    }
  }

  private static double[] parseRdp(String text) {
    return java.util.Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
  }

  private static String rdpText(double[] rdp) {
    return java.util.Arrays.stream(rdp)
        .mapToObj(Double::toString)
        .collect(java.util.stream.Collectors.joining(","));
  }

  Optional<String> provenance(UUID id) {
    return jdbc.sql("SELECT provenance FROM federation_federation WHERE id = ?")
        .param(id)
        .query(String.class)
        .optional();
  }

  private static FederationRecord map(ResultSet rs, int row) throws SQLException {
    String hidden = rs.getString("model_hidden");
    return new FederationRecord(
        rs.getObject("id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("name"),
        rs.getString("strategy"),
        JSON.readValue(
            rs.getString("strategy_parameters"), new TypeReference<Map<String, String>>() {}),
        rs.getString("model_kind"),
        rs.getInt("model_inputs"),
        rs.getInt("model_classes"),
        hidden.isEmpty()
            ? List.of()
            : Arrays.stream(hidden.split(",")).map(Integer::valueOf).toList(),
        rs.getInt("rounds"),
        rs.getInt("clients_per_round"),
        rs.getInt("min_clients"),
        rs.getInt("round_timeout_seconds"),
        FederationRecord.State.valueOf(rs.getString("state")),
        rs.getInt("current_round"),
        rs.getLong("seed"),
        rs.getString("model_sha256"),
        rs.getString("failure"),
        rs.getString("created_by"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }
}
