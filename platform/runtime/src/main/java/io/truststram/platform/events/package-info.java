/** Delivery of domain events between modules: redelivery of what failed. */
@NullMarked
package io.truststram.platform.events;

import org.jspecify.annotations.NullMarked;
