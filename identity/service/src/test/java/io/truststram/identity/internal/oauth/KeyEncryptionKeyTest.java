package io.truststram.identity.internal.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyEncryptionKeyTest {

  private static final String KEY =
      Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  @Test
  void wrapsAndUnwrapsForTheSamePurposeOnly() {
    KeyEncryptionKey kek = KeyEncryptionKey.fromBase64(KEY);
    byte[] secret = "signing key bytes".getBytes(StandardCharsets.UTF_8);
    String wrapped = kek.wrap(secret, "row-1");
    assertThat(wrapped).doesNotContain("signing");
    assertThat(kek.unwrap(wrapped, "row-1")).isEqualTo(secret);
    assertThatThrownBy(() -> kek.unwrap(wrapped, "row-2"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(kek.wrap(secret, "row-1")).as("fresh nonce each time").isNotEqualTo(wrapped);
  }

  @Test
  void refusesAlteredValuesAndOtherKeys() {
    KeyEncryptionKey kek = KeyEncryptionKey.fromBase64(KEY);
    String wrapped = kek.wrap(new byte[] {1, 2, 3}, "p");
    byte[] raw = Base64.getDecoder().decode(wrapped);
    raw[raw.length - 1] ^= 1;
    String altered = Base64.getEncoder().encodeToString(raw);
    assertThatThrownBy(() -> kek.unwrap(altered, "p")).isInstanceOf(IllegalStateException.class);
    KeyEncryptionKey other =
        KeyEncryptionKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(() -> other.unwrap(wrapped, "p")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesKeysOfTheWrongSize() {
    assertThatThrownBy(
            () -> KeyEncryptionKey.fromBase64(Base64.getEncoder().encodeToString(new byte[16])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> KeyEncryptionKey.fromBase64("not base64 !"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void generatesAFileOnceWithOwnerOnlyPermissions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys/identity.kek");
    KeyEncryptionKey first = KeyEncryptionKey.fromFile(file);
    String wrapped = first.wrap(new byte[] {42}, "p");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(KeyEncryptionKey.fromFile(file).unwrap(wrapped, "p")).containsExactly(42);
  }
}
