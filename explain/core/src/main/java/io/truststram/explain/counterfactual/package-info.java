/**
 * Counterfactual explanations: the nearest changes to a row that give the outcome asked for, under
 * constraints (immutable features, allowed ranges, whole one-hot groups, a limit on the features
 * changed), several and diverse, or an explicit "none found". A model-agnostic genetic search in
 * the manner of DiCE (Mothilal, Sharma and Tan 2020) and the gradient-based search of Wachter,
 * Mittelstadt and Russell (2017) for differentiable models.
 */
@NullMarked
package io.truststram.explain.counterfactual;

import org.jspecify.annotations.NullMarked;
