package io.truststram.crypto.primitive;

/**
 * Decryption failed: wrong key, wrong associated data, or a changed ciphertext. Deliberately one
 * message for every cause.
 */
public final class DecryptionFailedException extends RuntimeException {

  public DecryptionFailedException() {
    super("decryption failed");
  }
}
