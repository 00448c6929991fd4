package io.truststram.crypto.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key manager's periodic work, on a thread of its own (kept out of the application context,
 * which has executors of its own): rotates the keys whose {@code autoRotatePeriod} has passed and
 * reseeds the DRBG from the operating system's entropy and the configured extra source, and
 * publishes the period's key uses ({@link io.truststram.crypto.KeyUsed}).
 */
final class KeyRotation
    implements AutoCloseable,
        org.springframework.context.ApplicationListener<
            org.springframework.context.event.ContextClosedEvent> {

  private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("crypto-key-rotation").daemon().factory());

  private final KeyManager keys;
  private final KeyUsage usage;

  KeyRotation(KeyManager keys, EntropyMixer entropy, KeyUsage usage, Duration every) {
    this.keys = keys;
    this.usage = usage;
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            keys.publishUsage(usage);
            entropy.reseed();
            int rotated = keys.rotateDue();
            if (rotated > 0) {
              log.info("Rotated {} keys whose rotation period had passed", rotated);
            }
          } catch (RuntimeException e) {
            log.warn("Automatic key rotation failed", e);
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * When the application context starts to close, while its executors still run the listeners these
   * events go to (they stop before beans are destroyed): stops, publishing the uses counted since
   * the last period.
   */
  @Override
  public void onApplicationEvent(org.springframework.context.event.ContextClosedEvent event) {
    close();
  }

  /** Stops, publishing the uses counted since the last period (none, after a context close). */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      keys.publishUsage(usage);
    } catch (RuntimeException e) {
      log.warn("Could not publish the last key uses", e);
    }
  }
}
