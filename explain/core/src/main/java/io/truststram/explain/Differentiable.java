package io.truststram.explain;

/**
 * A model whose outputs have gradients with respect to its inputs: what integrated gradients and
 * gradient-based counterfactuals need. Implementations are safe to call from several threads.
 */
public interface Differentiable extends Model {

  /**
   * The outputs of {@code row}, written into {@code outputs}, and the gradient of output {@code
   * output} with respect to the row, written into {@code gradient} (one value per feature).
   *
   * @throws IllegalArgumentException when the row has the wrong length
   */
  void gradient(double[] row, int output, double[] outputs, double[] gradient);
}
