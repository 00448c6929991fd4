package io.truststram.platform.events;

import io.truststram.platform.PlatformProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.FailedEventPublications;
import org.springframework.modulith.events.ResubmissionOptions;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers again, on a schedule, the event publications whose listener failed.
 *
 * <p>Module listeners run after the publishing transaction commits; the publication registry
 * records each delivery in that transaction and marks it failed when the listener throws. Spring
 * Modulith's staleness monitor also marks failed a delivery that a dead process left half done.
 * This component resubmits failed deliveries older than one interval, in batches, so delivery is at
 * least once: listeners must tolerate seeing an event twice.
 */
@Component
class FailedEventRedelivery {

  private static final Logger log = LoggerFactory.getLogger(FailedEventRedelivery.class);
  private static final int BATCH = 100;

  private final FailedEventPublications failed;
  private final PlatformProperties properties;

  FailedEventRedelivery(FailedEventPublications failed, PlatformProperties properties) {
    this.failed = failed;
    this.properties = properties;
  }

  @Scheduled(
      fixedDelayString = "${truststram.events.redelivery-interval:1m}",
      initialDelayString = "${truststram.events.redelivery-interval:1m}")
  void redeliver() {
    try {
      failed.resubmit(
          ResubmissionOptions.defaults()
              .withMinAge(properties.events().redeliveryInterval())
              .withBatchSize(BATCH));
    } catch (RuntimeException e) {
      // The next run tries again; a database outage must not kill the scheduler thread.
      log.warn("Could not redeliver failed event publications: {}", e.toString());
    }
  }
}
