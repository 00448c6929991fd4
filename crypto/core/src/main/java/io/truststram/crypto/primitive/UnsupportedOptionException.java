package io.truststram.crypto.primitive;

/** Signing options an algorithm or implementation does not have (a context for Ed25519, say). */
public final class UnsupportedOptionException extends IllegalArgumentException {

  public UnsupportedOptionException(String message) {
    super(message);
  }
}
