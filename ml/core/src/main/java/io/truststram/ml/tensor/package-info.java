/** Dense parameter vectors and the kernels aggregation runs in its inner loop. */
@NullMarked
package io.truststram.ml.tensor;

import org.jspecify.annotations.NullMarked;
