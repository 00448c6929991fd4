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

  /** A batched prediction: rows in, outputs written into {@code out[row]}. */
  @FunctionalInterface
  interface Predictor {
    void predict(double[][] rows, double[][] out);
  }

  /** A model of {@code features} inputs and {@code outputs} outputs from its prediction. */
  static Model of(int features, int outputs, Predictor predictor) {
    return new Model() {
      @Override
      public int features() {
        return features;
      }

      @Override
      public int outputs() {
        return outputs;
      }

      @Override
      public void predict(double[][] rows, double[][] out) {
        predictor.predict(rows, out);
      }
    };
  }

  /** A one-output model from a function of one row. */
  static Model scalar(int features, java.util.function.ToDoubleFunction<double[]> function) {
    return of(
        features,
        1,
        (rows, out) -> {
          for (int r = 0; r < rows.length; r++) {
            out[r][0] = function.applyAsDouble(rows[r]);
          }
        });
  }

  /** The outputs of {@code rows}, one array per row. */
  default double[][] predict(double[][] rows) {
    double[][] out = new double[rows.length][outputs()];
    predict(rows, out);
    return out;
  }
}
