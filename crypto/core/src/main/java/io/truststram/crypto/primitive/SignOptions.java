package io.truststram.crypto.primitive;

import java.util.Arrays;

/**
 * How to sign: a context string (FIPS 204 and 205, at most 255 bytes; empty by default) and whether
 * to pre-hash the message (HashML-DSA and HashSLH-DSA with SHA-512), for schemes that have them.
 */
public record SignOptions(byte[] context, boolean preHash) {

  /** No context, pure signing. */
  public static final SignOptions NONE = new SignOptions(new byte[0], false);

  public SignOptions {
    context = context.clone();
    if (context.length > 255) {
      throw new IllegalArgumentException(
          "a context string is at most 255 bytes, not " + context.length);
    }
  }

  public static SignOptions context(byte[] context) {
    return new SignOptions(context, false);
  }

  @Override
  public byte[] context() {
    return context.clone();
  }

  boolean hasContext() {
    return context.length > 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SignOptions o
        && o.preHash == preHash
        && Arrays.equals(o.context, context);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(context) * 31 + Boolean.hashCode(preHash);
  }

  @Override
  public String toString() {
    return "SignOptions[context " + context.length + " bytes, preHash " + preHash + "]";
  }
}
