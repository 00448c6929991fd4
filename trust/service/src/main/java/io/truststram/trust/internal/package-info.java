/** The trust service's internals: the graph store port and its adapters, scoring, REST. */
@NullMarked
package io.truststram.trust.internal;

import org.jspecify.annotations.NullMarked;
