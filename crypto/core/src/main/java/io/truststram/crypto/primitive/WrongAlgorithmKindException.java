package io.truststram.crypto.primitive;

/** A KEM asked to sign, or a signature scheme asked to encapsulate. */
public final class WrongAlgorithmKindException extends IllegalArgumentException {

  public WrongAlgorithmKindException(String message) {
    super(message);
  }
}
