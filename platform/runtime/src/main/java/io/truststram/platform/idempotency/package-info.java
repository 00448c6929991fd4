/**
 * {@code Idempotency-Key} for mutating requests: a retried request with the same key gets the first
 * response again instead of repeating its effect.
 */
@NullMarked
package io.truststram.platform.idempotency;

import org.jspecify.annotations.NullMarked;
