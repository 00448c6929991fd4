/**
 * Audit: the audit trail. An append-only log per tenant, hashed as an RFC 9162 Merkle tree in the
 * relational store, fed with every state-changing request and security event of every service
 * ({@link io.truststram.platform.audit.AuditRecord}) and with the services' domain events; signed
 * checkpoints by the tenant's audit key in the key manager; inclusion and consistency proofs;
 * queries; and exports that verify offline. The hashing and proofs are {@code audit/core}'s.
 *
 * <p>API: {@link io.truststram.audit.AuditProblems}. REST: {@code /api/v1/audit}.
 */
@NullMarked
@ApplicationModule(displayName = "Audit")
package io.truststram.audit;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
