/**
 * Secure aggregation: the client-side building blocks of SecAgg+ (quantisation into a ring, masks
 * from shared seeds) over {@code crypto/core}'s secret sharing and mask generator. The protocol's
 * stages and their coordination are being built (issue 7).
 */
@NullMarked
package io.truststram.federation.secagg;

import org.jspecify.annotations.NullMarked;
