package io.truststram.crypto.primitive;

/** What encapsulating to a public key gives: the ciphertext to send and the shared secret. */
public record Encapsulation(byte[] ciphertext, byte[] sharedSecret) {

  @Override
  public String toString() {
    return "Encapsulation[ciphertext " + ciphertext.length + " bytes]";
  }
}
