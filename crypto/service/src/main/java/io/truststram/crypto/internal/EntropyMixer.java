package io.truststram.crypto.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.DrbgParameters;
import java.security.SecureRandom;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reseeds the key manager's DRBG from the operating system, mixing in the configured {@link
 * EntropySource}'s bytes as additional input. When the source fails, the reseed still happens from
 * the operating system (logged and counted), unless the source is required: then the failure is an
 * error at start, and later reseeds are skipped until the source answers again.
 */
final class EntropyMixer {

  private static final Logger log = LoggerFactory.getLogger(EntropyMixer.class);

  private final SecureRandom drbg;
  private final EntropySource source;
  private final boolean required;
  private final Counter mixed;
  private final Counter failures;

  EntropyMixer(SecureRandom drbg, EntropySource source, boolean required, MeterRegistry registry) {
    this.drbg = drbg;
    this.source = source;
    this.required = required;
    this.mixed =
        Counter.builder("truststram.crypto.entropy.mixed")
            .description("Reseeds of the key manager's DRBG with the extra entropy source's bytes")
            .tag("source", source.describe())
            .register(registry);
    this.failures =
        Counter.builder("truststram.crypto.entropy.failures")
            .description("Reads of the extra entropy source that failed")
            .tag("source", source.describe())
            .register(registry);
  }

  /** The first reseed: a required source must answer. */
  void start() {
    if (!reseed() && required) {
      throw new IllegalStateException(
          "the required entropy source "
              + source.describe()
              + " did not answer (truststram.crypto.entropy.required=true)");
    }
  }

  /** Reseeds; whether the extra source's bytes went in (trivially true for {@code os}). */
  boolean reseed() {
    if (source instanceof EntropySource.None) {
      drbg.reseed();
      return true;
    }
    byte[] extra;
    try {
      extra = source.read(EntropySource.BYTES);
    } catch (IOException | RuntimeException e) {
      failures.increment();
      log.warn("The entropy source {} failed: {}", source.describe(), e.getMessage());
      if (!required) {
        drbg.reseed();
      }
      return false;
    }
    try {
      drbg.reseed(DrbgParameters.reseed(false, extra));
      mixed.increment();
      return true;
    } finally {
      Arrays.fill(extra, (byte) 0);
    }
  }
}
