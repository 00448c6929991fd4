/** Tabular data sets: CSV with a schema, UCI Adult, FedProx's Synthetic generator. */
@NullMarked
package io.truststram.ml.data;

import org.jspecify.annotations.NullMarked;
