package io.truststram.crypto;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.UUID;

/**
 * An attestation ({@code id}, as in {@link KeyAttested}) no longer holds: version {@code version}
 * of key {@code name}, which it named for {@code subject}, was destroyed (the key deleted, or its
 * old versions trimmed) by {@code withdrawnBy}.
 */
public record KeyAttestationWithdrawn(
    TenantId tenant,
    UUID id,
    String name,
    int version,
    String subject,
    String subjectType,
    String withdrawnBy,
    Instant at) {}
