package io.truststram.audit.log;

import java.security.MessageDigest;
import java.util.List;

/**
 * Verification of inclusion and consistency proofs, as RFC 9162 §2.1.3.2 and §2.1.4.2 give the
 * algorithms: no tree needed, only the proof, the sizes and the roots. Every answer is true or
 * false; malformed proofs (wrong count, wrong hash length) are false.
 */
public final class Proofs {

  private Proofs() {}

  /**
   * Whether {@code proof} shows leaf {@code leafHash} at {@code index} in the tree of {@code root}.
   */
  public static boolean verifyInclusion(
      long index, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= treeSize || !wellFormed(proof) || leafHash.length != 32) {
      return false;
    }
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHashes.node(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = MerkleHashes.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * Whether {@code proof} shows that the tree of {@code firstSize} leaves and root {@code
   * firstRoot} is a prefix of the tree of {@code secondSize} leaves and root {@code secondRoot}.
   */
  public static boolean verifyConsistency(
      long firstSize, long secondSize, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
    if (firstSize < 0 || firstSize > secondSize || !wellFormed(proof)) {
      return false;
    }
    if (firstSize == secondSize) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (firstSize == 0) {
      // The empty tree is a prefix of every tree; there is nothing to prove.
      return proof.isEmpty();
    }
    if (proof.isEmpty()) {
      return false;
    }
    java.util.ArrayList<byte[]> path = new java.util.ArrayList<>(proof);
    if (Long.bitCount(firstSize) == 1) {
      path.addFirst(firstRoot);
    }
    long fn = firstSize - 1;
    long sn = secondSize - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.getFirst();
    byte[] sr = path.getFirst();
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHashes.node(c, fr);
        sr = MerkleHashes.node(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = MerkleHashes.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
  }

  private static boolean wellFormed(List<byte[]> proof) {
    for (byte[] hash : proof) {
      if (hash == null || hash.length != MerkleHashes.LENGTH) {
        return false;
      }
    }
    return proof.size() <= 64;
  }
}
