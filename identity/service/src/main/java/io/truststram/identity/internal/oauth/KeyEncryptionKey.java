package io.truststram.identity.internal.oauth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that wraps the identity service's secrets at rest (token signing keys, TOTP seeds):
 * AES-256-GCM with a random 96-bit nonce per value and the value's purpose as associated data, so a
 * wrapped value cannot be moved to another row or column and still unwrap.
 *
 * <p>Until the key manager exists, the key comes from configuration or from a file generated once
 * under the data directory with owner-only permissions.
 */
public final class KeyEncryptionKey {

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  private KeyEncryptionKey(byte[] material) {
    if (material.length != 32) {
      throw new IllegalArgumentException(
          "the key-encryption key must be 32 bytes (base64 of 32 random bytes), not "
              + material.length);
    }
    this.key = new SecretKeySpec(material, "AES");
    Arrays.fill(material, (byte) 0);
  }

  /** The key given as base64 text. */
  public static KeyEncryptionKey fromBase64(String base64) {
    try {
      return new KeyEncryptionKey(Base64.getDecoder().decode(base64.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "truststram.identity.key-encryption-key is not base64 of 32 bytes", e);
    }
  }

  /** The key in {@code file}, created there (owner read/write only) when it does not exist. */
  public static KeyEncryptionKey fromFile(Path file) {
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(file.getParent());
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(
              file, Base64.getEncoder().encodeToString(fresh), StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException raced) {
          // Another process created it first: use theirs.
        } catch (UnsupportedOperationException notPosix) {
          Files.writeString(
              file, Base64.getEncoder().encodeToString(fresh), StandardOpenOption.CREATE_NEW);
        }
      }
      return fromBase64(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the key-encryption key " + file, e);
    }
  }

  /** Encrypts {@code plain} for {@code purpose}; the result is base64 text. */
  public String wrap(byte[] plain, String purpose) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * Decrypts a value {@link #wrap wrapped} for {@code purpose}.
   *
   * @throws IllegalStateException when the value was wrapped by another key or for another purpose,
   *     or was altered
   */
  public byte[] unwrap(String wrapped, String purpose) {
    try {
      byte[] in = Base64.getDecoder().decode(wrapped);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "a wrapped secret does not open with this key-encryption key (wrong key, or altered)", e);
    }
  }
}
