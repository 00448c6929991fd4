package io.truststram.federation;

import io.truststram.federation.strategy.LocalTraining;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a federated-learning client implements: train the global model on local data, and evaluate a
 * model on local data. The Java SDK connects an implementation to a coordinator; the simulation
 * runs many in one process. Implementations never send their data anywhere.
 */
public interface FederatedClient {

  /** A stable identifier of the client. */
  String id();

  /** How many training examples it has (its aggregation weight). */
  long examples();

  /**
   * Trains from {@code parameters} as {@code training} says, taking at most {@code maxSteps}
   * optimiser steps (0: no limit; a straggler's partial work), reproducibly from {@code seed}.
   */
  Fit fit(float[] parameters, LocalTraining training, int maxSteps, long seed);

  /** Evaluates {@code parameters} on local held-out data. */
  Evaluation evaluate(float[] parameters);

  /**
   * The lower-case hex SHA-256 of the local training data, reported with each update for the
   * trained model's provenance (the data itself never leaves); null when the client keeps it to
   * itself.
   */
  default @Nullable String trainingDataHash() {
    return null;
  }

  /**
   * The result of local training.
   *
   * @param parameters the trained model
   * @param examples the examples trained on
   * @param steps optimiser steps taken
   * @param metrics e.g. {@code loss}
   */
  record Fit(float[] parameters, long examples, int steps, Map<String, Double> metrics) {}

  /**
   * The result of local evaluation.
   *
   * @param examples examples evaluated
   * @param loss mean loss
   * @param accuracy share classified right
   */
  record Evaluation(long examples, double loss, double accuracy) {}
}
