package io.truststram.identity.internal.client;

import io.truststram.identity.internal.user.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Hashes generated client secrets with one SHA-256. A secret of 43 random characters carries about
 * 250 bits, so no dictionary or brute force can invert its digest, and a slow password hash
 * (Argon2: tens of milliseconds) would only cap the token endpoint's throughput. Registered in the
 * password encoder under the id {@code sha256-secret}; never used for people's passwords.
 */
public final class SecretDigestEncoder implements PasswordEncoder {

  /** The id this encoder has in the delegating password encoder. */
  public static final String ID = "sha256-secret";

  /** The stored form of {@code secret}: {@code {sha256-secret}<hex>}. */
  public static String digest(String secret) {
    return "{" + ID + "}" + Secrets.sha256(secret);
  }

  @Override
  public String encode(CharSequence raw) {
    return Secrets.sha256(raw.toString());
  }

  @Override
  public boolean matches(CharSequence raw, String encoded) {
    return MessageDigest.isEqual(
        Secrets.sha256(raw.toString()).getBytes(StandardCharsets.US_ASCII),
        encoded.getBytes(StandardCharsets.US_ASCII));
  }
}
