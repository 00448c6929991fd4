/**
 * Aggregation shards: processes that fold one parameter range of a federation's rounds for a
 * coordinator, so that a large model's aggregation divides its memory and CPU across instances
 * ({@code truststram.services=aggregation}). The engine is {@code federation/core}'s {@code
 * io.truststram.federation.sharding}; this module serves it over HTTP under {@code
 * /internal/aggregation/v1}, to coordinators that present the shared secret.
 *
 * <p>API: {@link io.truststram.aggregation.AggregationProblems}.
 */
@NullMarked
@ApplicationModule(displayName = "Aggregation shards")
package io.truststram.aggregation;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
