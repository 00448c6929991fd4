package io.truststram.federation;

import java.util.Map;

/**
 * A kind of federated analysis: a statistic the coordinator computes across a federation's
 * participants without their rows. Each participating node sends a summary of its own data as a
 * vector of numbers; the coordinator adds the vectors and turns the sum into the result. The
 * statistic must therefore be a function of a sum of per-node summaries (counts, sums of values),
 * so that the federated result equals the one computed on the union of the data.
 *
 * <p>Other modules contribute kinds as beans (the explain service registers {@code fairness} and
 * {@code importance}); the coordinator knows none of them.
 */
public interface FederatedAnalysis {

  /** The kind's name in requests: lower case, like {@code fairness}. */
  String kind();

  /**
   * Checks a request's parameters and says how many numbers each node's summary has.
   *
   * @throws IllegalArgumentException with a reason a caller can act on, when they are unusable
   */
  int length(Map<String, Object> spec);

  /**
   * Checks one node's summary beyond its length and finiteness (counts are whole and not negative,
   * for example).
   *
   * @throws IllegalArgumentException with the reason, when the summary cannot be right
   */
  void check(Map<String, Object> spec, double[] summary);

  /**
   * Whether every summary is whole numbers (counts). Only such kinds run on federations that
   * aggregate securely: secure aggregation sums on a grid of whole numbers, so their sum is exact;
   * sums of real values would be rounded.
   */
  default boolean wholeNumbers() {
    return false;
  }

  /**
   * The result of the sum of {@code contributors} nodes' summaries, as JSON takes it.
   *
   * @throws IllegalArgumentException when the sum gives no result (every row in one group, say)
   */
  Map<String, Object> result(Map<String, Object> spec, double[] sum, int contributors);
}
