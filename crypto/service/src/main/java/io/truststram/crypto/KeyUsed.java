package io.truststram.crypto;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;

/**
 * A key was used by a principal for an operation, {@code succeeded} and {@code failed} times,
 * between {@code from} and {@code to}: the key manager's data operations summed per minute rather
 * than one event each.
 */
public record KeyUsed(
    TenantId tenant,
    String name,
    String operation,
    String principal,
    long succeeded,
    long failed,
    Instant from,
    Instant to) {}
