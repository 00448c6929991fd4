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
 * reseeds the DRBG from the operating system's entropy.
 */
final class KeyRotation implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("crypto-key-rotation").daemon().factory());

  KeyRotation(KeyManager keys, java.security.SecureRandom random, Duration every) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            random.reseed();
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

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
