package io.truststram.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CheckpointTest {

  @ParameterizedTest
  @EnumSource(names = {"ML_DSA_65", "ML_DSA_65_ED25519"})
  void aSignedCheckpointVerifiesAndAnyChangeDoesNot(Algorithm algorithm) {
    SecureRandom random = new SecureRandom();
    KeyPair keys = Primitives.signers(algorithm).getFirst().generateKeyPair(random);
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < 5; i++) {
      tree.append(MerkleHashes.leaf(("entry " + i).getBytes()));
    }
    Instant now = Instant.parse("2026-11-26T19:00:00Z");
    Checkpoint checkpoint = new Checkpoint("tenant-7", 5, tree.root(5), now);
    Checkpoint.Signed signed = checkpoint.sign(algorithm, keys.secretKey(), random);
    assertThat(signed.verify(keys.publicKey())).isTrue();
    assertThat(new String(checkpoint.body()))
        .startsWith("truststram audit checkpoint v1\ntenant-7\n5\n");

    Checkpoint shorter = new Checkpoint("tenant-7", 4, tree.root(4), now);
    assertThat(
            new Checkpoint.Signed(shorter, algorithm, signed.signature()).verify(keys.publicKey()))
        .isFalse();
    Checkpoint elsewhere = new Checkpoint("tenant-8", 5, tree.root(5), now);
    assertThat(
            new Checkpoint.Signed(elsewhere, algorithm, signed.signature())
                .verify(keys.publicKey()))
        .isFalse();
  }
}
