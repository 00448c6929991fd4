package io.truststram.federation;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A round of a federation closed and produced the next global model.
 *
 * @param federationId the federation
 * @param tenant its owner
 * @param round the round (1-based); the new model's version
 * @param updates how many client updates it aggregated
 * @param examples the training examples behind them
 * @param modelSha256 the SHA-256 of the new global model's safetensors file
 * @param metrics the example-weighted means of what clients reported (e.g. {@code train.loss},
 *     {@code evaluate.accuracy})
 * @param completedAt when
 */
public record RoundCompleted(
    UUID federationId,
    TenantId tenant,
    int round,
    int updates,
    long examples,
    String modelSha256,
    Map<String, Double> metrics,
    Instant completedAt) {}
