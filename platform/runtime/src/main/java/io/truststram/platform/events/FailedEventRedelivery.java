package io.truststram.platform.events;

import java.time.Duration;
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
 * Modulith's staleness monitor also marks failed a delivery left in progress longer than its
 * staleness limit (its process died, or its listener is alive but slow). This component resubmits
 * all failed deliveries every {@code truststram.events.redelivery-interval}, in batches, so
 * delivery is at least once: listeners must tolerate seeing an event twice.
 *
 * <p>No minimum age is asked for: Modulith 2.0.3's query for failed publications does not apply it
 * (spring-projects/spring-modulith#1943), and it would count from publication rather than from the
 * failure. The interval alone spaces the retries.
 */
@Component
class FailedEventRedelivery {

  private static final Logger log = LoggerFactory.getLogger(FailedEventRedelivery.class);
  private static final int BATCH = 100;

  private final FailedEventPublications failed;

  FailedEventRedelivery(FailedEventPublications failed) {
    this.failed = failed;
  }

  @Scheduled(
      fixedDelayString = "${truststram.events.redelivery-interval:1m}",
      initialDelayString = "${truststram.events.redelivery-interval:1m}")
  void redeliver() {
    try {
      failed.resubmit(
          ResubmissionOptions.defaults().withMinAge(Duration.ZERO).withBatchSize(BATCH));
    } catch (RuntimeException e) {
      // The next run tries again; a database outage must not kill the scheduler thread.
      log.warn("Could not redeliver failed event publications", e);
    }
  }
}
