/** Federated-learning strategies and their registry. */
@NullMarked
package io.truststram.federation.strategy;

import org.jspecify.annotations.NullMarked;
