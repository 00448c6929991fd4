/** Gateway internals: the filters and their configuration. */
@NullMarked
package io.truststram.gateway.internal;

import org.jspecify.annotations.NullMarked;
