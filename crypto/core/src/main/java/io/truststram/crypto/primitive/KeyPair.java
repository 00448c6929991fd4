package io.truststram.crypto.primitive;

/** A key pair as raw encodings. The arrays are the caller's to keep; nothing else holds them. */
public record KeyPair(Algorithm algorithm, byte[] publicKey, byte[] secretKey) {

  @Override
  public String toString() {
    // Never print key material.
    return "KeyPair[" + algorithm + ", public " + publicKey.length + " bytes]";
  }
}
