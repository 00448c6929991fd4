package io.truststram.ml.model;

import io.truststram.ml.data.Dataset;

/**
 * A classifier's architecture, with its parameters kept outside it as one flat {@code float}
 * vector: the unit federated learning sends, averages and checkpoints. Implementations are
 * stateless and safe to share between threads.
 */
public interface Classifier {

  /** The number of parameters. */
  int parameterCount();

  /** The number of input features. */
  int inputs();

  /** The number of classes. */
  int classes();

  /** Parameters to start training from, reproducible from {@code seed}. */
  float[] initialParameters(long seed);

  /**
   * The mean cross-entropy loss over {@code rows} of {@code data}, and its gradient with respect to
   * the parameters written into {@code gradient} (overwritten, not accumulated).
   */
  double lossAndGradient(float[] parameters, Dataset data, int[] rows, float[] gradient);

  /** The class probabilities for {@code row} of {@code data}, written into {@code out}. */
  void probabilities(float[] parameters, Dataset data, int row, double[] out);

  /**
   * The class probabilities of one input {@code x} (of {@link #inputs()} values), written into
   * {@code out}: the same as {@link #probabilities(float[], Dataset, int, double[])} for a row
   * holding {@code x}, without a data set.
   */
  void probabilities(float[] parameters, double[] x, double[] out);

  /**
   * The gradient of class {@code output}'s probability with respect to the input {@code x}, written
   * into {@code gradient} (one value per input), with every class's probability written into {@code
   * probabilities}. Where the model is not differentiable (a ReLU at exactly 0) the derivative from
   * the right is used for active units and 0 for inactive ones, as automatic differentiation
   * libraries do.
   */
  void inputGradient(
      float[] parameters, double[] x, int output, double[] probabilities, double[] gradient);

  /** A short description, e.g. {@code softmax(60 -> 10)}, recorded in provenance. */
  String describe();
}
