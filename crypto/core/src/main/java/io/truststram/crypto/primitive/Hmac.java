package io.truststram.crypto.primitive;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA-256 and HMAC-SHA-512 (RFC 2104), verified in constant time. */
public enum Hmac {
  SHA256("HmacSHA256", "HMAC-SHA-256"),
  SHA512("HmacSHA512", "HMAC-SHA-512");

  private final String jdkName;
  private final String displayName;

  Hmac(String jdkName, String displayName) {
    this.jdkName = jdkName;
    this.displayName = displayName;
  }

  public byte[] mac(byte[] key, byte[] message) {
    if (key.length == 0) {
      throw new InvalidKeyException(displayName + " needs a non-empty key");
    }
    try {
      Mac mac = Mac.getInstance(jdkName);
      mac.init(new SecretKeySpec(key, jdkName));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(displayName + " is not available", e);
    }
  }

  /** Whether {@code tag} is {@code message}'s, compared in constant time. */
  public boolean verify(byte[] key, byte[] message, byte[] tag) {
    return MessageDigest.isEqual(mac(key, message), tag);
  }

  @Override
  public String toString() {
    return displayName;
  }
}
