package io.truststram.crypto.primitive;

/** Whose code computes an algorithm. */
public enum Implementation {
  /** The JDK's own providers (SunJCE, SUN, SunEC). */
  JDK,
  /** Bouncy Castle's lightweight API. */
  BOUNCY_CASTLE;

  /** How messages name it before an algorithm: "the JDK's ", or nothing for Bouncy Castle. */
  String label() {
    return this == JDK ? "the JDK's " : "";
  }
}
