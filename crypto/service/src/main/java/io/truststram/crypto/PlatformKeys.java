package io.truststram.crypto;

import io.truststram.common.tenant.TenantId;
import java.util.List;

/**
 * The keys the platform itself holds in each tenant's key manager, for the other services: a
 * signing key per purpose (the audit trail's checkpoints, say) and envelope encryption for data at
 * rest (sensitive columns and blobs).
 *
 * <p>Platform keys are named {@code truststram.<purpose>.signing} and {@code
 * truststram.<purpose>.data}; they are created on first use, never exportable and never deletable
 * through the API, and they can be rotated like any key. A signing key's algorithm follows the
 * tenant's crypto policy when it is created: ML-DSA-65+Ed25519 under {@code hybrid} (the default),
 * ML-DSA-65 under {@code pq-only}, Ed25519 under {@code classical}.
 */
public interface PlatformKeys {

  /** The prefix of every platform key's name; tenants cannot create keys under it. */
  String NAME_PREFIX = "truststram.";

  /**
   * A signature by a platform key.
   *
   * @param algorithm the FIPS (or composite) name of the algorithm
   * @param keyVersion the key version that signed
   * @param signature the raw signature
   */
  record Signature(String algorithm, int keyVersion, byte[] signature) {
    public Signature {
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /** One version of a platform signing key's public key (raw encoding). */
  record PublicKey(String algorithm, int version, byte[] publicKey) {
    public PublicKey {
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }
  }

  /** Signs {@code message} with the latest version of the tenant's signing key for purpose. */
  Signature sign(TenantId tenant, String purpose, byte[] message);

  /** Every kept version of the tenant's signing key for {@code purpose}, oldest first. */
  List<PublicKey> publicKeys(TenantId tenant, String purpose);

  /**
   * Encrypts data at rest under the tenant's data key for {@code purpose} (envelope encryption: a
   * fresh AES-256 data key per call, wrapped by the key manager's key). {@code aad} binds the
   * ciphertext to where it is stored (a row id, a blob name): decrypting elsewhere fails.
   */
  byte[] encrypt(TenantId tenant, String purpose, byte[] plaintext, byte[] aad);

  /**
   * Decrypts what {@link #encrypt} returned.
   *
   * @throws io.truststram.common.problem.ProblemException of type {@link
   *     CryptoProblems#DECRYPTION_FAILED} when the ciphertext or its aad was changed
   */
  byte[] decrypt(TenantId tenant, String purpose, byte[] ciphertext, byte[] aad);
}
