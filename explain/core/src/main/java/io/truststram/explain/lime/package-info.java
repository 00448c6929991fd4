/** LIME for tabular data, with lime's defaults. */
@NullMarked
package io.truststram.explain.lime;

import org.jspecify.annotations.NullMarked;
