/**
 * The API edge: token-bucket rate limits per client, tenant or address (shared through Redis when
 * configured), API version deprecation and sunset, and inspection of requests for the most common
 * injection patterns. Its filters wrap every request the process serves; in per-service mode, the
 * gateway role puts them in front of remote instances.
 */
@NullMarked
@ApplicationModule(displayName = "Gateway")
package io.truststram.gateway;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
