package io.truststram.crypto.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.CryptoProblems;
import io.truststram.crypto.PlatformKeys;
import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.SignOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** {@link PlatformKeys} on the key manager, in this process. */
final class PlatformKeyService implements PlatformKeys {

  private static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  /** First byte of an at-rest ciphertext: the format, so that it can change later. */
  private static final byte FORMAT = 1;

  private final KeyManager keys;
  private final SecureRandom random;

  PlatformKeyService(KeyManager keys, SecureRandom random) {
    this.keys = keys;
    this.random = random;
  }

  @Override
  public Signature sign(TenantId tenant, String purpose, byte[] message) {
    String name = name(purpose, "signing");
    try (KeyManager.Loaded key = loadOrCreate(tenant, name, signingType(tenant))) {
      Ciphertexts.Versioned signed =
          Ciphertexts.parse("signature", keys.sign(key, null, message, SignOptions.NONE));
      return new Signature(
          Objects.requireNonNull(key.type.algorithm()).fipsName(),
          signed.version(),
          signed.bytes());
    }
  }

  @Override
  public List<PublicKey> publicKeys(TenantId tenant, String purpose) {
    String name = name(purpose, "signing");
    try (KeyManager.Loaded key = loadOrCreate(tenant, name, signingType(tenant))) {
      List<PublicKey> out = new ArrayList<>();
      for (KeyRecords.Version version : keys.versions(key.key)) {
        out.add(
            new PublicKey(
                Objects.requireNonNull(key.type.algorithm()).fipsName(),
                version.version(),
                Objects.requireNonNull(version.publicKey())));
      }
      return out;
    }
  }

  @Override
  public byte[] encrypt(TenantId tenant, String purpose, byte[] plaintext, byte[] aad) {
    String name = name(purpose, "data");
    try (KeyManager.Loaded key = loadOrCreate(tenant, name, "AES-256-GCM")) {
      KeyManager.DataKey dataKey = keys.dataKey(key, null, aad);
      try {
        byte[] wrapped = dataKey.ciphertext().getBytes(StandardCharsets.US_ASCII);
        byte[] body = Aes256Gcm.encrypt(dataKey.plaintext(), plaintext, aad, random);
        return ByteBuffer.allocate(1 + 2 + wrapped.length + body.length)
            .put(FORMAT)
            .putShort((short) wrapped.length)
            .put(wrapped)
            .put(body)
            .array();
      } finally {
        Arrays.fill(dataKey.plaintext(), (byte) 0);
      }
    }
  }

  @Override
  public byte[] decrypt(TenantId tenant, String purpose, byte[] ciphertext, byte[] aad) {
    String name = name(purpose, "data");
    if (ciphertext.length < 3 || ciphertext[0] != FORMAT) {
      throw failed();
    }
    int wrappedLength = ((ciphertext[1] & 0xff) << 8) | (ciphertext[2] & 0xff);
    if (ciphertext.length < 3 + wrappedLength) {
      throw failed();
    }
    String wrapped = new String(ciphertext, 3, wrappedLength, StandardCharsets.US_ASCII);
    byte[] body = Arrays.copyOfRange(ciphertext, 3 + wrappedLength, ciphertext.length);
    KeyManager.Loaded loaded;
    try {
      loaded = keys.load(tenant, name);
    } catch (ProblemException e) {
      // No data key: nothing of this tenant's was encrypted for this purpose.
      throw failed();
    }
    try (KeyManager.Loaded key = loaded) {
      byte[] dataKey;
      try {
        dataKey = keys.decrypt(key, wrapped, aad);
      } catch (ProblemException e) {
        // A mangled wrapped key reads as a malformed ciphertext; to the caller both are failures.
        throw failed();
      }
      try {
        return Aes256Gcm.decrypt(dataKey, body, aad);
      } catch (DecryptionFailedException e) {
        throw failed();
      } finally {
        Arrays.fill(dataKey, (byte) 0);
      }
    }
  }

  /** The signature algorithm the tenant's policy gives the platform's own signatures. */
  private String signingType(TenantId tenant) {
    return switch (keys.policy(tenant)) {
      case HYBRID -> "ML-DSA-65+Ed25519";
      case PQ_ONLY -> "ML-DSA-65";
      case CLASSICAL -> "Ed25519";
    };
  }

  private KeyManager.Loaded loadOrCreate(TenantId tenant, String name, String type) {
    try {
      return keys.load(tenant, name);
    } catch (ProblemException e) {
      if (!e.type().equals(CryptoProblems.KEY_NOT_FOUND)) {
        throw e;
      }
    }
    try {
      keys.createPlatformKey(tenant, name, type);
    } catch (ProblemException e) {
      // Another caller created it first.
      if (!e.type().equals(CryptoProblems.KEY_EXISTS)) {
        throw e;
      }
    }
    return keys.load(tenant, name);
  }

  private static String name(String purpose, String use) {
    if (!PURPOSE.matcher(purpose).matches()) {
      throw new IllegalArgumentException(
          "a platform key purpose is lower-case a-z0-9-: " + purpose);
    }
    return PlatformKeys.NAME_PREFIX + purpose + "." + use;
  }

  private static ProblemException failed() {
    return new ProblemException(CryptoProblems.DECRYPTION_FAILED, "decryption failed");
  }
}
