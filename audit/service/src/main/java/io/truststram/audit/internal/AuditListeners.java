package io.truststram.audit.internal;

import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.KeyAttestationWithdrawn;
import io.truststram.crypto.KeyAttested;
import io.truststram.crypto.KeyCreated;
import io.truststram.crypto.KeyDestroyed;
import io.truststram.crypto.KeyRotated;
import io.truststram.crypto.KeyUsed;
import io.truststram.federation.FederationCompleted;
import io.truststram.federation.FederationStarted;
import io.truststram.federation.RoundCompleted;
import io.truststram.federation.UpdatesScored;
import io.truststram.identity.TenantCreated;
import io.truststram.platform.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.scheduling.annotation.Async;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Appends what the other services publish: every request record ({@link AuditRecord}) and the
 * domain events that change state without a request (scheduled rotations, rounds closing).
 *
 * <p>Each listener returns only once its entry is durable; until then the event publication
 * registry holds the event and delivers it again after a failure or a crash. A domain event's entry
 * id is derived from its content, so a second delivery is recognised and not appended twice.
 *
 * <p>They are asynchronous transactional listeners, but not transactional themselves (unlike
 * {@code @ApplicationModuleListener}): a listener waits for the writer's commit, and waiting while
 * holding a connection of its own would let a burst of events take the whole pool and leave the
 * writer none (seen in a test, before this was so).
 */
class AuditListeners {

  private final AuditLog log;

  AuditListeners(AuditLog log) {
    this.log = log;
  }

  @Async
  @TransactionalEventListener
  void on(AuditRecord record) {
    log.append(record);
  }

  @Async
  @TransactionalEventListener
  void on(KeyCreated event) {
    append(
        event.tenant(),
        event.createdBy(),
        "crypto.key.created",
        "crypto/keys/" + event.name(),
        event.at(),
        Map.of("type", event.type()),
        "KeyCreated|" + event.name() + "|" + event.at());
  }

  @Async
  @TransactionalEventListener
  void on(KeyRotated event) {
    append(
        event.tenant(),
        event.automatic() ? "system" : "api",
        "crypto.key.rotated",
        "crypto/keys/" + event.name(),
        event.at(),
        Map.of(
            "version", Integer.toString(event.version()),
            "automatic", Boolean.toString(event.automatic())),
        "KeyRotated|" + event.name() + "|" + event.version());
  }

  @Async
  @TransactionalEventListener
  void on(KeyDestroyed event) {
    append(
        event.tenant(),
        event.destroyedBy(),
        event.belowVersion() == 0 ? "crypto.key.deleted" : "crypto.key.trimmed",
        "crypto/keys/" + event.name(),
        event.at(),
        Map.of("belowVersion", Integer.toString(event.belowVersion())),
        "KeyDestroyed|" + event.name() + "|" + event.belowVersion() + "|" + event.at());
  }

  @Async
  @TransactionalEventListener
  void on(KeyAttested event) {
    append(
        event.tenant(),
        event.attestedBy(),
        "crypto.key.attested",
        "crypto/keys/" + event.name(),
        event.at(),
        attestation(event.id(), event.version(), event.subject(), event.subjectType()),
        "KeyAttested|" + event.id());
  }

  /** What an audit entry about an attestation records of it. */
  private static Map<String, String> attestation(
      java.util.UUID id, int version, String subject, String subjectType) {
    return Map.of(
        "attestation",
        id.toString(),
        "version",
        Integer.toString(version),
        "subject",
        subject,
        "subjectType",
        subjectType);
  }

  @Async
  @TransactionalEventListener
  void on(KeyAttestationWithdrawn event) {
    append(
        event.tenant(),
        event.withdrawnBy(),
        "crypto.key.attestation-withdrawn",
        "crypto/keys/" + event.name(),
        event.at(),
        attestation(event.id(), event.version(), event.subject(), event.subjectType()),
        "KeyAttestationWithdrawn|" + event.id());
  }

  @Async
  @TransactionalEventListener
  void on(KeyUsed event) {
    append(
        event.tenant(),
        event.principal(),
        "crypto.key.used",
        "crypto/keys/" + event.name(),
        event.to(),
        Map.of(
            "operation", event.operation(),
            "succeeded", Long.toString(event.succeeded()),
            "failed", Long.toString(event.failed()),
            "from", event.from().toString()),
        "KeyUsed|"
            + event.name()
            + "|"
            + event.operation()
            + "|"
            + event.principal()
            + "|"
            + event.from());
  }

  @Async
  @TransactionalEventListener
  void on(TenantCreated event) {
    append(
        event.tenantId(),
        "system",
        "identity.tenant.created",
        "tenants/" + event.tenantId().value(),
        event.createdAt(),
        Map.of("slug", event.slug()),
        "TenantCreated|" + event.tenantId().value());
  }

  @Async
  @TransactionalEventListener
  void on(FederationStarted event) {
    append(
        event.tenant(),
        "system",
        "federation.started",
        "federations/" + event.federationId(),
        event.startedAt(),
        Map.of("strategy", event.strategy(), "rounds", Integer.toString(event.rounds())),
        "FederationStarted|" + event.federationId());
  }

  @Async
  @TransactionalEventListener
  void on(RoundCompleted event) {
    append(
        event.tenant(),
        "system",
        "federation.round.completed",
        "federations/" + event.federationId() + "/rounds/" + event.round(),
        event.completedAt(),
        roundDetails(event),
        "RoundCompleted|" + event.federationId() + "|" + event.round());
  }

  /** A round's size and model, and the privacy spent with it when the federation counts it. */
  private static Map<String, String> roundDetails(RoundCompleted event) {
    Map<String, String> details = new java.util.TreeMap<>();
    details.put("updates", Integer.toString(event.updates()));
    details.put("examples", Long.toString(event.examples()));
    details.put("modelSha256", event.modelSha256());
    Double epsilon = event.metrics().get("privacy.epsilon");
    if (epsilon != null) {
      details.put("epsilonSpent", Double.toString(epsilon));
    }
    return details;
  }

  /** Rounds where attack detection flagged an update or quarantined a node. */
  @Async
  @TransactionalEventListener
  void on(UpdatesScored event) {
    if (event.flagged() == 0 && event.quarantined().isEmpty()) {
      return;
    }
    StringBuilder flagged = new StringBuilder();
    int listed = 0;
    for (UpdatesScored.Score score : event.scores()) {
      if (score.flagged() && listed++ < 16) {
        flagged.append(flagged.isEmpty() ? "" : ",");
        flagged.append(score.nodeId()).append(':').append(String.join("+", score.reasons()));
      }
    }
    append(
        event.tenant(),
        "system",
        "federation.updates.flagged",
        "federations/" + event.federationId() + "/rounds/" + event.round(),
        event.scoredAt(),
        Map.of(
            "flaggedCount",
            Long.toString(event.flagged()),
            "flagged",
            flagged.toString(),
            "quarantined",
            String.join(",", event.quarantined().stream().map(UUID::toString).toList())),
        "UpdatesScored|" + event.federationId() + "|" + event.round());
  }

  @Async
  @TransactionalEventListener
  void on(FederationCompleted event) {
    append(
        event.tenant(),
        "system",
        "federation.completed",
        "federations/" + event.federationId(),
        event.endedAt(),
        Map.of(
            "state", event.state(),
            "rounds", Integer.toString(event.rounds()),
            "modelSha256", event.modelSha256(),
            "reason", event.reason()),
        "FederationCompleted|" + event.federationId());
  }

  private void append(
      TenantId tenant,
      String principal,
      String action,
      String resource,
      Instant time,
      Map<String, String> details,
      String identity) {
    UUID id =
        UUID.nameUUIDFromBytes((tenant.value() + "|" + identity).getBytes(StandardCharsets.UTF_8));
    log.append(
        new AuditRecord(
            id,
            tenant,
            principal,
            null,
            action,
            resource,
            AuditRecord.Outcome.SUCCESS,
            null,
            time,
            details));
  }
}
