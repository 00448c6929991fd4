package io.truststram.crypto.primitive;

import java.security.SecureRandom;

/** A key-encapsulation mechanism over raw encodings. Implementations are thread-safe. */
public interface Kem {

  Algorithm algorithm();

  Implementation implementation();

  KeyPair generateKeyPair(SecureRandom random);

  /**
   * A fresh shared secret and its ciphertext for the holder of {@code publicKey}.
   *
   * @throws InvalidKeyException for a public key of the wrong length or encoding
   */
  Encapsulation encapsulate(byte[] publicKey, SecureRandom random);

  /**
   * The shared secret in {@code ciphertext}. ML-KEM rejects implicitly: a tampered ciphertext
   * yields an unrelated secret, not an error.
   *
   * @throws InvalidKeyException for a key or ciphertext of the wrong length
   */
  byte[] decapsulate(byte[] secretKey, byte[] ciphertext);
}
