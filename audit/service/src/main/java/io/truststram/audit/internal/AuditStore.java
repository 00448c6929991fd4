package io.truststram.audit.internal;

import io.truststram.audit.log.MerkleProofs;
import io.truststram.common.tenant.TenantId;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The audit tables. Entries and subtree hashes are only ever inserted, never updated. */
final class AuditStore {

  /** Rows per multi-row INSERT: well under PostgreSQL's 65,535 bind parameters. */
  private static final int CHUNK = 500;

  private final JdbcTemplate jdbc;

  AuditStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A log's head: how many entries it has and their root. */
  record Head(long size, byte[] rootHash) {}

  /** One entry as stored. */
  record Entry(
      long index,
      UUID recordId,
      Instant occurredAt,
      String principal,
      String action,
      String resource,
      String outcome,
      String data,
      byte[] leafHash) {}

  /** One signed checkpoint as stored. */
  record StoredCheckpoint(
      long size,
      byte[] rootHash,
      Instant signedAt,
      String algorithm,
      int keyVersion,
      byte[] signature) {}

  /** Creates the tenant's empty log if it has none; harmless if another replica does too. */
  void createHead(TenantId tenant, byte[] emptyRoot, Instant now) {
    try {
      jdbc.update(
          "INSERT INTO audit_log (tenant_id, size, root_hash, updated_at) VALUES (?, 0, ?, ?)",
          tenant.value(),
          emptyRoot,
          Timestamp.from(now));
    } catch (DuplicateKeyException exists) {
      // Another writer created it.
    }
  }

  /** The head, locked until the transaction ends. */
  Optional<Head> lockHead(TenantId tenant) {
    return jdbc
        .query(
            "SELECT size, root_hash FROM audit_log WHERE tenant_id = ? FOR UPDATE",
            (rs, n) -> new Head(rs.getLong(1), rs.getBytes(2)),
            tenant.value())
        .stream()
        .findFirst();
  }

  Optional<Head> head(TenantId tenant) {
    return jdbc
        .query(
            "SELECT size, root_hash FROM audit_log WHERE tenant_id = ?",
            (rs, n) -> new Head(rs.getLong(1), rs.getBytes(2)),
            tenant.value())
        .stream()
        .findFirst();
  }

  void updateHead(TenantId tenant, long size, byte[] rootHash, Instant now) {
    jdbc.update(
        "UPDATE audit_log SET size = ?, root_hash = ?, updated_at = ? WHERE tenant_id = ?",
        size,
        rootHash,
        Timestamp.from(now),
        tenant.value());
  }

  /** Which of {@code recordIds} the log already has, and at which index. */
  Map<UUID, Long> existing(TenantId tenant, Collection<UUID> recordIds) {
    Map<UUID, Long> found = new HashMap<>();
    List<UUID> ids = List.copyOf(recordIds);
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      List<Object> args = new ArrayList<>();
      args.add(tenant.value());
      args.addAll(chunk);
      jdbc.query(
          "SELECT record_id, idx FROM audit_entry WHERE tenant_id = ? AND record_id IN ("
              + bindMarkers(chunk.size())
              + ")",
          rs -> {
            found.put(rs.getObject(1, UUID.class), rs.getLong(2));
          },
          args.toArray());
    }
    return found;
  }

  void insertEntries(TenantId tenant, List<Entry> entries) {
    for (int from = 0; from < entries.size(); from += CHUNK) {
      List<Entry> chunk = entries.subList(from, Math.min(entries.size(), from + CHUNK));
      StringBuilder sql =
          new StringBuilder(
              "INSERT INTO audit_entry (tenant_id, idx, record_id, occurred_at, principal, action,"
                  + " resource, outcome, data, leaf_hash) VALUES ");
      List<Object> args = new ArrayList<>(chunk.size() * 10);
      for (int i = 0; i < chunk.size(); i++) {
        Entry e = chunk.get(i);
        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        args.add(tenant.value());
        args.add(e.index());
        args.add(e.recordId());
        args.add(Timestamp.from(e.occurredAt()));
        args.add(e.principal());
        args.add(e.action());
        args.add(e.resource());
        args.add(e.outcome());
        args.add(e.data());
        args.add(e.leafHash());
      }
      jdbc.update(sql.toString(), args.toArray());
    }
  }

  /** A complete subtree's hash, at level 1 or above. */
  record Node(int level, long index, byte[] hash) {}

  void insertNodes(TenantId tenant, List<Node> nodes) {
    for (int from = 0; from < nodes.size(); from += CHUNK) {
      List<Node> chunk = nodes.subList(from, Math.min(nodes.size(), from + CHUNK));
      StringBuilder sql =
          new StringBuilder("INSERT INTO audit_node (tenant_id, level, idx, hash) VALUES ");
      List<Object> args = new ArrayList<>(chunk.size() * 4);
      for (int i = 0; i < chunk.size(); i++) {
        Node node = chunk.get(i);
        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?)");
        args.add(tenant.value());
        args.add(node.level());
        args.add(node.index());
        args.add(node.hash());
      }
      jdbc.update(sql.toString(), args.toArray());
    }
  }

  /** The hashes of the given complete subtrees: level 0 from the entries, the rest stored. */
  Map<MerkleProofs.Subtree, byte[]> subtrees(
      TenantId tenant, Collection<MerkleProofs.Subtree> wanted) {
    Map<MerkleProofs.Subtree, byte[]> found = new HashMap<>();
    List<Long> leaves = new ArrayList<>();
    List<MerkleProofs.Subtree> nodes = new ArrayList<>();
    for (MerkleProofs.Subtree subtree : wanted) {
      if (subtree.level() == 0) {
        leaves.add(subtree.index());
      } else {
        nodes.add(subtree);
      }
    }
    for (int from = 0; from < leaves.size(); from += CHUNK) {
      List<Long> chunk = leaves.subList(from, Math.min(leaves.size(), from + CHUNK));
      List<Object> args = new ArrayList<>();
      args.add(tenant.value());
      args.addAll(chunk);
      jdbc.query(
          "SELECT idx, leaf_hash FROM audit_entry WHERE tenant_id = ? AND idx IN ("
              + bindMarkers(chunk.size())
              + ")",
          rs -> {
            found.put(new MerkleProofs.Subtree(0, rs.getLong(1)), rs.getBytes(2));
          },
          args.toArray());
    }
    for (int from = 0; from < nodes.size(); from += CHUNK) {
      List<MerkleProofs.Subtree> chunk = nodes.subList(from, Math.min(nodes.size(), from + CHUNK));
      StringBuilder sql =
          new StringBuilder("SELECT level, idx, hash FROM audit_node WHERE tenant_id = ? AND (");
      List<Object> args = new ArrayList<>();
      args.add(tenant.value());
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "" : " OR ").append("(level = ? AND idx = ?)");
        args.add(chunk.get(i).level());
        args.add(chunk.get(i).index());
      }
      sql.append(")");
      jdbc.query(
          sql.toString(),
          rs -> {
            found.put(new MerkleProofs.Subtree(rs.getInt(1), rs.getLong(2)), rs.getBytes(3));
          },
          args.toArray());
    }
    return found;
  }

  private static final String ENTRY_COLUMNS =
      "idx, record_id, occurred_at, principal, action, resource, outcome, data, leaf_hash";

  private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Entry(
        rs.getLong(1),
        rs.getObject(2, UUID.class),
        rs.getTimestamp(3).toInstant(),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getBytes(9));
  }

  Optional<Entry> entry(TenantId tenant, long index) {
    return jdbc
        .query(
            "SELECT " + ENTRY_COLUMNS + " FROM audit_entry WHERE tenant_id = ? AND idx = ?",
            (rs, n) -> entry(rs),
            tenant.value(),
            index)
        .stream()
        .findFirst();
  }

  /** What a query asks for; null fields do not filter. */
  record Filter(
      @Nullable String principal,
      @Nullable String action,
      @Nullable String resource,
      @Nullable String outcome,
      @Nullable Instant from,
      @Nullable Instant to) {}

  /** Entries matching {@code filter} after index {@code after}, in index order. */
  List<Entry> query(TenantId tenant, Filter filter, long after, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + ENTRY_COLUMNS + " FROM audit_entry WHERE tenant_id = ? AND idx > ?");
    List<Object> args = new ArrayList<>(List.of(tenant.value(), after));
    if (filter.principal() != null) {
      sql.append(" AND principal = ?");
      args.add(filter.principal());
    }
    if (filter.action() != null) {
      sql.append(" AND action = ?");
      args.add(filter.action());
    }
    if (filter.resource() != null) {
      sql.append(" AND resource = ?");
      args.add(filter.resource());
    }
    if (filter.outcome() != null) {
      sql.append(" AND outcome = ?");
      args.add(filter.outcome());
    }
    if (filter.from() != null) {
      sql.append(" AND occurred_at >= ?");
      args.add(Timestamp.from(filter.from()));
    }
    if (filter.to() != null) {
      sql.append(" AND occurred_at < ?");
      args.add(Timestamp.from(filter.to()));
    }
    sql.append(" ORDER BY idx LIMIT ?");
    args.add(limit);
    return jdbc.query(sql.toString(), (rs, n) -> entry(rs), args.toArray());
  }

  /** Streams the entries {@code [from, to)} in index order, as stored (gaps and all). */
  void scan(TenantId tenant, long from, long to, Consumer<Entry> each) {
    long after = from - 1;
    while (true) {
      List<Entry> page =
          jdbc.query(
              "SELECT "
                  + ENTRY_COLUMNS
                  + " FROM audit_entry WHERE tenant_id = ? AND idx > ? AND idx < ?"
                  + " ORDER BY idx LIMIT 2000",
              (rs, n) -> entry(rs),
              tenant.value(),
              after,
              to);
      page.forEach(each);
      if (page.size() < 2000) {
        return;
      }
      after = page.getLast().index();
    }
  }

  /** Tenants whose log has grown past its last checkpoint. */
  List<TenantId> uncheckpointed() {
    return jdbc.query(
        "SELECT l.tenant_id FROM audit_log l WHERE l.size > COALESCE("
            + "(SELECT MAX(c.size) FROM audit_checkpoint c WHERE c.tenant_id = l.tenant_id), 0)",
        (rs, n) -> new TenantId(rs.getObject(1, UUID.class)));
  }

  /** Stores a checkpoint; false if one of that size exists already. */
  boolean insertCheckpoint(TenantId tenant, StoredCheckpoint checkpoint) {
    try {
      jdbc.update(
          "INSERT INTO audit_checkpoint (tenant_id, size, root_hash, signed_at, algorithm,"
              + " key_version, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
          tenant.value(),
          checkpoint.size(),
          checkpoint.rootHash(),
          Timestamp.from(checkpoint.signedAt()),
          checkpoint.algorithm(),
          checkpoint.keyVersion(),
          checkpoint.signature());
      return true;
    } catch (DuplicateKeyException exists) {
      return false;
    }
  }

  private static final String CHECKPOINT_COLUMNS =
      "size, root_hash, signed_at, algorithm, key_version, signature";

  private static StoredCheckpoint checkpoint(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new StoredCheckpoint(
        rs.getLong(1),
        rs.getBytes(2),
        rs.getTimestamp(3).toInstant(),
        rs.getString(4),
        rs.getInt(5),
        rs.getBytes(6));
  }

  Optional<StoredCheckpoint> latestCheckpoint(TenantId tenant) {
    return jdbc
        .query(
            "SELECT "
                + CHECKPOINT_COLUMNS
                + " FROM audit_checkpoint WHERE tenant_id = ? ORDER BY size DESC LIMIT 1",
            (rs, n) -> checkpoint(rs),
            tenant.value())
        .stream()
        .findFirst();
  }

  /** Checkpoints of size above {@code after}, in size order. */
  List<StoredCheckpoint> checkpoints(TenantId tenant, long after, int limit) {
    return jdbc.query(
        "SELECT "
            + CHECKPOINT_COLUMNS
            + " FROM audit_checkpoint WHERE tenant_id = ? AND size > ? ORDER BY size LIMIT ?",
        (rs, n) -> checkpoint(rs),
        tenant.value(),
        after,
        limit);
  }

  private static String bindMarkers(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
