package io.truststram.federation.strategy;

import java.util.Map;
import java.util.Objects;

/**
 * What a client sends back after local training.
 *
 * @param clientId who sent it
 * @param parameters the client's model after training (not a difference)
 * @param examples how many training examples it used (the aggregation weight)
 * @param localSteps how many optimiser steps it took (τ, for FedNova)
 * @param baseVersion the global model version it started from (for asynchronous strategies)
 * @param metrics what the client reports, e.g. {@code loss}
 */
public record ClientUpdate(
    String clientId,
    float[] parameters,
    long examples,
    int localSteps,
    long baseVersion,
    Map<String, Double> metrics) {

  public ClientUpdate {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(parameters, "parameters");
    metrics = Map.copyOf(metrics);
  }

  /** An update of a synchronous round (base version unused). */
  public static ClientUpdate of(String clientId, float[] parameters, long examples, int steps) {
    return new ClientUpdate(clientId, parameters, examples, steps, 0, Map.of());
  }
}
