/** Identity internals: configuration, properties, first-start bootstrap. */
@NullMarked
package io.truststram.identity.internal;

import org.jspecify.annotations.NullMarked;
