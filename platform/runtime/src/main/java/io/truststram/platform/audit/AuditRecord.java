package io.truststram.platform.audit;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One thing that happened, for the audit trail: who did what to which resource, with what outcome,
 * when, and in which request. Published as an event; the audit service appends it to the log of its
 * tenant (or to the platform's own log when the tenant is not known, as for a request with no valid
 * token).
 *
 * <p>Details are short strings and never hold secrets, key material or request bodies.
 *
 * @param id unique per record: a record delivered twice is appended once
 * @param tenant the tenant it happened in, or null when unknown
 * @param principal the subject that acted ({@code anonymous} before authentication, {@code system}
 *     for the platform's own scheduled work)
 * @param client the OAuth client it acted through, if any
 * @param action what was done, e.g. {@code POST /api/v1/crypto/keys} or {@code crypto.key.rotated}
 * @param resource what it was done to, e.g. a request path or a key name
 * @param outcome how it ended
 * @param requestId the request it belongs to, if any
 * @param time when it happened
 * @param details more, as short strings
 */
public record AuditRecord(
    UUID id,
    @Nullable TenantId tenant,
    String principal,
    @Nullable String client,
    String action,
    String resource,
    Outcome outcome,
    @Nullable String requestId,
    Instant time,
    Map<String, String> details) {

  /** How an action ended. */
  public enum Outcome {
    /** It was done. */
    SUCCESS,
    /** It was asked for and failed (bad input, conflict, an error). */
    FAILURE,
    /** It was refused: no valid credentials, or not permitted. */
    DENIED
  }

  public AuditRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(time, "time");
    details = Map.copyOf(details);
  }

  /** A record of the platform's own doing (a scheduled rotation, a round closing). */
  public static AuditRecord system(
      TenantId tenant, String action, String resource, Instant time, Map<String, String> details) {
    return new AuditRecord(
        UUID.randomUUID(),
        tenant,
        "system",
        null,
        action,
        resource,
        Outcome.SUCCESS,
        null,
        time,
        details);
  }
}
