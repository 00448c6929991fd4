/**
 * Explanations from a model's input gradients: integrated gradients (Sundararajan, Taly and Yan
 * 2017) and gradient-based counterfactuals.
 */
@NullMarked
package io.truststram.explain.gradient;

import org.jspecify.annotations.NullMarked;
