/** Tenancy internals: the service, its store and its REST controller. */
@NullMarked
package io.truststram.identity.internal.tenant;

import org.jspecify.annotations.NullMarked;
