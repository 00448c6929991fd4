package io.truststram.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The store-independent algorithms: appending through a frontier, as a database-backed log does,
 * must give the same subtrees, roots and proofs as the in-memory tree.
 */
class MerkleProofsTest {

  private static byte[] leaf(int i) {
    return MerkleHashes.leaf(("entry " + i).getBytes(StandardCharsets.UTF_8));
  }

  /** Appends in batches of varying size, keeping only the frontier and the completed subtrees. */
  private static Map<MerkleProofs.Subtree, byte[]> appendInBatches(
      int size, int batch, List<byte[]> frontierOut) {
    Map<MerkleProofs.Subtree, byte[]> stored = new HashMap<>();
    List<byte[]> frontier = List.of();
    long appended = 0;
    while (appended < size) {
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < batch && appended + i < size; i++) {
        byte[] hash = leaf((int) appended + i);
        leaves.add(hash);
        stored.put(new MerkleProofs.Subtree(0, appended + i), hash);
      }
      frontier =
          MerkleProofs.append(
              appended,
              frontier,
              leaves,
              (level, index, hash) -> {
                assertThat(stored.put(new MerkleProofs.Subtree(level, index), hash))
                    .as("subtree %d at level %d finished twice", index, level)
                    .isNull();
              });
      appended += leaves.size();
    }
    frontierOut.addAll(frontier);
    return stored;
  }

  @Property(tries = 60)
  void appendingThroughTheFrontierMatchesTheInMemoryTree(
      @ForAll @IntRange(min = 0, max = 300) int size,
      @ForAll @IntRange(min = 1, max = 17) int batch) {
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < size; i++) {
      tree.append(leaf(i));
    }
    List<byte[]> frontier = new ArrayList<>();
    Map<MerkleProofs.Subtree, byte[]> stored = appendInBatches(size, batch, frontier);

    assertThat(MerkleProofs.rootOfFrontier(frontier)).isEqualTo(tree.root(size));
    assertThat(frontier).hasSize(Long.bitCount(size));
    MerkleProofs.Subtrees fromMap = MerkleProofs.from(stored);
    for (long m = 0; m <= size; m += Math.max(1, size / 7)) {
      assertThat(MerkleProofs.root(fromMap, m)).isEqualTo(tree.root(m));
      if (m < size) {
        assertThat(MerkleProofs.inclusionProof(fromMap, m, size))
            .containsExactlyElementsOf(tree.inclusionProof(m, size));
      }
      assertThat(MerkleProofs.consistencyProof(fromMap, m, size))
          .containsExactlyElementsOf(tree.consistencyProof(m, size));
    }
  }

  @Test
  void asksForEverySubtreeItReadsAndNoMore() {
    int size = 1000;
    List<byte[]> frontier = new ArrayList<>();
    Map<MerkleProofs.Subtree, byte[]> stored = appendInBatches(size, 64, frontier);
    Set<MerkleProofs.Subtree> wanted =
        MerkleProofs.subtreesFor(s -> MerkleProofs.inclusionProof(s, 617, size));
    assertThat(wanted.size()).isLessThanOrEqualTo(10 * 10);
    Map<MerkleProofs.Subtree, byte[]> fetched = new HashMap<>();
    for (MerkleProofs.Subtree subtree : wanted) {
      fetched.put(subtree, stored.get(subtree));
    }
    List<byte[]> proof = MerkleProofs.inclusionProof(MerkleProofs.from(fetched), 617, size);
    assertThat(
            Proofs.verifyInclusion(
                617, size, leaf(617), proof, MerkleProofs.rootOfFrontier(frontier)))
        .isTrue();
  }

  @Test
  void refusesAFrontierOfTheWrongShape() {
    assertThatThrownBy(
            () -> MerkleProofs.append(3, List.of(leaf(0)), List.of(leaf(3)), (l, i, h) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frontier");
  }

  @Test
  void theFrontierOfASizeFollowsItsBits() {
    assertThat(MerkleProofs.frontier(13))
        .containsExactly(
            new MerkleProofs.Subtree(3, 0),
            new MerkleProofs.Subtree(2, 2),
            new MerkleProofs.Subtree(0, 12));
    assertThat(MerkleProofs.frontier(0)).isEmpty();
  }
}
