package io.truststram.federation;

import io.truststram.common.tenant.TenantId;
import java.time.Instant;
import java.util.UUID;

/**
 * A node sent a cryptographic proof that did not verify: a Paillier committee member's partial
 * decryption whose proof of correctness fails, or whose verification key is not the one dealt to
 * the member it claims to be. The coordinator refuses it; the trust service counts it as strong
 * negative evidence about the node (an honest node's proofs verify; one that fails is broken or
 * cheating).
 *
 * @param federationId the federation
 * @param tenant its owner, in whose trust graph the evidence goes
 * @param round the round
 * @param attempt its attempt
 * @param node the node that sent it
 * @param what which check failed: {@code partial-decryption} or {@code verification-key}
 * @param detail why, as the refusal said
 * @param at when it was refused
 */
public record ProofRejected(
    UUID federationId,
    TenantId tenant,
    int round,
    int attempt,
    UUID node,
    String what,
    String detail,
    Instant at) {}
