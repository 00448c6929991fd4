package io.truststram.crypto.internal;

import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.crypto.primitive.Digests;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A 256-bit master key in a file, created on first start with owner-only permissions (0600). A file
 * that others may read or write is refused: the key manager will not start on a KEK that may have
 * leaked. Losing the file loses every key it wrapped; back it up like a database's own key.
 */
final class LocalKeyEncryptionKey implements KeyEncryptionKey {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final byte[] key;
  private final String id;
  private final SecureRandom random;

  private LocalKeyEncryptionKey(byte[] key, SecureRandom random) {
    this.key = key;
    this.random = random;
    this.id = "local:" + HexFormat.of().formatHex(Digests.sha256(key), 0, 8);
  }

  /**
   * The KEK in {@code file}, created there when it does not exist.
   *
   * @throws IllegalStateException for a file of the wrong size or with permissions beyond the owner
   */
  static LocalKeyEncryptionKey open(Path file, SecureRandom random) throws IOException {
    if (!Files.exists(file)) {
      create(file, random);
    }
    boolean posix = Files.getFileStore(file).supportsFileAttributeView("posix");
    if (posix) {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(permissions)) {
        throw new IllegalStateException(
            "the key-encryption key "
                + file
                + " is readable or writable by others ("
                + PosixFilePermissions.toString(permissions)
                + "); make it owner-only (chmod 600) and start again");
      }
    }
    byte[] key = Files.readAllBytes(file);
    if (key.length != Aes256Gcm.KEY_LENGTH) {
      throw new IllegalStateException(
          "the key-encryption key " + file + " must hold 32 bytes, not " + key.length);
    }
    return new LocalKeyEncryptionKey(key, random);
  }

  private static void create(Path file, SecureRandom random) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    boolean posix = Files.getFileStore(directory).supportsFileAttributeView("posix");
    Path temp =
        posix
            ? Files.createTempFile(
                directory, ".kek-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(directory, ".kek-", ".tmp");
    try {
      byte[] key = new byte[Aes256Gcm.KEY_LENGTH];
      random.nextBytes(key);
      Files.write(temp, key);
      try (var channel =
          java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        // Never replaces a KEK another process created meanwhile.
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException other) {
        return;
      } catch (UnsupportedOperationException | IOException noLinks) {
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file);
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public byte[] wrap(byte[] plaintext, byte[] aad) {
    return Aes256Gcm.encrypt(key, plaintext, aad, random);
  }

  @Override
  public byte[] unwrap(byte[] wrapped, byte[] aad) {
    return Aes256Gcm.decrypt(key, wrapped, aad);
  }
}
