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

  /** A short description, e.g. {@code softmax(60 -> 10)}, recorded in provenance. */
  String describe();
}
