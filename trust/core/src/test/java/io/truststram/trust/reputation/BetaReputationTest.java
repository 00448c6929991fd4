package io.truststram.trust.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Beta reputation system against its closed form (Jøsang and Ismail 2002). */
class BetaReputationTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void withoutForgettingItIsTheBetaExpectationOfTheCounts() {
    BetaReputation r = BetaReputation.none(T0);
    assertThat(r.expected()).isEqualTo(0.5);
    assertThat(r.uncertainty()).isEqualTo(1.0);
    for (int i = 0; i < 8; i++) {
      r = r.observe(true, 1, T0.plusSeconds(i), BetaReputation.Forgetting.NONE);
    }
    for (int i = 0; i < 2; i++) {
      r = r.observe(false, 1, T0.plusSeconds(10 + i), BetaReputation.Forgetting.NONE);
    }
    // r = 8, s = 2: E = 9/12, u = 2/12, b = 8/12, d = 2/12.
    assertThat(r.expected()).isCloseTo(9.0 / 12, within(1e-15));
    assertThat(r.uncertainty()).isCloseTo(2.0 / 12, within(1e-15));
    assertThat(r.belief() + r.disbelief() + r.uncertainty()).isCloseTo(1, within(1e-15));
  }

  @Test
  void forgettingWeighsEvidenceByItsAge() {
    BetaReputation.Forgetting halfADay = new BetaReputation.Forgetting(0.5, Duration.ofDays(1));
    BetaReputation r =
        BetaReputation.none(T0)
            .observe(false, 4, T0, halfADay)
            .observe(true, 1, T0.plus(Duration.ofDays(2)), halfADay);
    // Two days on, the negative evidence weighs 4 · 0.5² = 1: r = 1, s = 1.
    assertThat(r.positive()).isCloseTo(1, within(1e-12));
    assertThat(r.negative()).isCloseTo(1, within(1e-12));
    assertThat(r.expected()).isCloseTo(0.5, within(1e-12));
    // Evidence recorded late (older than the sums) is aged to the sums' time.
    BetaReputation late = r.observe(true, 2, T0.plus(Duration.ofDays(1)), halfADay);
    assertThat(late.positive()).isCloseTo(2, within(1e-12));
    assertThat(late.at()).isEqualTo(T0.plus(Duration.ofDays(2)));
    assertThat(r.at(T0.plus(Duration.ofDays(3)), halfADay).negative())
        .isCloseTo(0.5, within(1e-12));
  }

  @Test
  void badEvidenceIsRefused() {
    assertThatThrownBy(
            () -> BetaReputation.none(T0).observe(true, -1, T0, BetaReputation.Forgetting.NONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BetaReputation.Forgetting(0, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BetaReputation(Double.NaN, 0, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
