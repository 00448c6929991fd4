/** Splitting data sets among federated clients. */
@NullMarked
package io.truststram.ml.partition;

import org.jspecify.annotations.NullMarked;
