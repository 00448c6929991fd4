package io.truststram.crypto.primitive;

/**
 * Key material or a ciphertext or signature that cannot be used with the algorithm: wrong length,
 * not an encoding of the algorithm's keys. The message says what was expected, never what the bytes
 * were.
 */
public final class InvalidKeyException extends IllegalArgumentException {

  public InvalidKeyException(String message) {
    super(message);
  }

  static void requireLength(Algorithm algorithm, String what, byte[] value, int expected) {
    if (value.length != expected) {
      throw new InvalidKeyException(
          algorithm + " " + what + " must be " + expected + " bytes, not " + value.length);
    }
  }
}
