package io.truststram.crypto;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;

/** A named key was created in a tenant, with its first version. */
public record KeyCreated(TenantId tenant, String name, String type, String createdBy, Instant at) {}
