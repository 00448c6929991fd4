package io.truststram.explain.internal;

import io.truststram.explain.counterfactual.Counterfactuals;
import io.truststram.explain.counterfactual.Desired;
import io.truststram.explain.counterfactual.Space;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a counterfactual request asks: the outcome (a class, or a range of an output), the
 * constraints on the changes and the search's settings, by the REST API's names.
 *
 * @param desiredClass the class asked for; null for the other class of a binary model
 * @param desiredRange {low, high} of {@code output}, instead of a class
 * @param threshold a one-output model's decision threshold (0.5)
 * @param immutable features that may not change
 * @param integer features that take whole numbers
 * @param oneHot prefixes of one-hot groups ({@code PREFIX_x} or {@code PREFIX=x} columns)
 * @param ranges per feature, {low, high}: an allowed range narrower than the background's
 * @param search {@code genetic} (default, any model) or {@code gradient} (our models)
 */
record CounterfactualSpec(
    @Nullable Integer desiredClass,
    @Nullable List<Double> desiredRange,
    @Nullable Integer output,
    @Nullable Double threshold,
    @Nullable List<String> immutable,
    @Nullable List<String> integer,
    @Nullable List<String> oneHot,
    @Nullable Map<String, List<Double>> ranges,
    @Nullable Integer maxChanged,
    @Nullable Integer count,
    @Nullable Integer iterations,
    @Nullable String search) {

  /** The space the background spans, narrowed and constrained as asked. */
  Space space(List<String> features, double[][] background) {
    Space space = Space.of(features, background);
    if (ranges != null) {
      for (Map.Entry<String, List<Double>> range : ranges.entrySet()) {
        List<Double> bounds = range.getValue();
        if (bounds == null || bounds.size() != 2 || bounds.contains(null)) {
          throw new IllegalArgumentException(
              "the range of '" + range.getKey() + "' is [low, high]");
        }
        space = space.withRange(range.getKey(), bounds.get(0), bounds.get(1));
      }
    }
    return space
        .withImmutable(immutable == null ? List.of() : immutable)
        .withIntegers(integer == null ? List.of() : integer)
        .withGroupsByPrefix(oneHot == null ? List.of() : oneHot);
  }

  /** The outcome asked for a row whose outputs are {@code outputs}. */
  Desired desired(double[] outputs) {
    double cut = threshold == null ? 0.5 : threshold;
    if (desiredRange != null) {
      if (desiredRange.size() != 2 || desiredRange.contains(null)) {
        throw new IllegalArgumentException("desiredRange is [low, high]");
      }
      return new Desired.Range(
          output == null ? 0 : output, desiredRange.get(0), desiredRange.get(1));
    }
    if (desiredClass != null) {
      return new Desired.Class(desiredClass, cut);
    }
    try {
      return Desired.opposite(outputs, cut);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " with desiredClass");
    }
  }

  Counterfactuals.Options options(long seed) {
    Counterfactuals.Options d = Counterfactuals.Options.DEFAULT;
    return new Counterfactuals.Options(
        count == null ? d.count() : count,
        maxChanged == null ? 0 : maxChanged,
        d.proximityWeight(),
        d.sparsityWeight(),
        d.diversityWeight(),
        iterations == null ? d.iterations() : iterations,
        d.population(),
        seed);
  }

  boolean gradient() {
    if (search != null && !search.equals("genetic") && !search.equals("gradient")) {
      throw new IllegalArgumentException("search is genetic or gradient, not '" + search + "'");
    }
    return "gradient".equals(search);
  }
}
