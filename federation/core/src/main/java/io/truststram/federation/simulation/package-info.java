/** Federations run in one process. */
@NullMarked
package io.truststram.federation.simulation;

import org.jspecify.annotations.NullMarked;
