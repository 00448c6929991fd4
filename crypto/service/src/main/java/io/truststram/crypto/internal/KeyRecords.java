package io.truststram.crypto.internal;

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

/**
 * Keys, versions and policies in tables {@code crypto_key}, {@code crypto_key_version}, {@code
 * crypto_policy}.
 */
final class KeyRecords {

  private static final String KEY_COLUMNS =
      "id, tenant_id, name, key_type, latest_version, min_decryption_version,"
          + " min_encryption_version, min_available_version, exportable, deletion_allowed,"
          + " auto_rotate_seconds, created_by, created_at, updated_at";
  private static final String VERSION_COLUMNS =
      "key_id, version, public_key, wrapped_secret, wrapped_hmac, wrapped_seed, kek_id,"
          + " created_at";

  /** A named key's row. */
  record Key(
      UUID id,
      TenantId tenant,
      String name,
      String type,
      int latestVersion,
      int minDecryptionVersion,
      int minEncryptionVersion,
      int minAvailableVersion,
      boolean exportable,
      boolean deletionAllowed,
      long autoRotateSeconds,
      String createdBy,
      Instant createdAt,
      Instant updatedAt) {}

  /** One version's material: the public key in clear, secrets wrapped. */
  record Version(
      UUID keyId,
      int version,
      byte @Nullable [] publicKey,
      byte[] wrappedSecret,
      byte[] wrappedHmac,
      byte @Nullable [] wrappedSeed,
      String kekId,
      Instant createdAt) {}

  private final JdbcClient jdbc;

  KeyRecords(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Inserts a key with its first version; false when the tenant has a key of that name. */
  boolean insert(Key key, Version first) {
    try {
      jdbc.sql(
              "INSERT INTO crypto_key ("
                  + KEY_COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(
              key.id(),
              key.tenant().value(),
              key.name(),
              key.type(),
              key.latestVersion(),
              key.minDecryptionVersion(),
              key.minEncryptionVersion(),
              key.minAvailableVersion(),
              key.exportable(),
              key.deletionAllowed(),
              key.autoRotateSeconds(),
              key.createdBy(),
              Timestamp.from(key.createdAt()),
              Timestamp.from(key.updatedAt()))
          .update();
    } catch (org.springframework.dao.DuplicateKeyException taken) {
      return false;
    }
    insertVersion(first);
    return true;
  }

  void insertVersion(Version v) {
    jdbc.sql(
            "INSERT INTO crypto_key_version ("
                + VERSION_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            v.keyId(),
            v.version(),
            v.publicKey(),
            v.wrappedSecret(),
            v.wrappedHmac(),
            v.wrappedSeed(),
            v.kekId(),
            Timestamp.from(v.createdAt()))
        .update();
  }

  /**
   * Adds {@code next} as the key's latest version when its latest is still {@code next.version() -
   * 1}; false when another rotation came first.
   */
  boolean addVersion(Version next, Instant now) {
    int updated =
        jdbc.sql(
                "UPDATE crypto_key SET latest_version = ?, updated_at = ?"
                    + " WHERE id = ? AND latest_version = ?")
            .params(next.version(), Timestamp.from(now), next.keyId(), next.version() - 1)
            .update();
    if (updated == 0) {
      return false;
    }
    insertVersion(next);
    return true;
  }

  Optional<Key> find(TenantId tenant, String name) {
    return jdbc.sql("SELECT " + KEY_COLUMNS + " FROM crypto_key WHERE tenant_id = ? AND name = ?")
        .params(tenant.value(), name)
        .query(KeyRecords::key)
        .optional();
  }

  /** A page of the tenant's keys by name, after {@code after} (exclusive). */
  List<Key> list(TenantId tenant, @Nullable String after, int limit) {
    return jdbc.sql(
            "SELECT "
                + KEY_COLUMNS
                + " FROM crypto_key WHERE tenant_id = ? AND name > ? ORDER BY name LIMIT ?")
        .params(tenant.value(), after == null ? "" : after, limit)
        .query(KeyRecords::key)
        .list();
  }

  /** The key's versions from {@code from} on, oldest first. */
  List<Version> versions(UUID keyId, int from) {
    return jdbc.sql(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM crypto_key_version WHERE key_id = ? AND version >= ? ORDER BY version")
        .params(keyId, from)
        .query(KeyRecords::version)
        .list();
  }

  Optional<Version> version(UUID keyId, int version) {
    return jdbc.sql(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM crypto_key_version WHERE key_id = ? AND version = ?")
        .params(keyId, version)
        .query(KeyRecords::version)
        .optional();
  }

  void updateConfig(Key key, Instant now) {
    jdbc.sql(
            "UPDATE crypto_key SET min_decryption_version = ?, min_encryption_version = ?,"
                + " exportable = ?, deletion_allowed = ?, auto_rotate_seconds = ?, updated_at = ?"
                + " WHERE id = ?")
        .params(
            key.minDecryptionVersion(),
            key.minEncryptionVersion(),
            key.exportable(),
            key.deletionAllowed(),
            key.autoRotateSeconds(),
            Timestamp.from(now),
            key.id())
        .update();
  }

  /** Destroys the versions below {@code minAvailable}. */
  void trim(UUID keyId, int minAvailable, Instant now) {
    jdbc.sql("UPDATE crypto_key SET min_available_version = ?, updated_at = ? WHERE id = ?")
        .params(minAvailable, Timestamp.from(now), keyId)
        .update();
    jdbc.sql("DELETE FROM crypto_key_version WHERE key_id = ? AND version < ?")
        .params(keyId, minAvailable)
        .update();
  }

  /**
   * Where a key's material comes from and whether it was ever backed up.
   *
   * @param origin {@code generated}, {@code imported} or {@code restored}; null for keys created
   *     before origins were kept
   */
  record Provenance(@Nullable String origin, boolean backedUp) {}

  Provenance provenance(UUID keyId) {
    return jdbc.sql("SELECT origin, backed_up FROM crypto_key WHERE id = ?")
        .param(keyId)
        .query((rs, row) -> new Provenance(rs.getString(1), rs.getBoolean(2)))
        .optional()
        .orElse(new Provenance(null, false));
  }

  void setOrigin(UUID keyId, String origin) {
    jdbc.sql("UPDATE crypto_key SET origin = ? WHERE id = ?").params(origin, keyId).update();
  }

  void markBackedUp(UUID keyId) {
    jdbc.sql("UPDATE crypto_key SET backed_up = TRUE WHERE id = ?").param(keyId).update();
  }

  /** An attestation the key manager made: the key version and the subject it was made for. */
  record Attested(
      UUID id,
      UUID keyId,
      int version,
      String subject,
      String subjectType,
      String attestedBy,
      Instant at) {}

  /** The key's attestations, oldest first. */
  List<Attested> attestations(UUID keyId) {
    return jdbc.sql(
            "SELECT id, key_id, version, subject, subject_type, attested_by, attested_at FROM"
                + " crypto_key_attestation WHERE key_id = ? ORDER BY attested_at, id")
        .param(keyId)
        .query(
            (rs, row) ->
                new Attested(
                    rs.getObject(1, UUID.class),
                    rs.getObject(2, UUID.class),
                    rs.getInt(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getTimestamp(7).toInstant()))
        .list();
  }

  void insertAttestation(Attested attested) {
    jdbc.sql(
            "INSERT INTO crypto_key_attestation (id, key_id, version, subject, subject_type,"
                + " attested_by, attested_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .params(
            attested.id(),
            attested.keyId(),
            attested.version(),
            attested.subject(),
            attested.subjectType(),
            attested.attestedBy(),
            Timestamp.from(attested.at()))
        .update();
  }

  /**
   * Locks the key's row until the transaction ends (attesting it and changing its settings do not
   * interleave); empty when it is gone.
   */
  Optional<Key> lock(UUID keyId) {
    return jdbc.sql("SELECT " + KEY_COLUMNS + " FROM crypto_key WHERE id = ? FOR UPDATE")
        .param(keyId)
        .query(KeyRecords::key)
        .optional();
  }

  void delete(UUID keyId) {
    jdbc.sql("DELETE FROM crypto_key_version WHERE key_id = ?").param(keyId).update();
    jdbc.sql("DELETE FROM crypto_key WHERE id = ?").param(keyId).update();
  }

  /** Keys with a rotation period whose latest version is older than it. */
  List<Key> dueForRotation(Instant now) {
    return jdbc
        .sql(
            "SELECT k."
                + KEY_COLUMNS.replace(", ", ", k.")
                + ", v.created_at AS latest_created_at FROM crypto_key k JOIN crypto_key_version v"
                + " ON v.key_id = k.id AND v.version = k.latest_version"
                + " WHERE k.auto_rotate_seconds > 0")
        .query(
            (rs, row) ->
                rs.getTimestamp("latest_created_at")
                        .toInstant()
                        .plusSeconds(rs.getLong("auto_rotate_seconds"))
                        .isBefore(now)
                    ? key(rs, row)
                    : null)
        .list()
        .stream()
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /** The installation's wrapping key pair (secret wrapped), when one was made. */
  record WrappingKey(String algorithm, byte[] publicKey, byte[] wrappedSecret, String kekId) {}

  Optional<WrappingKey> wrappingKey() {
    return jdbc.sql(
            "SELECT algorithm, public_key, wrapped_secret, kek_id FROM crypto_wrapping_key"
                + " WHERE id = 'default'")
        .query(
            (rs, n) ->
                new WrappingKey(rs.getString(1), rs.getBytes(2), rs.getBytes(3), rs.getString(4)))
        .optional();
  }

  /** Stores the wrapping key unless one exists; false when another process stored one first. */
  boolean insertWrappingKey(WrappingKey key, Instant now) {
    try {
      jdbc.sql(
              "INSERT INTO crypto_wrapping_key (id, algorithm, public_key, wrapped_secret, kek_id,"
                  + " created_at) VALUES ('default', ?, ?, ?, ?, ?)")
          .params(
              key.algorithm(),
              key.publicKey(),
              key.wrappedSecret(),
              key.kekId(),
              Timestamp.from(now))
          .update();
      return true;
    } catch (org.springframework.dao.DuplicateKeyException taken) {
      return false;
    }
  }

  Optional<CryptoPolicy> policy(TenantId tenant) {
    return jdbc.sql("SELECT policy FROM crypto_policy WHERE tenant_id = ?")
        .param(tenant.value())
        .query((rs, n) -> CryptoPolicy.valueOf(rs.getString(1)))
        .optional();
  }

  void setPolicy(TenantId tenant, CryptoPolicy policy, Instant now) {
    int updated =
        jdbc.sql("UPDATE crypto_policy SET policy = ?, updated_at = ? WHERE tenant_id = ?")
            .params(policy.name(), Timestamp.from(now), tenant.value())
            .update();
    if (updated == 0) {
      jdbc.sql("INSERT INTO crypto_policy (tenant_id, policy, updated_at) VALUES (?, ?, ?)")
          .params(tenant.value(), policy.name(), Timestamp.from(now))
          .update();
    }
  }

  private static Key key(ResultSet rs, int row) throws SQLException {
    return new Key(
        rs.getObject("id", UUID.class),
        new TenantId(rs.getObject("tenant_id", UUID.class)),
        rs.getString("name"),
        rs.getString("key_type"),
        rs.getInt("latest_version"),
        rs.getInt("min_decryption_version"),
        rs.getInt("min_encryption_version"),
        rs.getInt("min_available_version"),
        rs.getBoolean("exportable"),
        rs.getBoolean("deletion_allowed"),
        rs.getLong("auto_rotate_seconds"),
        rs.getString("created_by"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("updated_at").toInstant());
  }

  private static Version version(ResultSet rs, int row) throws SQLException {
    return new Version(
        rs.getObject("key_id", UUID.class),
        rs.getInt("version"),
        rs.getBytes("public_key"),
        rs.getBytes("wrapped_secret"),
        rs.getBytes("wrapped_hmac"),
        rs.getBytes("wrapped_seed"),
        rs.getString("kek_id"),
        rs.getTimestamp("created_at").toInstant());
  }
}
