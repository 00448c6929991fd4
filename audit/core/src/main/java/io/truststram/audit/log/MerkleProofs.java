package io.truststram.audit.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Roots and proofs (RFC 9162 §2.1) computed from the hashes of complete subtrees, wherever those
 * are kept: in memory ({@link MerkleTree}) or in a database.
 *
 * <p>A complete subtree is an aligned, power-of-two range of leaves: at level {@code k}, subtree
 * {@code i} covers leaves {@code [i·2^k, (i+1)·2^k)}; level 0 holds the leaf hashes. Any other
 * range is the hash of at most log₂ n complete subtrees, so a root or proof reads O(log² n) of them
 * at most. The algorithms never branch on a hash's value, so a store that must fetch its hashes can
 * ask first which it needs ({@link #subtreesFor}) and fetch them in one round trip.
 */
public final class MerkleProofs {

  /** Where complete-subtree hashes are read from. */
  @FunctionalInterface
  public interface Subtrees {
    /** The hash of complete subtree {@code index} at {@code level}; level 0 is the leaves. */
    byte[] hash(int level, long index);
  }

  /** One complete subtree: leaves {@code [index·2^level, (index+1)·2^level)}. */
  public record Subtree(int level, long index) {}

  private static final byte[] UNFETCHED = new byte[MerkleHashes.LENGTH];

  private MerkleProofs() {}

  /** The root of the tree of {@code treeSize} leaves (MTH, RFC 9162 §2.1.1). */
  public static byte[] root(Subtrees subtrees, long treeSize) {
    if (treeSize < 0) {
      throw new IllegalArgumentException("a tree size is not negative: " + treeSize);
    }
    return treeSize == 0 ? MerkleHashes.emptyRoot() : hash(subtrees, 0, treeSize);
  }

  /** The audit path of leaf {@code index} in the tree of {@code treeSize} leaves (§2.1.3.1). */
  public static List<byte[]> inclusionProof(Subtrees subtrees, long index, long treeSize) {
    check(index, treeSize, "leaf index");
    List<byte[]> path = new ArrayList<>();
    path(subtrees, index, 0, treeSize, path);
    return path;
  }

  /**
   * The proof that the tree of {@code firstSize} leaves is a prefix of the tree of {@code
   * secondSize} leaves (§2.1.4.1).
   */
  public static List<byte[]> consistencyProof(Subtrees subtrees, long firstSize, long secondSize) {
    if (firstSize < 0 || firstSize > secondSize) {
      throw new IllegalArgumentException(
          "consistency needs 0 <= first size <= second size, not " + firstSize + ", " + secondSize);
    }
    List<byte[]> proof = new ArrayList<>();
    if (firstSize > 0 && firstSize < secondSize) {
      subproof(subtrees, firstSize, 0, secondSize, true, proof);
    }
    return proof;
  }

  /**
   * The complete subtrees that {@code computation} reads, in the order it first reads them: run it
   * once against this, fetch them, and run it again against what was fetched.
   */
  public static Set<Subtree> subtreesFor(Function<Subtrees, ?> computation) {
    Set<Subtree> wanted = new LinkedHashSet<>();
    computation.apply(
        (level, index) -> {
          wanted.add(new Subtree(level, index));
          return UNFETCHED;
        });
    return wanted;
  }

  /** Reads subtree hashes from a map, as fetched after {@link #subtreesFor}. */
  public static Subtrees from(Map<Subtree, byte[]> fetched) {
    return (level, index) -> {
      byte[] hash = fetched.get(new Subtree(level, index));
      if (hash == null) {
        throw new IllegalStateException("subtree " + index + " at level " + level + " is missing");
      }
      return hash;
    };
  }

  /**
   * The complete subtrees along the right edge of a tree of {@code size} leaves, largest first:
   * what appending needs, since the next leaf's left siblings are exactly these.
   */
  public static List<Subtree> frontier(long size) {
    List<Subtree> edge = new ArrayList<>();
    for (int level = 63; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        edge.add(new Subtree(level, (size >>> level) - 1));
      }
    }
    return edge;
  }

  /**
   * Appends leaves to a tree whose right edge is {@code frontier} (hashes of {@link
   * #frontier(long)} for {@code size}, largest first) and reports every complete subtree above the
   * leaves that the new leaves finish.
   *
   * @return the new frontier, largest first
   */
  public static List<byte[]> append(
      long size, List<byte[]> frontier, List<byte[]> leafHashes, CompletedSubtree completed) {
    // The frontier as a stack indexed by level, smallest on top, mirrors the set bits of size.
    byte[][] byLevel = new byte[64][];
    List<Subtree> shape = frontier(size);
    if (shape.size() != frontier.size()) {
      throw new IllegalArgumentException(
          "a tree of " + size + " leaves has " + shape.size() + " frontier hashes");
    }
    for (int i = 0; i < shape.size(); i++) {
      byLevel[shape.get(i).level()] = frontier.get(i);
    }
    long position = size;
    for (byte[] leaf : leafHashes) {
      byte[] hash = leaf;
      long index = position;
      int level = 0;
      while ((index & 1) == 1) {
        hash = MerkleHashes.node(byLevel[level], hash);
        byLevel[level] = null;
        index >>= 1;
        level++;
        completed.accept(level, index, hash);
      }
      byLevel[level] = hash;
      position++;
    }
    List<byte[]> next = new ArrayList<>();
    for (Subtree subtree : frontier(position)) {
      next.add(byLevel[subtree.level()]);
    }
    return next;
  }

  /** Receives each interior complete subtree that appending finishes. */
  @FunctionalInterface
  public interface CompletedSubtree {
    void accept(int level, long index, byte[] hash);
  }

  /** The root of a tree from its frontier (largest first). */
  public static byte[] rootOfFrontier(List<byte[]> frontier) {
    if (frontier.isEmpty()) {
      return MerkleHashes.emptyRoot();
    }
    byte[] hash = frontier.getLast();
    for (int i = frontier.size() - 2; i >= 0; i--) {
      hash = MerkleHashes.node(frontier.get(i), hash);
    }
    return Arrays.copyOf(hash, hash.length);
  }

  // PATH(m, D[lo:hi]): the sibling hashes on the way from leaf m to the root of D[lo:hi].
  private static void path(Subtrees subtrees, long m, long lo, long hi, List<byte[]> out) {
    long n = hi - lo;
    if (n == 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m - lo < k) {
      path(subtrees, m, lo, lo + k, out);
      out.add(hash(subtrees, lo + k, hi));
    } else {
      path(subtrees, m, lo + k, hi, out);
      out.add(hash(subtrees, lo, lo + k));
    }
  }

  // SUBPROOF(m, D[lo:hi], b).
  private static void subproof(
      Subtrees subtrees, long m, long lo, long hi, boolean complete, List<byte[]> out) {
    long n = hi - lo;
    if (m == n) {
      if (!complete) {
        out.add(hash(subtrees, lo, hi));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(subtrees, m, lo, lo + k, complete, out);
      out.add(hash(subtrees, lo + k, hi));
    } else {
      subproof(subtrees, m - k, lo + k, hi, false, out);
      out.add(hash(subtrees, lo, lo + k));
    }
  }

  /** MTH of leaves [lo, hi), from the stored complete subtrees. */
  private static byte[] hash(Subtrees subtrees, long lo, long hi) {
    long n = hi - lo;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      if ((lo & (n - 1)) == 0) {
        return subtrees.hash(level, lo >> level);
      }
    }
    long k = largestPowerOfTwoBelow(n);
    return MerkleHashes.node(hash(subtrees, lo, lo + k), hash(subtrees, lo + k, hi));
  }

  /** The largest power of two smaller than {@code n} (n > 1). */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }

  static void check(long index, long bound, String what) {
    if (index < 0 || index >= bound) {
      throw new IllegalArgumentException(what + " " + index + " is not below " + bound);
    }
  }
}
