package io.truststram.crypto.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SealedBoxTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final KeyPair MLKEM768 =
      Primitives.kem(Algorithm.ML_KEM_768).generateKeyPair(RANDOM);

  @ParameterizedTest
  @EnumSource(names = {"ML_KEM_512", "ML_KEM_768", "ML_KEM_1024", "X_WING"})
  void aBoxOpensOnlyWithItsKeyAndAssociatedDataAndUnchanged(Algorithm algorithm) {
    KeyPair keys = Primitives.kem(algorithm).generateKeyPair(RANDOM);
    byte[] message = "the seed of client 17's self mask".getBytes();
    byte[] aad = "round 3".getBytes();
    byte[] box = SealedBox.seal(algorithm, keys.publicKey(), message, aad, RANDOM);
    assertThat(SealedBox.algorithmOf(box)).isEqualTo(algorithm);
    assertThat(box).hasSize(4 + algorithm.outputLength() + 12 + message.length + 16);
    assertThat(SealedBox.open(algorithm, keys.secretKey(), keys.publicKey(), box, aad))
        .isEqualTo(message);

    assertThatThrownBy(
            () -> SealedBox.open(algorithm, keys.secretKey(), keys.publicKey(), box, new byte[0]))
        .isInstanceOf(DecryptionFailedException.class);
    KeyPair other = Primitives.kem(algorithm).generateKeyPair(RANDOM);
    assertThatThrownBy(
            () -> SealedBox.open(algorithm, other.secretKey(), other.publicKey(), box, aad))
        .isInstanceOf(DecryptionFailedException.class);
    for (int i = 0; i < box.length; i += 97) {
      byte[] changed = box.clone();
      changed[i] ^= 1;
      assertThatThrownBy(
              () -> SealedBox.open(algorithm, keys.secretKey(), keys.publicKey(), changed, aad))
          .isInstanceOf(DecryptionFailedException.class);
    }
  }

  @Property(tries = 200)
  void randomBytesNeverOpenAndNeverThrowAnythingElse(@ForAll @Size(max = 2000) byte[] junk) {
    assertThatThrownBy(
            () ->
                SealedBox.open(
                    Algorithm.ML_KEM_768,
                    MLKEM768.secretKey(),
                    MLKEM768.publicKey(),
                    junk,
                    new byte[0]))
        .isInstanceOf(DecryptionFailedException.class);
  }
}
