package io.truststram.crypto;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;

/**
 * Key material was destroyed: the whole key ({@code belowVersion} 0) or its versions below {@code
 * belowVersion} (trimmed).
 */
public record KeyDestroyed(
    TenantId tenant, String name, int belowVersion, String destroyedBy, Instant at) {}
