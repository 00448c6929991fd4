package io.truststram.platform.idempotency;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link IdempotencyStore} on the relational store (H2 or PostgreSQL). Each statement runs on its
 * own, outside the request's business transaction, so that a conflict here never aborts it.
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

  private static final String IN_PROGRESS = "IN_PROGRESS";
  private static final String COMPLETED = "COMPLETED";

  private final JdbcClient jdbc;

  public JdbcIdempotencyStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Claim claim(
      String scope,
      String key,
      String fingerprint,
      Instant now,
      Duration lockTimeout,
      Duration retention) {
    // Two attempts: the second follows the removal of an expired record of the same key.
    for (int attempt = 0; attempt < 2; attempt++) {
      String token = UUID.randomUUID().toString();
      if (insert(scope, key, token, fingerprint, now, lockTimeout, retention)) {
        return new Claim.Claimed(token);
      }
      Optional<Row> existing = find(scope, key);
      if (existing.isEmpty()) {
        continue; // released or purged between our insert and read
      }
      Row row = existing.get();
      if (!row.expiresAt().isAfter(now)) {
        jdbc.sql(
                "DELETE FROM platform_idempotency_key"
                    + " WHERE scope = :scope AND idem_key = :key AND expires_at <= :now")
            .param("scope", scope)
            .param("key", key)
            .param("now", utc(now))
            .update();
        continue;
      }
      if (!row.fingerprint().equals(fingerprint)) {
        return new Claim.Mismatch();
      }
      if (COMPLETED.equals(row.state())) {
        return new Claim.Replay(row.response());
      }
      if (row.lockedUntil().isAfter(now)) {
        return new Claim.InProgress();
      }
      int taken =
          jdbc.sql(
                  "UPDATE platform_idempotency_key SET locked_until = :lockedUntil,"
                      + " claim_token = :token"
                      + " WHERE scope = :scope AND idem_key = :key AND state = 'IN_PROGRESS'"
                      + " AND locked_until <= :now")
              .param("lockedUntil", utc(now.plus(lockTimeout)))
              .param("token", token)
              .param("scope", scope)
              .param("key", key)
              .param("now", utc(now))
              .update();
      return taken == 1 ? new Claim.Claimed(token) : new Claim.InProgress();
    }
    return new Claim.InProgress();
  }

  @Override
  public boolean complete(String scope, String key, String token, StoredResponse response) {
    return jdbc.sql(
                "UPDATE platform_idempotency_key SET state = 'COMPLETED', response_status = :status,"
                    + " response_headers = :headers, response_body = :body"
                    + " WHERE scope = :scope AND idem_key = :key AND claim_token = :token"
                    + " AND state = 'IN_PROGRESS'")
            .param("status", response.status())
            .param("headers", response.encodedHeaders())
            .param("body", response.body())
            .param("scope", scope)
            .param("key", key)
            .param("token", token)
            .update()
        == 1;
  }

  @Override
  public void release(String scope, String key, String token) {
    jdbc.sql(
            "DELETE FROM platform_idempotency_key WHERE scope = :scope AND idem_key = :key"
                + " AND claim_token = :token AND state = 'IN_PROGRESS'")
        .param("scope", scope)
        .param("key", key)
        .param("token", token)
        .update();
  }

  @Override
  public int purgeExpired(Instant now) {
    return jdbc.sql("DELETE FROM platform_idempotency_key WHERE expires_at <= :now")
        .param("now", utc(now))
        .update();
  }

  private boolean insert(
      String scope,
      String key,
      String token,
      String fingerprint,
      Instant now,
      Duration lockTimeout,
      Duration retention) {
    try {
      jdbc.sql(
              "INSERT INTO platform_idempotency_key"
                  + " (scope, idem_key, claim_token, fingerprint, state, locked_until, expires_at)"
                  + " VALUES (:scope, :key, :token, :fingerprint, :state, :lockedUntil, :expiresAt)")
          .param("scope", scope)
          .param("key", key)
          .param("token", token)
          .param("fingerprint", fingerprint)
          .param("state", IN_PROGRESS)
          .param("lockedUntil", utc(now.plus(lockTimeout)))
          .param("expiresAt", utc(now.plus(retention)))
          .update();
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  private Optional<Row> find(String scope, String key) {
    return jdbc.sql(
            "SELECT fingerprint, state, locked_until, expires_at, response_status,"
                + " response_headers, response_body FROM platform_idempotency_key"
                + " WHERE scope = :scope AND idem_key = :key")
        .param("scope", scope)
        .param("key", key)
        .query(
            (rs, n) ->
                new Row(
                    rs.getString("fingerprint"),
                    rs.getString("state"),
                    rs.getObject("locked_until", OffsetDateTime.class).toInstant(),
                    rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                    new StoredResponse(
                        rs.getInt("response_status"),
                        StoredResponse.decodeHeaders(
                            Optional.ofNullable(rs.getString("response_headers")).orElse("")),
                        Optional.ofNullable(rs.getBytes("response_body")).orElse(new byte[0]))))
        .optional();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private record Row(
      String fingerprint,
      String state,
      Instant lockedUntil,
      Instant expiresAt,
      StoredResponse response) {}
}
