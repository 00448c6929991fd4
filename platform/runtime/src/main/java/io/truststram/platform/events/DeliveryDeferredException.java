package io.truststram.platform.events;

/**
 * Thrown by an event listener that cannot handle an event now (its store is down, or the process is
 * shutting down) but will when the event is delivered again: the publication stays incomplete and
 * {@link FailedEventRedelivery} retries it. Logged as a warning without a stack trace.
 */
public class DeliveryDeferredException extends RuntimeException {

  public DeliveryDeferredException(String message) {
    super(message);
  }
}
