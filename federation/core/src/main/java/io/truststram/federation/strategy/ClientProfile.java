package io.truststram.federation.strategy;

/**
 * A client available for a round, as the strategy sees it when choosing.
 *
 * @param clientId the client
 * @param examples how many training examples it declared
 */
public record ClientProfile(String clientId, long examples) {}
