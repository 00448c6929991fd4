package io.truststram.crypto.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.platform.ModuleSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the key manager when the crypto service runs in this process. */
@Configuration(proxyBeanMethods = false)
class CryptoConfiguration {

  @Bean
  ModuleSchema cryptoSchema() {
    return new ModuleSchema("crypto");
  }

  /**
   * The key manager's random source: a NIST SP 800-90A DRBG (the JDK's Hash_DRBG, 256-bit strength,
   * prediction resistance), seeded and reseeded from the operating system's entropy.
   */
  @Bean
  SecureRandom cryptoRandom() throws NoSuchAlgorithmException {
    return SecureRandom.getInstance(
        "DRBG",
        DrbgParameters.instantiation(
            256,
            DrbgParameters.Capability.PR_AND_RESEED,
            "truststram key manager".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Bean
  KeyEncryptionKey keyEncryptionKey(
      @Value("${truststram.crypto.kek.file:${truststram.data-dir:./data}/crypto/kek}") String file,
      SecureRandom cryptoRandom)
      throws IOException {
    return LocalKeyEncryptionKey.open(Path.of(file), cryptoRandom);
  }

  @Bean
  KeyRecords cryptoKeyRecords(JdbcClient jdbc) {
    return new KeyRecords(jdbc);
  }

  @Bean
  KeyManager keyManager(
      KeyRecords records,
      KeyEncryptionKey kek,
      SecureRandom cryptoRandom,
      PlatformTransactionManager transactionManager,
      ApplicationEventPublisher events,
      Clock clock) {
    return new KeyManager(
        records, kek, cryptoRandom, new TransactionTemplate(transactionManager), events, clock);
  }

  @Bean
  CryptoMetrics cryptoMetrics(MeterRegistry registry) {
    return new CryptoMetrics(registry);
  }

  /**
   * Rotates keys whose rotation period has passed, every {@code truststram.crypto.rotation-check}.
   */
  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService keyRotation(
      KeyManager keys, @Value("${truststram.crypto.rotation-check:1m}") Duration every) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("crypto-key-rotation").daemon().factory());
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            keys.rotateDue();
          } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(CryptoConfiguration.class)
                .warn("Automatic key rotation failed", e);
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
    return scheduler;
  }
}
