package io.truststram.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

  private static final HexFormat HEX = HexFormat.of();

  /**
   * The test vectors of RFC 6962's reference implementation (Certificate Transparency), which RFC
   * 9162 keeps: eight leaves and the root after each.
   */
  @Test
  void rootsMatchTheCertificateTransparencyTestVectors() {
    String[] leaves = {
      "",
      "00",
      "10",
      "2021",
      "3031",
      "40414243",
      "5051525354555657",
      "606162636465666768696a6b6c6d6e6f"
    };
    String[] roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    };
    MerkleTree tree = new MerkleTree();
    assertThat(HEX.formatHex(tree.root(0)))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (int i = 0; i < leaves.length; i++) {
      tree.append(MerkleHashes.leaf(HEX.parseHex(leaves[i])));
      assertThat(HEX.formatHex(tree.root(i + 1))).as("size %d", i + 1).isEqualTo(roots[i]);
    }
    // Earlier sizes stay answerable after growth.
    for (int i = 0; i < leaves.length; i++) {
      assertThat(HEX.formatHex(tree.root(i + 1))).isEqualTo(roots[i]);
    }
  }

  @Property(tries = 40)
  void everyProofVerifiesAndAnyChangeBreaksIt(@ForAll @IntRange(min = 1, max = 150) int size) {
    Random random = new Random(size);
    List<byte[]> leaves = new ArrayList<>();
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < size; i++) {
      byte[] entry = new byte[1 + random.nextInt(40)];
      random.nextBytes(entry);
      leaves.add(MerkleHashes.leaf(entry));
      tree.append(leaves.getLast());
    }
    for (int n = 1; n <= size; n++) {
      byte[] root = tree.root(n);
      assertThat(root).isEqualTo(naiveRoot(leaves.subList(0, n)));
      for (int m = 0; m < n; m += Math.max(1, n / 7)) {
        List<byte[]> proof = tree.inclusionProof(m, n);
        assertThat(Proofs.verifyInclusion(m, n, leaves.get(m), proof, root)).isTrue();
        assertThat(Proofs.verifyInclusion(m, n, leaves.get((m + 1) % n), proof, root))
            .isEqualTo(n == 1 || leaves.get((m + 1) % n) == leaves.get(m));
        if (!proof.isEmpty()) {
          List<byte[]> changed = new ArrayList<>(proof);
          byte[] first = changed.getFirst().clone();
          first[0] ^= 1;
          changed.set(0, first);
          assertThat(Proofs.verifyInclusion(m, n, leaves.get(m), changed, root)).isFalse();
          // The leaf claimed at another position does not verify. (A proof says nothing of the
          // size by itself: the signed checkpoint binds size and root together.)
          if (m + 1 < n) {
            assertThat(Proofs.verifyInclusion(m + 1, n, leaves.get(m), proof, root)).isFalse();
          }
        }
      }
      for (int m = 0; m <= n; m += Math.max(1, n / 5)) {
        List<byte[]> proof = tree.consistencyProof(m, n);
        byte[] first = tree.root(m);
        assertThat(Proofs.verifyConsistency(m, n, first, root, proof))
            .as("%d -> %d", m, n)
            .isTrue();
        if (m > 0 && m < n) {
          byte[] wrong = first.clone();
          wrong[3] ^= 1;
          assertThat(Proofs.verifyConsistency(m, n, wrong, root, proof)).isFalse();
          assertThat(Proofs.verifyConsistency(m, n, first, wrong, proof)).isFalse();
        }
      }
    }
  }

  @Test
  void aRewrittenHistoryIsNotConsistentWithTheCheckpointBeforeIt() {
    MerkleTree honest = new MerkleTree();
    MerkleTree rewritten = new MerkleTree();
    for (int i = 0; i < 20; i++) {
      honest.append(MerkleHashes.leaf(new byte[] {(byte) i}));
      rewritten.append(MerkleHashes.leaf(new byte[] {(byte) (i == 5 ? 99 : i)}));
    }
    byte[] before = honest.root(10);
    List<byte[]> proof = rewritten.consistencyProof(10, 20);
    assertThat(Proofs.verifyConsistency(10, 20, before, rewritten.root(20), proof)).isFalse();
    assertThat(
            Proofs.verifyConsistency(
                10, 20, before, honest.root(20), honest.consistencyProof(10, 20)))
        .isTrue();
  }

  /** MTH straight from RFC 9162's definition, for comparison. */
  private static byte[] naiveRoot(List<byte[]> leaves) {
    if (leaves.size() == 1) {
      return leaves.getFirst();
    }
    int k = (int) MerkleProofs.largestPowerOfTwoBelow(leaves.size());
    return MerkleHashes.node(
        naiveRoot(leaves.subList(0, k)), naiveRoot(leaves.subList(k, leaves.size())));
  }
}
