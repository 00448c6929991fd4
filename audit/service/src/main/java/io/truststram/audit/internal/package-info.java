/** The audit service's storage, writer, checkpoints, listeners and REST API. */
@NullMarked
package io.truststram.audit.internal;

import org.jspecify.annotations.NullMarked;
