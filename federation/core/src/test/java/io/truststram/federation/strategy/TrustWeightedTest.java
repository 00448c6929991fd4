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
        new TrustWeighted(
            Strategies.standard().create("fedavg", TRAINING), 0.2, 0.3, 1, 0.9, true, false);
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
                    Strategies.standard().create("fedavg", TRAINING), 0, 0.3, 1, 0.9, true, false))
        .hasMessageContaining("trust-floor");
  }

  @Test
  void trustFromAServiceWeighsTheRoundAsItWasWhenItOpened() {
    Map<String, String> parameters = new java.util.HashMap<>(TRAINING);
    parameters.put("trust-source", "service");
    TrustWeighted trust = (TrustWeighted) Strategies.standard().create("trust(fedavg)", parameters);
    assertThat(trust.externalTrust()).isTrue();
    List<ClientProfile> available = List.of(new ClientProfile("a", 10), new ClientProfile("b", 10));
    // No source yet: the round cannot be configured (never a silent fall-back).
    assertThatThrownBy(() -> trust.configureTrain(1, available, new java.util.SplittableRandom(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trust service");
    Map<String, Double> service = new java.util.HashMap<>(Map.of("a", 0.9, "b", 0.2));
    trust.useSource(clients -> Map.copyOf(service));
    trust.configureTrain(1, available, new java.util.SplittableRandom(1));
    assertThat(trust.roundTrust()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 0.9, "b", 0.2));
    float[] aggregate = aggregate(trust);
    // FedAvg with example counts scaled by trust: (0.9 * 1 + 0.2 * 3) / 1.1.
    assertThat(aggregate[0]).isCloseTo((float) ((0.9 * 1 + 0.2 * 3) / 1.1), within(1e-6f));

    // The service changes its mind; folding round 1 again with its kept trust gives the same.
    service.put("a", 0.1);
    TrustWeighted again = (TrustWeighted) Strategies.standard().create("trust(fedavg)", parameters);
    again.useSource(clients -> Map.copyOf(service));
    again.restoreRoundTrust(1, trust.roundTrust());
    assertThat(aggregate(again)[0]).isEqualTo(aggregate[0]);
    // A client the service has not scored has the strategy's own trust (½ for a newcomer).
    assertThat(again.trust("newcomer")).isEqualTo(0.5);

    parameters.put("trust-source", "rumour");
    assertThatThrownBy(() -> Strategies.standard().create("trust(fedavg)", parameters))
        .hasMessageContaining("trust-source is strategy or service");
  }

  /** Round 1 of {@code trust} with a's update at 1 and b's at 3, 10 examples each. */
  private static float[] aggregate(TrustWeighted trust) {
    RoundAggregation round = trust.beginRound(1, new float[] {0});
    round.accept(new ClientUpdate("a", new float[] {1}, 10, 1, 0, Map.of()));
    round.accept(new ClientUpdate("b", new float[] {3}, 10, 1, 0, Map.of()));
    return round.finish();
  }
}
