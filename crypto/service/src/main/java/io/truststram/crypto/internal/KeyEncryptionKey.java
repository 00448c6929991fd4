package io.truststram.crypto.internal;

/**
 * The key that wraps every piece of key material the key manager stores: a local master key file by
 * default, or a key inside an HSM. Wrapping is AES-256-GCM with associated data naming what is
 * wrapped, so wrapped material cannot be moved to another key or version.
 */
interface KeyEncryptionKey {

  /** A short, stable identifier of this KEK (not secret), stored beside what it wrapped. */
  String id();

  byte[] wrap(byte[] plaintext, byte[] aad);

  /**
   * @throws io.truststram.crypto.primitive.DecryptionFailedException when {@code wrapped} was not
   *     wrapped by this KEK with this {@code aad}
   */
  byte[] unwrap(byte[] wrapped, byte[] aad);
}
