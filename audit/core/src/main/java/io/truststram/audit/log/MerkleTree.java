package io.truststram.audit.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An append-only Merkle tree (RFC 9162 §2.1) of leaf hashes that answers for any size it has had:
 * the root, an inclusion proof of any leaf, and a consistency proof between two sizes.
 *
 * <p>It keeps the hash of every complete (power-of-two, aligned) subtree, level by level, in flat
 * arrays: about 64 bytes per leaf. Any other range is the hash of at most log2(n) complete
 * subtrees, so a root or proof costs O(log² n) hash computations at most, not O(n), whatever the
 * size. Appending is amortised O(1). Not thread-safe; callers serialise appends.
 */
public final class MerkleTree {

  /** levels.get(k) holds the hashes of the complete subtrees of 2^k leaves, in order. */
  private final List<HashArray> levels = new ArrayList<>();

  private long size;

  public MerkleTree() {
    levels.add(new HashArray());
  }

  /** How many leaves it holds. */
  public long size() {
    return size;
  }

  /** Appends a leaf given as its hash ({@link MerkleHashes#leaf}); returns its index. */
  public long append(byte[] leafHash) {
    if (leafHash.length != MerkleHashes.LENGTH) {
      throw new IllegalArgumentException("a leaf hash has 32 bytes, not " + leafHash.length);
    }
    long index = size;
    levels.getFirst().add(leafHash);
    size++;
    // Complete every subtree this leaf finishes.
    byte[] hash = leafHash;
    long position = index;
    int level = 0;
    while ((position & 1) == 1) {
      byte[] left = levels.get(level).get(position - 1);
      hash = MerkleHashes.node(left, hash);
      position >>= 1;
      level++;
      if (levels.size() == level) {
        levels.add(new HashArray());
      }
      levels.get(level).add(hash);
    }
    return index;
  }

  /** The hash of leaf {@code index}. */
  public byte[] leafHash(long index) {
    MerkleProofs.check(index, size, "leaf index");
    return levels.getFirst().get(index);
  }

  /** The root of the tree of its first {@code treeSize} leaves (MTH, RFC 9162 §2.1.1). */
  public byte[] root(long treeSize) {
    checkSize(treeSize);
    return MerkleProofs.root(this::subtree, treeSize);
  }

  /**
   * The audit path of leaf {@code index} in the tree of {@code treeSize} leaves (RFC 9162
   * §2.1.3.1), from the leaf up.
   */
  public List<byte[]> inclusionProof(long index, long treeSize) {
    checkSize(treeSize);
    return MerkleProofs.inclusionProof(this::subtree, index, treeSize);
  }

  /**
   * The proof that the tree of {@code firstSize} leaves is a prefix of the tree of {@code
   * secondSize} leaves (RFC 9162 §2.1.4.1).
   */
  public List<byte[]> consistencyProof(long firstSize, long secondSize) {
    checkSize(secondSize);
    return MerkleProofs.consistencyProof(this::subtree, firstSize, secondSize);
  }

  private byte[] subtree(int level, long index) {
    return levels.get(level).get(index);
  }

  private void checkSize(long treeSize) {
    if (treeSize < 0 || treeSize > size) {
      throw new IllegalArgumentException(
          "tree size " + treeSize + " is not one this log has had (0 to " + size + ")");
    }
  }

  /** A growable array of 32-byte hashes in one block of memory. */
  private static final class HashArray {
    private byte[] bytes = new byte[MerkleHashes.LENGTH * 16];
    private long count;

    void add(byte[] hash) {
      long end = (count + 1) * MerkleHashes.LENGTH;
      if (end > bytes.length) {
        long grown = Math.max(end, (long) bytes.length * 2);
        if (grown > Integer.MAX_VALUE - 64) {
          grown = Integer.MAX_VALUE - 64;
          if (end > grown) {
            throw new IllegalStateException("a log level holds at most 67 million hashes");
          }
        }
        bytes = Arrays.copyOf(bytes, (int) grown);
      }
      System.arraycopy(hash, 0, bytes, (int) (count * MerkleHashes.LENGTH), MerkleHashes.LENGTH);
      count++;
    }

    byte[] get(long index) {
      int from = (int) (index * MerkleHashes.LENGTH);
      return Arrays.copyOfRange(bytes, from, from + MerkleHashes.LENGTH);
    }
  }
}
