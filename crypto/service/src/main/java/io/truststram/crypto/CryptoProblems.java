package io.truststram.crypto;

import io.truststram.common.problem.ProblemType;

/** Problem types of the key manager. None ever carries key material or plaintext. */
public final class CryptoProblems {

  private CryptoProblems() {}

  /** No key of that name in the caller's tenant. */
  public static final ProblemType KEY_NOT_FOUND =
      new ProblemType("crypto-key-not-found", 404, "Key not found");

  /** The tenant already has a key of that name. */
  public static final ProblemType KEY_EXISTS =
      new ProblemType("crypto-key-exists", 409, "Key already exists");

  /** An algorithm or key type the key manager does not know (aliases are listed in the docs). */
  public static final ProblemType UNKNOWN_ALGORITHM =
      new ProblemType("crypto-unknown-algorithm", 400, "Unknown algorithm");

  /** The key's type does not do this operation (signing with a KEM key, say). */
  public static final ProblemType WRONG_KEY_TYPE =
      new ProblemType("crypto-wrong-key-type", 400, "Operation not supported by this key type");

  /** Malformed input: bad base64, a ciphertext or signature of the wrong form or length. */
  public static final ProblemType INVALID_INPUT =
      new ProblemType("crypto-invalid-input", 400, "Invalid cryptographic input");

  /** Decryption failed; deliberately the same for every cause. */
  public static final ProblemType DECRYPTION_FAILED =
      new ProblemType("crypto-decryption-failed", 400, "Decryption failed");

  /** The key version is below the key's minimum for the operation, trimmed, or does not exist. */
  public static final ProblemType VERSION_NOT_ALLOWED =
      new ProblemType("crypto-key-version-not-allowed", 400, "Key version not allowed");

  /** The tenant's crypto policy does not allow this key type. */
  public static final ProblemType POLICY_VIOLATION =
      new ProblemType("crypto-policy-violation", 403, "Forbidden by the crypto policy");

  /** A batch larger than the key manager takes in one request. */
  public static final ProblemType BATCH_TOO_LARGE =
      new ProblemType("crypto-batch-too-large", 413, "Batch too large");

  /** The key is not exportable. */
  public static final ProblemType NOT_EXPORTABLE =
      new ProblemType("crypto-key-not-exportable", 403, "Key not exportable");

  /**
   * A data operation on one of the platform's own keys ({@code truststram.*}): only the platform
   * uses them (one could otherwise sign audit checkpoints or key attestations).
   */
  public static final ProblemType PLATFORM_KEY =
      new ProblemType("crypto-platform-key", 403, "Platform key");

  /** The key's configuration does not allow deleting it, or the change asked for is impossible. */
  public static final ProblemType CONFIG_CONFLICT =
      new ProblemType("crypto-key-config-conflict", 409, "Key configuration conflict");
}
