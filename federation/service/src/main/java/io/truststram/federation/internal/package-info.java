/** The coordinator's internals: federations, participants, their REST API and storage. */
@NullMarked
package io.truststram.federation.internal;

import org.jspecify.annotations.NullMarked;
