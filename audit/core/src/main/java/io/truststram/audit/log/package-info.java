/**
 * The verifiable log under the audit trail, after RFC 9162 (Certificate Transparency 2.0): Merkle
 * tree hashing of entries, inclusion and consistency proofs and their verification, and signed
 * checkpoints (tree size, root hash, time) that anyone holding the public key can check offline.
 */
@NullMarked
package io.truststram.audit.log;

import org.jspecify.annotations.NullMarked;
