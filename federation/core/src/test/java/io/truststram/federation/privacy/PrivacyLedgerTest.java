package io.truststram.federation.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrivacyLedgerTest {

  @Test
  void roundsSpentOneByOneGiveTheAccountantsEpsilonForAllOfThem() {
    PrivacyLedger ledger = PrivacyLedger.empty();
    for (int round = 0; round < 200; round++) {
      ledger = ledger.spend(0.05, 1.1);
    }
    assertThat(ledger.rounds()).isEqualTo(200);
    double direct = RdpAccountant.epsilon(0.05, 1.1, 200, 1e-5, Conversion.CLASSIC).epsilon();
    assertThat(ledger.spent(1e-5, Conversion.CLASSIC).epsilon()).isCloseTo(direct, within(1e-9));
    assertThat(PrivacyLedger.empty().spent(1e-5, Conversion.CLASSIC).epsilon()).isZero();
  }

  @Test
  void roundsOfDifferentSamplingRatesCompose() {
    PrivacyLedger mixed = PrivacyLedger.empty().spend(0.01, 1.0).spend(0.2, 1.0);
    PrivacyLedger low = PrivacyLedger.empty().spend(0.01, 1.0).spend(0.01, 1.0);
    PrivacyLedger high = PrivacyLedger.empty().spend(0.2, 1.0).spend(0.2, 1.0);
    double epsilon = mixed.spent(1e-5, Conversion.CLASSIC).epsilon();
    assertThat(epsilon)
        .isGreaterThan(low.spent(1e-5, Conversion.CLASSIC).epsilon())
        .isLessThan(high.spent(1e-5, Conversion.CLASSIC).epsilon());
  }

  @Test
  void aSavedLedgerRestoresExactlyAndABrokenOneIsRefused() {
    PrivacyLedger ledger = PrivacyLedger.empty().spend(0.1, 0.8).spend(0.1, 0.8);
    PrivacyLedger restored = PrivacyLedger.restore(ledger.rdp(), ledger.rounds());
    assertThat(restored.spent(1e-6, Conversion.BALLE2020))
        .isEqualTo(ledger.spent(1e-6, Conversion.BALLE2020));
    assertThatThrownBy(() -> PrivacyLedger.restore(new double[3], 1))
        .isInstanceOf(IllegalArgumentException.class);
    double[] negative = ledger.rdp();
    negative[0] = -1;
    assertThatThrownBy(() -> PrivacyLedger.restore(negative, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
