package io.truststram.crypto.seal;

import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.Digests;
import io.truststram.crypto.primitive.Encapsulation;
import io.truststram.crypto.primitive.Hkdf;
import io.truststram.crypto.primitive.InvalidKeyException;
import io.truststram.crypto.primitive.Kem;
import io.truststram.crypto.primitive.Primitives;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Public-key encryption to the holder of an ML-KEM or X-Wing key, in the manner of HPKE's base mode
 * (RFC 9180): a KEM gives a fresh shared secret; HKDF-SHA256 turns it into an AES-256-GCM key under
 * a versioned label that also binds the algorithm, the recipient's public key and the KEM
 * ciphertext; the message is encrypted with the caller's associated data and the box's header as
 * AAD.
 *
 * <p>Format, version 1: {@code 0x54 0x53 0x01} ("TS", version), one byte naming the KEM, the KEM
 * ciphertext (its fixed length), then the AES-256-GCM output (nonce, ciphertext, tag).
 */
public final class SealedBox {

  /** The label under which keys are derived; a new format gets a new label. */
  static final String LABEL = "truststram sealed box v1";

  private static final byte[] MAGIC = {0x54, 0x53, 0x01};
  private static final int HEADER = MAGIC.length + 1;

  private SealedBox() {}

  /**
   * Encrypts {@code plaintext} to {@code recipientPublicKey}.
   *
   * @throws IllegalArgumentException when {@code algorithm} is not ML-KEM or X-Wing, or the key has
   *     the wrong length
   */
  public static byte[] seal(
      Algorithm algorithm,
      byte[] recipientPublicKey,
      byte[] plaintext,
      byte[] aad,
      SecureRandom random) {
    Kem kem = Primitives.kem(algorithm);
    Encapsulation encapsulation = kem.encapsulate(recipientPublicKey, random);
    byte[] header = header(algorithm);
    byte[] key = key(algorithm, recipientPublicKey, encapsulation.ciphertext(), encapsulation);
    try {
      byte[] sealed = Aes256Gcm.encrypt(key, plaintext, Digests.concat(header, aad), random);
      ByteArrayOutputStream out =
          new ByteArrayOutputStream(
              header.length + encapsulation.ciphertext().length + sealed.length);
      out.writeBytes(header);
      out.writeBytes(encapsulation.ciphertext());
      out.writeBytes(sealed);
      return out.toByteArray();
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(encapsulation.sharedSecret(), (byte) 0);
    }
  }

  /**
   * Decrypts a box sealed to the key pair of {@code secretKey} and {@code publicKey} with {@code
   * aad}.
   *
   * @throws DecryptionFailedException when the box is not one, was sealed to another key or with
   *     other associated data, or was changed: one error for every cause
   * @throws InvalidKeyException when the keys do not have the algorithm's lengths
   */
  public static byte[] open(
      Algorithm algorithm, byte[] secretKey, byte[] publicKey, byte[] box, byte[] aad) {
    Kem kem = Primitives.kem(algorithm);
    if (publicKey.length != algorithm.publicKeyLength()) {
      throw new InvalidKeyException(
          algorithm + " public key must be " + algorithm.publicKeyLength() + " bytes");
    }
    int kemLength = algorithm.outputLength();
    byte[] header = header(algorithm);
    if (box.length < HEADER + kemLength + Aes256Gcm.NONCE_LENGTH + Aes256Gcm.TAG_LENGTH
        || !Arrays.equals(box, 0, HEADER, header, 0, HEADER)) {
      throw new DecryptionFailedException();
    }
    byte[] ciphertext = Arrays.copyOfRange(box, HEADER, HEADER + kemLength);
    byte[] shared = kem.decapsulate(secretKey, ciphertext);
    byte[] key = key(algorithm, publicKey, ciphertext, new Encapsulation(ciphertext, shared));
    try {
      return Aes256Gcm.decrypt(
          key,
          Arrays.copyOfRange(box, HEADER + kemLength, box.length),
          Digests.concat(header, aad));
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(shared, (byte) 0);
    }
  }

  /** The algorithm a box was sealed with, read from its header. */
  public static Algorithm algorithmOf(byte[] box) {
    if (box.length < HEADER || !Arrays.equals(box, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new DecryptionFailedException();
    }
    return switch (box[MAGIC.length]) {
      case 1 -> Algorithm.ML_KEM_512;
      case 2 -> Algorithm.ML_KEM_768;
      case 3 -> Algorithm.ML_KEM_1024;
      case 4 -> Algorithm.X_WING;
      default -> throw new DecryptionFailedException();
    };
  }

  private static byte[] header(Algorithm algorithm) {
    byte id =
        switch (algorithm) {
          case ML_KEM_512 -> 1;
          case ML_KEM_768 -> 2;
          case ML_KEM_1024 -> 3;
          case X_WING -> 4;
          default ->
              throw new IllegalArgumentException(
                  "sealed boxes take ML-KEM or X-Wing keys, not " + algorithm);
        };
    byte[] header = Arrays.copyOf(MAGIC, HEADER);
    header[MAGIC.length] = id;
    return header;
  }

  private static byte[] key(
      Algorithm algorithm, byte[] publicKey, byte[] ciphertext, Encapsulation encapsulation) {
    byte[] info =
        Digests.concat(
            Digests.concat(
                (LABEL + "\0" + algorithm.fipsName() + "\0").getBytes(StandardCharsets.UTF_8),
                Digests.sha256(publicKey)),
            Digests.sha256(ciphertext));
    return Hkdf.sha256(encapsulation.sharedSecret(), new byte[0], info, Aes256Gcm.KEY_LENGTH);
  }
}
