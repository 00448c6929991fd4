package io.truststram.crypto.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.truststram.crypto.PlatformKeys;
import io.truststram.platform.ModuleSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
   * The key manager's random source: a NIST SP 800-90A DRBG (the JDK's Hash_DRBG, 256-bit
   * strength), seeded from the operating system's entropy and reseeded from it every minute by
   * {@link KeyRotation}. Not prediction-resistant on every call: that reseeds from the entropy
   * source for each nonce and cost the key manager most of its throughput (measured).
   */
  @Bean
  SecureRandom cryptoRandom() throws NoSuchAlgorithmException {
    return SecureRandom.getInstance(
        "DRBG",
        DrbgParameters.instantiation(
            256,
            DrbgParameters.Capability.RESEED_ONLY,
            "truststram key manager".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /**
   * The key-encryption key: a local file ({@code truststram.crypto.kek.type=local}, the default) or
   * an AES key in a PKCS#11 token ({@code pkcs11}).
   */
  @Bean
  KeyEncryptionKey keyEncryptionKey(
      @Value("${truststram.crypto.kek.type:local}") String type,
      @Value("${truststram.crypto.kek.file:${truststram.data-dir:./data}/crypto/kek}") String file,
      @Value("${truststram.crypto.kek.pkcs11.library:/usr/lib/softhsm/libsofthsm2.so}")
          String library,
      @Value("${truststram.crypto.kek.pkcs11.slot-list-index:0}") int slotListIndex,
      @Value("${truststram.crypto.kek.pkcs11.pin:}") String pin,
      @Value("${truststram.crypto.kek.pkcs11.key-label:truststram-kek}") String keyLabel,
      SecureRandom cryptoRandom)
      throws IOException {
    return switch (type.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "local" -> LocalKeyEncryptionKey.open(Path.of(file), cryptoRandom);
      case "pkcs11" -> {
        if (pin.isEmpty()) {
          throw new IllegalStateException(
              "truststram.crypto.kek.pkcs11.pin must be set to log in to the PKCS#11 token");
        }
        yield Pkcs11KeyEncryptionKey.open(
            library, slotListIndex, pin.toCharArray(), keyLabel, cryptoRandom);
      }
      default ->
          throw new IllegalStateException(
              "truststram.crypto.kek.type must be local or pkcs11, not '" + type + "'");
    };
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

  /** The platform's own keys in each tenant, for the other services. */
  @Bean
  PlatformKeys platformKeys(KeyManager keyManager, SecureRandom cryptoRandom) {
    return new PlatformKeyService(keyManager, cryptoRandom);
  }

  /** Signed statements that a key is held for a subject and will not be released. */
  @Bean
  KeyAttestations keyAttestations(
      KeyManager keyManager,
      KeyRecords records,
      PlatformKeys platformKeys,
      PlatformTransactionManager transactionManager,
      ApplicationEventPublisher events,
      Clock clock) {
    return new KeyAttestations(
        keyManager,
        records,
        platformKeys,
        new TransactionTemplate(transactionManager),
        events,
        clock);
  }

  @Bean
  CryptoMetrics cryptoMetrics(MeterRegistry registry) {
    return new CryptoMetrics(registry);
  }

  /**
   * Rotates keys whose rotation period has passed, every {@code truststram.crypto.rotation-check}.
   */
  @Bean(destroyMethod = "close")
  KeyRotation keyRotation(
      KeyManager keys,
      EntropyMixer entropy,
      KeyUsage usage,
      @Value("${truststram.crypto.rotation-check:1m}") Duration every) {
    return new KeyRotation(keys, entropy, usage, every);
  }

  /** The data operations per key and principal, published as KeyUsed every rotation check. */
  @Bean
  KeyUsage keyUsage(Clock clock) {
    return new KeyUsage(clock.instant());
  }

  /**
   * Extra entropy for the DRBG ({@code truststram.crypto.entropy.source}: {@code os}, {@code
   * file:PATH} or an http(s) URL), mixed in at start and at every reseed.
   */
  @Bean
  EntropyMixer cryptoEntropy(
      SecureRandom cryptoRandom,
      @Value("${truststram.crypto.entropy.source:os}") String source,
      @Value("${truststram.crypto.entropy.required:false}") boolean required,
      MeterRegistry registry) {
    EntropyMixer mixer =
        new EntropyMixer(cryptoRandom, EntropySource.parse(source), required, registry);
    mixer.start();
    return mixer;
  }
}
