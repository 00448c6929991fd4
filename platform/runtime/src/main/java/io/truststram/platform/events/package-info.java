/**
 * Delivery of domain events between modules: redelivery of what failed, and {@link
 * io.truststram.platform.events.DeliveryDeferredException} for a listener to ask for it.
 */
@NullMarked
@NamedInterface("events")
package io.truststram.platform.events;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
