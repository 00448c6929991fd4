/** Strict reading and writing of the safetensors format. */
@NullMarked
package io.truststram.ml.safetensors;

import org.jspecify.annotations.NullMarked;
