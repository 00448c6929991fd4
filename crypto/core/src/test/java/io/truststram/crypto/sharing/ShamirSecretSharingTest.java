package io.truststram.crypto.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ShamirSecretSharingTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Any t of n shares, in any order, give the secret back. */
  @Property(tries = 40)
  void anyThresholdOfSharesRecoversTheSecret(
      @ForAll @IntRange(min = 1, max = 12) int threshold,
      @ForAll @IntRange(min = 0, max = 8) int extra,
      @ForAll @IntRange(min = 0, max = 64) int length,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    byte[] secret = new byte[length];
    new Random(seed).nextBytes(secret);
    int n = threshold + extra;
    List<ShamirSecretSharing.Share> shares =
        new ArrayList<>(ShamirSecretSharing.split(secret, threshold, n, RANDOM));
    Collections.shuffle(shares, new Random(seed));
    assertThat(ShamirSecretSharing.reconstruct(shares.subList(0, threshold), threshold, length))
        .isEqualTo(secret);
    // All n at once: also checked for consistency.
    assertThat(ShamirSecretSharing.reconstruct(shares, threshold, length)).isEqualTo(secret);
  }

  @Test
  void fewerSharesOrAWrongShareAreErrorsNotWrongSecrets() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    List<ShamirSecretSharing.Share> shares = ShamirSecretSharing.split(secret, 3, 5, RANDOM);
    assertThatThrownBy(() -> ShamirSecretSharing.reconstruct(shares.subList(0, 2), 3, 32))
        .hasMessageContaining("needs 3 shares, got 2");
    byte[] tampered = shares.get(4).y();
    tampered[40] ^= 1;
    List<ShamirSecretSharing.Share> bad = new ArrayList<>(shares.subList(0, 4));
    bad.add(new ShamirSecretSharing.Share(5, tampered));
    assertThatThrownBy(() -> ShamirSecretSharing.reconstruct(bad, 3, 32))
        .hasMessageContaining("share 5 does not lie on the polynomial");
    List<ShamirSecretSharing.Share> twice = List.of(shares.get(0), shares.get(0), shares.get(1));
    assertThatThrownBy(() -> ShamirSecretSharing.reconstruct(twice, 3, 32))
        .hasMessageContaining("two shares at x = 1");
    assertThatThrownBy(() -> ShamirSecretSharing.split(new byte[65], 2, 3, RANDOM))
        .hasMessageContaining("at most 64 bytes");
    assertThatThrownBy(() -> ShamirSecretSharing.split(secret, 4, 3, RANDOM))
        .hasMessageContaining("threshold must be between 1 and the number of shares");
  }

  @Test
  void sharesAtChosenPointsRecoverFromAnyThresholdOfThem() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    List<ShamirSecretSharing.Share> shares =
        ShamirSecretSharing.split(
            secret, 3, new int[] {4, 17, 230, 9000, 65535}, new SecureRandom());
    assertThat(shares.stream().map(ShamirSecretSharing.Share::x))
        .containsExactly(4, 17, 230, 9000, 65535);
    assertThat(
            ShamirSecretSharing.reconstruct(
                List.of(shares.get(4), shares.get(1), shares.get(2)), 3, 32))
        .isEqualTo(secret);
    assertThat(ShamirSecretSharing.reconstruct(shares, 3, 32)).isEqualTo(secret);
    assertThatThrownBy(
            () -> ShamirSecretSharing.split(secret, 2, new int[] {3, 3}, new SecureRandom()))
        .hasMessageContaining("distinct");
    assertThatThrownBy(
            () -> ShamirSecretSharing.split(secret, 2, new int[] {0, 3}, new SecureRandom()))
        .hasMessageContaining("distinct");
  }
}
