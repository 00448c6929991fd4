package io.truststram.crypto.primitive;

/** A name that is neither an algorithm's FIPS name nor one of its aliases. */
public final class UnknownAlgorithmException extends IllegalArgumentException {

  public UnknownAlgorithmException(String message) {
    super(message);
  }
}
