/**
 * Group fairness of a classifier's predictions, with Fairlearn's names and AIF360's signed metrics,
 * and reweighing.
 */
@NullMarked
package io.truststram.explain.fairness;

import org.jspecify.annotations.NullMarked;
