package io.truststram.crypto;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.UUID;

/**
 * The key manager attested that it holds version {@code version} of key {@code name} for {@code
 * subject} (an entity of the trust graph, of type {@code subjectType}) and will not release its
 * private key: the first attestation of that version for the subject ({@code id}, as in the signed
 * statement).
 */
public record KeyAttested(
    TenantId tenant,
    UUID id,
    String name,
    int version,
    String algorithm,
    String subject,
    String subjectType,
    String attestedBy,
    Instant at) {}
