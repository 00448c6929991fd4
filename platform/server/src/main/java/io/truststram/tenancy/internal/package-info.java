/** Tenancy internals: the service, its store and its REST controller. */
@NullMarked
package io.truststram.tenancy.internal;

import org.jspecify.annotations.NullMarked;
