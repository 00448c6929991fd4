package io.truststram.federation.strategy;

/**
 * One client's task in a round.
 *
 * @param clientId the client
 * @param training how it trains
 */
public record TrainPlan(String clientId, LocalTraining training) {}
