package io.truststram.federation;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.UUID;

/**
 * A federation began training: the registry, audit and trust services listen.
 *
 * @param federationId the federation
 * @param tenant its owner
 * @param strategy the strategy's registry name
 * @param rounds how many rounds it will run
 * @param startedAt when
 */
public record FederationStarted(
    UUID federationId, TenantId tenant, String strategy, int rounds, Instant startedAt) {}
