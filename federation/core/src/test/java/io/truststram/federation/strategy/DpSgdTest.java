package io.truststram.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.RdpAccountant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DpSgdTest {

  private static final Strategies REGISTRY = Strategies.standard();

  @Test
  void clientsAreToldToRunDpSgdAndEachClientsSpendingIsCounted() {
    DpSgd dpsgd =
        (DpSgd)
            REGISTRY.create(
                "dpsgd(fedavg)",
                Map.of(
                    "example-clip-norm", "0.5",
                    "example-noise-multiplier", "1.1",
                    "epochs", "2",
                    "batch-size", "10"));
    List<ClientProfile> clients =
        List.of(new ClientProfile("small", 40), new ClientProfile("large", 1000));
    for (int round = 1; round <= 3; round++) {
      List<TrainPlan> plans = dpsgd.configureTrain(round, clients, new SplittableRandom(round));
      assertThat(plans)
          .allSatisfy(
              plan ->
                  assertThat(plan.training().privacy())
                      .isEqualTo(new LocalPrivacy(0, 0, 0.5, 1.1)));
      assertThat(plans.getFirst().training().sgd(0, 1).privacy()).isNotNull();
    }
    // "small": q = 10/40, 2 epochs of 4 steps, three rounds: 24 steps.
    double small = RdpAccountant.epsilon(0.25, 1.1, 24, 1e-5, Conversion.CLASSIC).epsilon();
    assertThat(dpsgd.spent("small", 1e-5).epsilon()).isCloseTo(small, within(1e-9));
    double large = RdpAccountant.epsilon(0.01, 1.1, 600, 1e-5, Conversion.CLASSIC).epsilon();
    assertThat(dpsgd.spent("large", 1e-5).epsilon()).isCloseTo(large, within(1e-9));
    assertThat(large).isLessThan(small);
    // The ledgers survive a restart.
    DpSgd restarted =
        (DpSgd)
            REGISTRY.create(
                "dpsgd(fedavg)",
                Map.of("example-clip-norm", "0.5", "example-noise-multiplier", "1.1"));
    restarted.restoreServerState(dpsgd.serverState());
    assertThat(restarted.spent("small", 1e-5).epsilon()).isCloseTo(small, within(1e-9));
    assertThat(restarted.clients()).containsExactly("large", "small");
  }

  @Test
  void itStacksWithOtherClientSidePrivacyAndRefusesNoNoise() {
    Strategy both =
        REGISTRY.create("dp(dpsgd(fedavg))", Map.of("clipping", "client", "clip-norm", "2"));
    TrainPlan plan =
        both.configureTrain(1, List.of(new ClientProfile("a", 50)), new SplittableRandom(1))
            .getFirst();
    assertThat(plan.training().privacy()).isEqualTo(new LocalPrivacy(2, 0, 1.0, 1.0));
    assertThatThrownBy(
            () -> REGISTRY.create("dpsgd(fedavg)", Map.of("example-noise-multiplier", "0")))
        .hasMessageContaining("example-noise-multiplier above 0");
    assertThatThrownBy(() -> REGISTRY.create("dpsgd(fedavg)", Map.of("example-clip-norm", "-1")))
        .hasMessageContaining("example-clip-norm must be positive");
  }
}
