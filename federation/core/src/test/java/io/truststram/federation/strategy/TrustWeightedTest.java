package io.truststram.federation.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.federation.LocalClient;
import io.truststram.federation.simulation.Attacks;
import io.truststram.federation.simulation.Simulation;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The trust loop in simulation: attack detection's flags become evidence, attackers' trust falls
 * while honest clients' rises, and their updates weigh less.
 */
class TrustWeightedTest {

  private static final Map<String, String> TRAINING =
      Map.of("epochs", "2", "batch-size", "20", "learning-rate", "0.01");

  @Test
  void attackersLoseTrustAndHonestClientsGainIt() {
    SoftmaxRegression model = new SoftmaxRegression(60, 10);
    List<Synthetic.Device> devices = Synthetic.generateIid(20, 4);
    List<LocalClient> clients = new ArrayList<>();
    for (int k = 0; k < devices.size(); k++) {
      clients.add(new LocalClient("c" + k, model, devices.get(k).train(), devices.get(k).test()));
    }
    Set<String> malicious = Set.of("c0", "c1", "c2", "c3"); // 20%
    TrustWeighted trust =
        (TrustWeighted) Strategies.standard().create("trust(detect(fedavg))", TRAINING);
    Simulation.run(
        trust,
        clients,
        model.initialParameters(0),
        new Simulation.Config(12, 0, 0, 12, 5),
        Attacks.scaling(10),
        malicious,
        r -> {});
    double attackers = 0;
    double honest = 0;
    for (LocalClient client : clients) {
      double t = trust.trust(client.id());
      if (malicious.contains(client.id())) {
        attackers += t / malicious.size();
      } else {
        honest += t / (clients.size() - malicious.size());
      }
    }
    assertThat(attackers).isLessThan(0.3);
    assertThat(honest).isGreaterThan(0.7);
    // Checkpointed and restored, the reputations carry over.
    TrustWeighted restored =
        (TrustWeighted) Strategies.standard().create("trust(detect(fedavg))", TRAINING);
    restored.restoreServerState(trust.serverState());
    assertThat(restored.trust("c0")).isCloseTo(trust.trust("c0"), within(1e-12));
    assertThat(restored.trust("c9")).isCloseTo(trust.trust("c9"), within(1e-12));
  }

  @Test
  void trustScalesWeightsAndChoosesWhoTrains() {
    TrustWeighted trust =
        new TrustWeighted(Strategies.standard().create("fedavg", TRAINING), 0.2, 0.3, 1, 0.9, true);
    assertThat(trust.name()).isEqualTo("trust(fedavg)");
    assertThat(trust.trust("newcomer")).isEqualTo(0.5);
    // Without evidence everyone is equal: everyone stays available.
    List<ClientProfile> available = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      available.add(new ClientProfile("c" + i, 10));
    }
    Set<String> chosen = new HashSet<>();
    for (TrainPlan plan : trust.configureTrain(1, available, new java.util.SplittableRandom(1))) {
      chosen.add(plan.clientId());
    }
    assertThat(chosen).hasSize(50);
    assertThatThrownBy(
            () ->
                new TrustWeighted(
                    Strategies.standard().create("fedavg", TRAINING), 0, 0.3, 1, 0.9, true))
        .hasMessageContaining("trust-floor");
  }
}
