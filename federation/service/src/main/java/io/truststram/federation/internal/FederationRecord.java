package io.truststram.federation.internal;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A federation as stored.
 *
 * @param state its lifecycle state
 * @param currentRound the last round started (0 before the first)
 * @param seed the seed of the federation's random choices (initial model, sampling)
 * @param modelSha256 the final model's SHA-256, once it completed
 * @param failure why it failed, when it did
 */
record FederationRecord(
    UUID id,
    TenantId tenant,
    String name,
    String strategy,
    Map<String, String> strategyParameters,
    String modelKind,
    int modelInputs,
    int modelClasses,
    List<Integer> modelHidden,
    int rounds,
    int clientsPerRound,
    int minClients,
    int roundTimeoutSeconds,
    State state,
    int currentRound,
    long seed,
    @Nullable String modelSha256,
    @Nullable String failure,
    String createdBy,
    Instant createdAt,
    Instant updatedAt) {

  /** Lifecycle states; transitions go forward only. */
  enum State {
    CREATED,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED
  }
}
