package io.truststram.audit.internal;

import io.truststram.platform.events.DeliveryDeferredException;

/**
 * An append could not be made durable; the caller must not take it as recorded. To an event
 * listener it means: deliver the event again later.
 */
final class AuditUnavailableException extends DeliveryDeferredException {
  AuditUnavailableException(String message) {
    super(message);
  }
}
