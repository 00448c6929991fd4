/**
 * Shapley values of any model: Kernel SHAP, exact enumeration, permutation sampling, and linear
 * SHAP.
 */
@NullMarked
package io.truststram.explain.shap;

import org.jspecify.annotations.NullMarked;
