package io.truststram.audit.log;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 9162 §2.1.1 hashing: a leaf is SHA-256(0x00 || entry), an interior node SHA-256(0x01 || left
 * || right), and the empty tree's root SHA-256 of nothing. The prefixes keep a leaf from passing
 * for a node (second-preimage attacks).
 */
public final class MerkleHashes {

  /** The length of every hash. */
  public static final int LENGTH = 32;

  private MerkleHashes() {}

  public static byte[] leaf(byte[] entry) {
    MessageDigest sha = sha256();
    sha.update((byte) 0);
    sha.update(entry);
    return sha.digest();
  }

  public static byte[] node(byte[] left, byte[] right) {
    MessageDigest sha = sha256();
    sha.update((byte) 1);
    sha.update(left);
    sha.update(right);
    return sha.digest();
  }

  /** The root of the tree of no entries. */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
