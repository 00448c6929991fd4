package io.truststram.crypto.primitive;

import java.security.GeneralSecurityException;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/** HKDF (RFC 5869) through the JDK's KDF API. */
public final class Hkdf {

  private Hkdf() {}

  /** {@code length} bytes from HKDF-SHA256(ikm, salt, info). */
  public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    return derive("HKDF-SHA256", ikm, salt, info, length);
  }

  /** {@code length} bytes from HKDF-SHA512(ikm, salt, info). */
  public static byte[] sha512(byte[] ikm, byte[] salt, byte[] info, int length) {
    return derive("HKDF-SHA512", ikm, salt, info, length);
  }

  private static byte[] derive(String name, byte[] ikm, byte[] salt, byte[] info, int length) {
    try {
      return KDF.getInstance(name)
          .deriveData(
              HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(salt).thenExpand(info, length));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(name + " cannot derive " + length + " bytes", e);
    }
  }
}
