/** The explanation service's internals: controllers, stores, the cache, plots and reports. */
@NullMarked
package io.truststram.explain.internal;

import org.jspecify.annotations.NullMarked;
