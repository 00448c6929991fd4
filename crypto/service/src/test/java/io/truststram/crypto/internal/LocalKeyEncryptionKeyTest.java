package io.truststram.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.crypto.primitive.DecryptionFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyEncryptionKeyTest {

  private final SecureRandom random = new SecureRandom();

  @Test
  void isCreatedOwnerOnlyAndWrapsForTheSameAssociatedDataOnly(@TempDir Path temp) throws Exception {
    Path file = temp.resolve("crypto/kek");
    LocalKeyEncryptionKey kek = LocalKeyEncryptionKey.open(file, random);
    assertThat(Files.size(file)).isEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(kek.id()).startsWith("local:").hasSize(22);

    byte[] wrapped = kek.wrap("secret".getBytes(), "tenant|key|1".getBytes());
    assertThat(kek.unwrap(wrapped, "tenant|key|1".getBytes())).isEqualTo("secret".getBytes());
    assertThatThrownBy(() -> kek.unwrap(wrapped, "tenant|key|2".getBytes()))
        .isInstanceOf(DecryptionFailedException.class);

    // The same file again: the same KEK.
    LocalKeyEncryptionKey again = LocalKeyEncryptionKey.open(file, random);
    assertThat(again.id()).isEqualTo(kek.id());
    assertThat(again.unwrap(wrapped, "tenant|key|1".getBytes())).isEqualTo("secret".getBytes());
  }

  @Test
  void aKekOthersMayReadOrOfTheWrongSizeIsRefused(@TempDir Path temp) throws Exception {
    Path file = temp.resolve("kek");
    LocalKeyEncryptionKey.open(file, random);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> LocalKeyEncryptionKey.open(file, random))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("readable or writable by others (rw-r--r--)")
        .hasMessageContaining("chmod 600");

    Path shortFile = temp.resolve("short");
    Files.write(shortFile, new byte[16]);
    Files.setPosixFilePermissions(shortFile, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> LocalKeyEncryptionKey.open(shortFile, random))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must hold 32 bytes, not 16");
  }
}
