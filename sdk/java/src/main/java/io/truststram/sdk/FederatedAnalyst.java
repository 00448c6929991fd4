package io.truststram.sdk;

import java.util.Map;

/**
 * What a node computes for a federated analysis: a summary of its own data, a vector of numbers the
 * coordinator adds to the other nodes' (confusion counts per group for {@code fairness}, sums of
 * attributions for {@code importance}). The rows never leave the node. {@link FederatedAnalysts}
 * has the built-in kinds.
 */
@FunctionalInterface
public interface FederatedAnalyst {

  /**
   * An analysis the coordinator asks for.
   *
   * @param id the analysis
   * @param kind its kind ({@code fairness}, {@code importance} ...)
   * @param spec its parameters, as the owner gave them
   * @param modelVersion the global model version to analyse
   * @param length how many numbers the summary has
   */
  record Task(String id, String kind, Map<String, Object> spec, int modelVersion, int length) {}

  /**
   * The node's summary for {@code task}, computed with the global model {@code model}.
   *
   * @throws Declined when this node does not take part (a kind it does not run, a category it
   *     cannot map): the analysis goes on without it
   */
  double[] summarise(Task task, float[] model);

  /** This node declines the analysis, with the reason the owner reads. */
  final class Declined extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Declined(String reason) {
      super(reason);
    }
  }
}
