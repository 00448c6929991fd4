package io.truststram.aggregation.internal;

import java.time.Duration;

/**
 * A shard's configuration ({@code truststram.aggregation.*}).
 *
 * @param secret what coordinators present as {@code Authorization: Bearer}; empty turns the
 *     endpoints off (every call answers 401)
 * @param maxSessions how many sessions (federations' rounds) the shard holds at once
 * @param sessionTimeout how long a session may sit idle before it is dropped
 * @param maxParameters the longest range a message may carry
 */
record AggregationSettings(
    String secret, int maxSessions, Duration sessionTimeout, int maxParameters) {}
