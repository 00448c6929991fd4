package io.truststram.crypto.primitive;

import java.security.SecureRandom;

/** A signature scheme over raw encodings. Implementations are thread-safe. */
public interface SignatureScheme {

  Algorithm algorithm();

  Implementation implementation();

  KeyPair generateKeyPair(SecureRandom random);

  /**
   * Signs {@code message}.
   *
   * @throws InvalidKeyException for a secret key of the wrong length or encoding
   * @throws UnsupportedOptionException when this implementation cannot honour {@code options}
   */
  byte[] sign(byte[] secretKey, byte[] message, SignOptions options, SecureRandom random);

  /**
   * Whether {@code signature} is {@code message}'s under {@code publicKey} with {@code options};
   * false for a signature of the wrong length.
   *
   * @throws InvalidKeyException for a public key of the wrong length or encoding
   * @throws UnsupportedOptionException when this implementation cannot honour {@code options}
   */
  boolean verify(byte[] publicKey, byte[] message, byte[] signature, SignOptions options);

  /** Whether this implementation honours {@code options}. */
  default boolean supports(SignOptions options) {
    return options.equals(SignOptions.NONE);
  }
}
