package io.truststram.crypto;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;

/** A named key got a new latest version ({@code automatic} when its rotation period did it). */
public record KeyRotated(
    TenantId tenant, String name, int version, boolean automatic, Instant at) {}
