package io.truststram.crypto.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class MaskGeneratorTest {

  @Test
  void oneSeedAndLabelGiveOneMaskAndAMaskCancels() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    int[] a = MaskGenerator.expand(seed, "round 1 pair 3-7", 1000);
    assertThat(MaskGenerator.expand(seed, "round 1 pair 3-7", 1000)).isEqualTo(a);
    assertThat(MaskGenerator.expand(seed, "round 2 pair 3-7", 1000)).isNotEqualTo(a);
    int[] values = new int[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 7919;
    }
    int[] masked = values.clone();
    MaskGenerator.add(masked, a);
    assertThat(masked).isNotEqualTo(values);
    MaskGenerator.subtract(masked, a);
    assertThat(masked).isEqualTo(values);
    assertThatThrownBy(() -> MaskGenerator.expand(new byte[16], "x", 1))
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> MaskGenerator.add(new int[2], new int[3]))
        .hasMessageContaining("a mask of 3 words for 2 values");
  }

  /**
   * Masked values look uniform: a chi-square test over 256 buckets of the top byte of 2^18 words
   * masking a constant. With 255 degrees of freedom, 330 is above the 99.9th percentile (about
   * 330.5 is the 0.999 quantile).
   */
  @Test
  void maskedValuesAreIndistinguishableFromUniform() {
    byte[] seed = new byte[32];
    seed[0] = 42;
    int n = 1 << 18;
    int[] masked = new int[n];
    java.util.Arrays.fill(masked, 123_456);
    MaskGenerator.add(masked, MaskGenerator.expand(seed, "uniformity", n));
    long[] buckets = new long[256];
    for (int v : masked) {
      buckets[v >>> 24]++;
    }
    double expected = n / 256.0;
    double chi = 0;
    for (long count : buckets) {
      chi += (count - expected) * (count - expected) / expected;
    }
    assertThat(chi).isLessThan(330.5);
  }

  @Test
  void ringMasksOf32BitsAreTheIntMasksAndNarrowRingsStayReduced() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    int[] words = MaskGenerator.expand(seed, "label", 20_000);
    long[] ring = new long[20_000];
    MaskGenerator.apply(seed, "label", ring, 32, false);
    for (int i = 0; i < words.length; i++) {
      assertThat(ring[i]).isEqualTo(Integer.toUnsignedLong(words[i]));
    }
    MaskGenerator.apply(seed, "label", ring, 32, true);
    assertThat(ring).containsOnly(0L);
    long[] narrow = new long[1000];
    MaskGenerator.apply(seed, "label", narrow, 12, false);
    assertThat(java.util.Arrays.stream(narrow).allMatch(v -> v >= 0 && v < 4096)).isTrue();
    assertThat(java.util.Arrays.stream(narrow).distinct().count()).isGreaterThan(700);
    assertThatThrownBy(() -> MaskGenerator.apply(seed, "x", narrow, 65, false))
        .hasMessageContaining("1 to 64 bits");
  }
}
