package io.truststram.trust.internal;

import io.truststram.crypto.KeyAttestationWithdrawn;
import io.truststram.crypto.KeyAttested;
import io.truststram.trust.TrustScores;
import java.util.List;
import java.util.Map;
import org.springframework.scheduling.annotation.Async;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The key manager's attestations as evidence: each {@link KeyAttested} is positive evidence of kind
 * {@code crypto.key-attested} about its subject (entering the graph as an entity of the attested
 * type when it is new), weighing {@value #WEIGHT} of a federation round's outcome: an attested,
 * non-exportable key means the subject's signatures can only come from the key manager. The
 * evidence has the attestation's id, and leaves the graph when the attestation is withdrawn ({@link
 * KeyAttestationWithdrawn}: the key version it named was destroyed).
 */
class AttestationEvidence {

  /** An attestation's weight as evidence, against 1 for an update's outcome. */
  static final double WEIGHT = 2;

  private final TrustScores trust;

  AttestationEvidence(TrustScores trust) {
    this.trust = trust;
  }

  @Async
  @TransactionalEventListener
  void on(KeyAttested event) {
    trust.observe(
        event.tenant(),
        List.of(
            new TrustScores.Observation(
                event.subject(),
                event.subjectType(),
                "crypto.key-attested",
                true,
                WEIGHT,
                event.at(),
                Map.of(
                    "attestation", event.id().toString(),
                    "key", event.name(),
                    "version", Integer.toString(event.version()),
                    "algorithm", event.algorithm(),
                    "attestedBy", event.attestedBy()),
                event.id())),
        List.of());
  }

  /** A withdrawn attestation (its key version destroyed) takes its evidence back. */
  @Async
  @TransactionalEventListener
  void on(KeyAttestationWithdrawn event) {
    trust.withdraw(event.tenant(), event.id());
  }
}
