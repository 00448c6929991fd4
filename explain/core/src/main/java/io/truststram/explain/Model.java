package io.truststram.explain;

/**
 * A model to explain: a batched prediction function from rows of {@link #features} values to {@link
 * #outputs} values each (a margin, a probability, a regression value). Implementations are safe to
 * call from several threads at once.
 */
public interface Model {

  /** The number of input values of a row. */
  int features();

  /** The number of outputs of a row (1 for a regression or a binary margin). */
  int outputs();

  /**
   * Predicts {@code rows}, writing row r's outputs into {@code out[r]} (overwritten).
   *
   * @throws IllegalArgumentException when a row has the wrong length
   */
  void predict(double[][] rows, double[][] out);

  /** The outputs of {@code rows}, one array per row. */
  default double[][] predict(double[][] rows) {
    double[][] out = new double[rows.length][outputs()];
    predict(rows, out);
    return out;
  }
}
