/** Identifier generation: time-ordered UUIDs (RFC 9562 version 7). */
@NullMarked
package io.truststram.common.id;

import org.jspecify.annotations.NullMarked;
