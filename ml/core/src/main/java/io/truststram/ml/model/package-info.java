/** Classifiers, their training with SGD, metrics and provenance. */
@NullMarked
package io.truststram.ml.model;

import org.jspecify.annotations.NullMarked;
