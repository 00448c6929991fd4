package io.truststram.crypto.primitive;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a fresh random 96-bit nonce per message and a 128-bit tag. A sealed message is
 * nonce || ciphertext || tag. Random nonces keep the collision chance under 2^-32 for up to 2^32
 * messages under one key (NIST SP 800-38D); rotate keys well before that.
 */
public final class Aes256Gcm {

  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  private Aes256Gcm() {}

  /** Encrypts {@code plaintext}, binding {@code aad} (authenticated, not encrypted). */
  public static byte[] encrypt(byte[] key, byte[] plaintext, byte[] aad, SecureRandom random) {
    requireKey(key);
    byte[] nonce = new byte[NONCE_LENGTH];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      cipher.updateAAD(aad);
      byte[] out = new byte[NONCE_LENGTH + cipher.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
      cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  /**
   * Decrypts a message {@link #encrypt} made with the same key and {@code aad}.
   *
   * @throws DecryptionFailedException when it was not, or was changed; the one error for every
   *     cause, so that it tells an attacker nothing
   */
  public static byte[] decrypt(byte[] key, byte[] sealed, byte[] aad) {
    requireKey(key);
    if (sealed.length < NONCE_LENGTH + TAG_LENGTH) {
      throw new DecryptionFailedException();
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(TAG_LENGTH * 8, Arrays.copyOf(sealed, NONCE_LENGTH)));
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw new DecryptionFailedException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  private static void requireKey(byte[] key) {
    if (key.length != KEY_LENGTH) {
      throw new InvalidKeyException("AES-256 keys are 32 bytes, not " + key.length);
    }
  }
}
