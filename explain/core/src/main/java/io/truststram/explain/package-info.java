/**
 * Explanations of models: Shapley values in their exact, kernel, tree and linear forms, over any
 * {@link io.truststram.explain.Model} (a batched prediction function) or a tree ensemble imported
 * from XGBoost. Plain Java: the CLI, the SDK and the explanation service use it as it is.
 */
@NullMarked
package io.truststram.explain;

import org.jspecify.annotations.NullMarked;
