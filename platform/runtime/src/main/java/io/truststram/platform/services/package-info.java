/**
 * Which services this process runs: the {@code truststram.services} selection. Exposed so that the
 * application class can install {@link io.truststram.platform.services.ServiceSelectionFilter}.
 */
@NullMarked
@NamedInterface("services")
package io.truststram.platform.services;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
