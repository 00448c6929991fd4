package io.truststram.federation;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A federation ended: trained all its rounds ({@code COMPLETED}) or gave up ({@code FAILED}). The
 * registry takes the final model from here.
 *
 * @param federationId the federation
 * @param tenant its owner
 * @param state {@code COMPLETED} or {@code FAILED}
 * @param rounds the rounds completed
 * @param modelSha256 the SHA-256 of the final global model's safetensors file
 * @param provenance how the model came to be: strategy and parameters, model, rounds, seed, the
 *     participants' data hashes as their nodes reported them, the code version
 * @param reason why it failed, empty when it completed
 * @param endedAt when
 */
public record FederationCompleted(
    UUID federationId,
    TenantId tenant,
    String state,
    int rounds,
    String modelSha256,
    Map<String, String> provenance,
    String reason,
    Instant endedAt) {}
