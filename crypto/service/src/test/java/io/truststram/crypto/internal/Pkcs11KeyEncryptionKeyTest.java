package io.truststram.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.crypto.primitive.DecryptionFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PKCS#11 key-encryption key against a real SoftHSM2 token, initialised here in a private token
 * directory (the surefire configuration points SOFTHSM2_CONF at it). CI installs SoftHSM2 and sets
 * TRUSTSTRAM_HSM_TESTS=required, so there a missing SoftHSM2 fails instead of skipping.
 */
class Pkcs11KeyEncryptionKeyTest {

  static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
  private static final char[] PIN = "4711-kek".toCharArray();
  private final SecureRandom random = new SecureRandom();

  @BeforeAll
  static void initialiseToken() throws Exception {
    boolean installed =
        Files.exists(Path.of(LIBRARY)) && Files.isExecutable(Path.of("/usr/bin/softhsm2-util"));
    if (!installed) {
      if ("required".equals(System.getenv("TRUSTSTRAM_HSM_TESTS"))) {
        throw new AssertionError("SoftHSM2 is required here (apt-get install softhsm2)");
      }
      Assumptions.abort("SoftHSM2 is not installed");
    }
    Path conf = Path.of(System.getenv("SOFTHSM2_CONF"));
    Path tokens = conf.resolveSibling("tokens");
    if (Files.exists(tokens)) {
      try (Stream<Path> old = Files.walk(tokens)) {
        old.sorted(Comparator.reverseOrder()).forEach(Pkcs11KeyEncryptionKeyTest::delete);
      }
    }
    Files.createDirectories(tokens);
    Files.writeString(
        conf,
        "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Process init =
        new ProcessBuilder(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                "truststram-test",
                "--pin",
                new String(PIN),
                "--so-pin",
                "so-pin-4711")
            .redirectErrorStream(true)
            .start();
    String output = new String(init.getInputStream().readAllBytes());
    assertThat(init.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(init.exitValue()).as(output).isZero();
  }

  /**
   * One test, in this order: once a process has logged in to a token, PKCS#11 keeps it logged in,
   * so a wrong PIN is only refused before the first successful login.
   */
  @Test
  void aWrongPinOrAnEmptySlotIsRefusedAndTheTokenWrapsAndUnwrapsAcrossReopening() {

    assertThatThrownBy(
            () ->
                Pkcs11KeyEncryptionKey.open(
                    LIBRARY, 0, "wrong".toCharArray(), "truststram-kek", random))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot log in to the PKCS#11 token at slot list index 0");
    assertThatThrownBy(() -> Pkcs11KeyEncryptionKey.open(LIBRARY, 7, PIN, "truststram-kek", random))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("slot list index 7");

    Pkcs11KeyEncryptionKey kek =
        Pkcs11KeyEncryptionKey.open(LIBRARY, 0, PIN, "truststram-kek", random);
    assertThat(kek.id()).startsWith("pkcs11:truststram-kek:").hasSize(38);
    byte[] wrapped = kek.wrap("key material".getBytes(), "tenant|key|1|secret".getBytes());
    assertThat(kek.unwrap(wrapped, "tenant|key|1|secret".getBytes()))
        .isEqualTo("key material".getBytes());
    assertThatThrownBy(() -> kek.unwrap(wrapped, "tenant|key|2|secret".getBytes()))
        .isInstanceOf(DecryptionFailedException.class);
    byte[] changed = wrapped.clone();
    changed[changed.length - 1] ^= 1;
    assertThatThrownBy(() -> kek.unwrap(changed, "tenant|key|1|secret".getBytes()))
        .isInstanceOf(DecryptionFailedException.class);

    // As after a restart: the key is found in the token by its label, not made anew.
    Pkcs11KeyEncryptionKey again =
        Pkcs11KeyEncryptionKey.open(LIBRARY, 0, PIN, "truststram-kek", random);
    assertThat(again.id()).isEqualTo(kek.id());
    assertThat(again.unwrap(wrapped, "tenant|key|1|secret".getBytes()))
        .isEqualTo("key material".getBytes());

    Pkcs11KeyEncryptionKey other =
        Pkcs11KeyEncryptionKey.open(LIBRARY, 0, PIN, "other-kek", random);
    assertThat(other.id()).isNotEqualTo(kek.id());
    assertThatThrownBy(() -> other.unwrap(wrapped, "tenant|key|1|secret".getBytes()))
        .isInstanceOf(DecryptionFailedException.class);
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
