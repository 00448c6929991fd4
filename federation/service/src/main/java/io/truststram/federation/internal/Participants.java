package io.truststram.federation.internal;

import io.truststram.common.tenant.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The participant tenants of federations, in table {@code federation_participant}. */
final class Participants {

  /** Where a tenant stands in a federation it was invited to. */
  enum State {
    INVITED,
    ACTIVE,
    LEFT
  }

  /** One tenant's participation. */
  record Participant(
      UUID federationId,
      TenantId tenant,
      State state,
      String invitedBy,
      Instant invitedAt,
      @Nullable String joinedBy,
      @Nullable Instant joinedAt,
      @Nullable Instant leftAt) {}

  private static final String COLUMNS =
      "federation_id, tenant_id, state, invited_by, invited_at, joined_by, joined_at, left_at";

  private final JdbcClient jdbc;

  Participants(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Invites {@code tenant}, or invites it again after it left; false when already in or invited.
   */
  boolean invite(UUID federation, TenantId tenant, String by, Instant now) {
    int again =
        jdbc.sql(
                "UPDATE federation_participant SET state = 'INVITED', invited_by = ?, invited_at = ?,"
                    + " joined_by = NULL, joined_at = NULL, left_at = NULL"
                    + " WHERE federation_id = ? AND tenant_id = ? AND state = 'LEFT'")
            .params(by, Timestamp.from(now), federation, tenant.value())
            .update();
    if (again == 1) {
      return true;
    }
    try {
      jdbc.sql(
              "INSERT INTO federation_participant (federation_id, tenant_id, state, invited_by,"
                  + " invited_at) VALUES (?, ?, 'INVITED', ?, ?)")
          .params(federation, tenant.value(), by, Timestamp.from(now))
          .update();
      return true;
    } catch (org.springframework.dao.DuplicateKeyException already) {
      return false;
    }
  }

  /** Moves {@code tenant}'s participation from {@code from} to {@code to}; false when not in it. */
  boolean move(UUID federation, TenantId tenant, State from, State to, String by, Instant now) {
    String stamp = to == State.ACTIVE ? ", joined_by = ?, joined_at = ?" : ", left_at = ?";
    var statement =
        jdbc.sql(
                "UPDATE federation_participant SET state = ?"
                    + stamp
                    + " WHERE federation_id = ? AND tenant_id = ? AND state = ?")
            .param(to.name());
    if (to == State.ACTIVE) {
      statement = statement.param(by).param(Timestamp.from(now));
    } else {
      statement = statement.param(Timestamp.from(now));
    }
    return statement.param(federation).param(tenant.value()).param(from.name()).update() == 1;
  }

  Optional<Participant> find(UUID federation, TenantId tenant) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM federation_participant WHERE federation_id = ? AND tenant_id = ?")
        .params(federation, tenant.value())
        .query(Participants::map)
        .optional();
  }

  List<Participant> of(UUID federation) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM federation_participant WHERE federation_id = ? ORDER BY invited_at")
        .param(federation)
        .query(Participants::map)
        .list();
  }

  /** Whether {@code tenant} is invited to or active in {@code federation} (it may see it). */
  boolean canSee(UUID federation, TenantId tenant) {
    return find(federation, tenant).filter(p -> p.state() != State.LEFT).isPresent();
  }

  private static Participant map(ResultSet rs, int row) throws SQLException {
    Timestamp joined = rs.getTimestamp("joined_at");
    Timestamp left = rs.getTimestamp("left_at");
    return new Participant(
        rs.getObject("federation_id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        State.valueOf(rs.getString("state")),
        rs.getString("invited_by"),
        rs.getTimestamp("invited_at").toInstant(),
        rs.getString("joined_by"),
        joined == null ? null : joined.toInstant(),
        left == null ? null : left.toInstant());
  }
}
