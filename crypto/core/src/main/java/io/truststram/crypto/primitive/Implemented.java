package io.truststram.crypto.primitive;

/** What every implementation of a KEM or signature scheme knows of itself. */
abstract class Implemented {

  final Algorithm algorithm;
  private final Implementation implementation;

  Implemented(Algorithm algorithm, Implementation implementation) {
    this.algorithm = algorithm;
    this.implementation = implementation;
  }

  public final Algorithm algorithm() {
    return algorithm;
  }

  public final Implementation implementation() {
    return implementation;
  }

  /** Refuses options the implementation does not honour. */
  final void requireSupported(boolean supported, String what) {
    if (!supported) {
      throw new UnsupportedOptionException(implementation.label() + algorithm + " has no " + what);
    }
  }

  @Override
  public String toString() {
    return algorithm + " (" + implementation + ")";
  }
}
