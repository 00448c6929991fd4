package io.truststram.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaillierSettingsTest {

  private static final String KEY =
      PaillierSettings.encodeKey(
          new io.truststram.crypto.homomorphic.Paillier.PublicKey(
              BigInteger.ONE.shiftLeft(2047).add(BigInteger.valueOf(12345))));
  private static final String DIGEST = "ab".repeat(32);

  private static Map<String, String> committee(String parties, String threshold, String keys) {
    Map<String, String> values = new HashMap<>();
    values.put("public-key", KEY);
    values.put("committee", parties);
    values.put("committee-threshold", threshold);
    values.put("verification-keys", keys);
    return values;
  }

  @Test
  void aCommitteeReadsBackAsItWasWritten() {
    PaillierSettings settings =
        PaillierSettings.fromMap(
            committee("3", "2", DIGEST + "," + DIGEST + ", " + DIGEST), PaillierSettings.MIN_BITS);
    assertThat(settings.committee().parties()).isEqualTo(3);
    assertThat(settings.committee().threshold()).isEqualTo(2);
    assertThat(PaillierSettings.fromMap(settings.toMap(), PaillierSettings.MIN_BITS))
        .isEqualTo(settings);
    assertThat(
            PaillierSettings.fromMap(Map.of("public-key", KEY), PaillierSettings.MIN_BITS)
                .committee())
        .isNull();
  }

  @Test
  void aCommitteeThatCannotDecryptOrBeCheckedIsRefused() {
    assertThatThrownBy(
            () ->
                PaillierSettings.fromMap(
                    committee("3", "4", DIGEST + "," + DIGEST + "," + DIGEST),
                    PaillierSettings.MIN_BITS))
        .hasMessageContaining("committee-threshold is 1 to the committee's size (3), not 4");
    assertThatThrownBy(
            () ->
                PaillierSettings.fromMap(
                    committee("3", "2", DIGEST + "," + DIGEST), PaillierSettings.MIN_BITS))
        .hasMessageContaining("lists 2 digests for a committee of 3");
    assertThatThrownBy(
            () ->
                PaillierSettings.fromMap(
                    committee("2", "2", DIGEST + ",xyz"), PaillierSettings.MIN_BITS))
        .hasMessageContaining("not 'xyz'");
    assertThatThrownBy(
            () -> PaillierSettings.fromMap(committee("1", "1", DIGEST), PaillierSettings.MIN_BITS))
        .hasMessageContaining("2 to 32 members");
    Map<String, String> onlyThreshold = new HashMap<>(Map.of("public-key", KEY));
    onlyThreshold.put("committee-threshold", "2");
    assertThatThrownBy(() -> PaillierSettings.fromMap(onlyThreshold, PaillierSettings.MIN_BITS))
        .hasMessageContaining("2 to 32 members, not 0");
  }
}
