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

/** Client nodes of federations, in table {@code federation_node}. */
final class Nodes {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String COLUMNS =
      "id, federation_id, tenant_id, name, client_id, examples, capabilities, registered_by,"
          + " registered_at, last_heartbeat_at, removed_at";

  /** A node as stored. */
  record Node(
      UUID id,
      UUID federationId,
      TenantId tenant,
      String name,
      String clientId,
      long examples,
      Map<String, String> capabilities,
      String registeredBy,
      Instant registeredAt,
      @Nullable Instant lastHeartbeatAt,
      @Nullable Instant removedAt) {}

  private final JdbcClient jdbc;

  Nodes(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(Node node) {
    jdbc.sql(
            "INSERT INTO federation_node (id, federation_id, tenant_id, name, client_id, examples,"
                + " capabilities, registered_by, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            node.id(),
            node.federationId(),
            node.tenant().value(),
            node.name(),
            node.clientId(),
            node.examples(),
            JSON.writeValueAsString(node.capabilities()),
            node.registeredBy(),
            Timestamp.from(node.registeredAt()))
        .update();
  }

  /**
   * Node {@code id} of the federation when {@code caller} is that node itself (its own API client,
   * in its tenant) and it was not removed: the only caller that may act as the node.
   */
  Optional<Node> actingAs(io.truststram.platform.security.Caller caller, UUID federation, UUID id) {
    return find(federation, id)
        .filter(n -> n.removedAt() == null)
        .filter(n -> n.clientId().equals(caller.clientId()) && n.tenant().equals(caller.tenant()));
  }

  /** The node whose own API client is {@code clientId}, if it was not removed. */
  Optional<Node> byClientId(String clientId) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM federation_node WHERE client_id = ? AND removed_at IS NULL")
        .param(clientId)
        .query(Nodes::map)
        .optional();
  }

  Optional<Node> find(UUID federation, UUID id) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM federation_node WHERE federation_id = ? AND id = ?")
        .params(federation, id)
        .query(Nodes::map)
        .optional();
  }

  /** The nodes of {@code federation} not removed, of {@code tenant} only when given. */
  List<Node> of(UUID federation, @Nullable TenantId tenant) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM federation_node WHERE federation_id = ? AND removed_at IS NULL"
                + (tenant == null ? "" : " AND tenant_id = ?")
                + " ORDER BY id")
        .params(
            tenant == null
                ? List.<Object>of(federation)
                : List.<Object>of(federation, tenant.value()))
        .query(Nodes::map)
        .list();
  }

  /** Records a heartbeat, with the node's current example count; false when it was removed. */
  boolean heartbeat(UUID id, long examples, Instant now) {
    return jdbc.sql(
                "UPDATE federation_node SET last_heartbeat_at = ?, examples = ? WHERE id = ? AND"
                    + " removed_at IS NULL")
            .params(Timestamp.from(now), examples, id)
            .update()
        == 1;
  }

  boolean remove(UUID id, Instant now) {
    return jdbc.sql("UPDATE federation_node SET removed_at = ? WHERE id = ? AND removed_at IS NULL")
            .params(Timestamp.from(now), id)
            .update()
        == 1;
  }

  private static Node map(ResultSet rs, int row) throws SQLException {
    Timestamp heartbeat = rs.getTimestamp("last_heartbeat_at");
    Timestamp removed = rs.getTimestamp("removed_at");
    return new Node(
        rs.getObject("id", UUID.class),
        rs.getObject("federation_id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("name"),
        rs.getString("client_id"),
        rs.getLong("examples"),
        JSON.readValue(rs.getString("capabilities"), new TypeReference<Map<String, String>>() {}),
        rs.getString("registered_by"),
        rs.getTimestamp("registered_at").toInstant(),
        heartbeat == null ? null : heartbeat.toInstant(),
        removed == null ? null : removed.toInstant());
  }
}
