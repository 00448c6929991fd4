/**
 * Platform infrastructure that runs in every role: service selection, problem+json errors, request
 * limits, per-module schema migrations, the cache adapters, health and metrics.
 *
 * <p>Other modules use only the types in this package: {@link io.truststram.platform.ModuleSchema}
 * to declare their tables.
 */
@NullMarked
@ApplicationModule(displayName = "Platform")
package io.truststram.platform;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
