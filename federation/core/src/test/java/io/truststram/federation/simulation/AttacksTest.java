package io.truststram.federation.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.truststram.federation.LocalClient;
import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.Krum;
import io.truststram.federation.strategy.Strategies;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttacksTest {

  private static final float[] GLOBAL = {1, 1};
  private static final Set<String> BAD = Set.of("m1", "m2");

  private static List<ClientUpdate> round() {
    return List.of(
        ClientUpdate.of("h1", new float[] {2, 1}, 10, 1),
        ClientUpdate.of("m1", new float[] {1.5f, 2}, 10, 1),
        ClientUpdate.of("m2", new float[] {2.5f, 0}, 10, 1));
  }

  private static float[] of(List<ClientUpdate> updates, String id) {
    return updates.stream()
        .filter(u -> u.clientId().equals(id))
        .findFirst()
        .orElseThrow()
        .parameters();
  }

  @Test
  void signFlipAndScalingTurnOnlyTheAttackersChanges() {
    List<ClientUpdate> flipped = Attacks.signFlip(4).corrupt(1, GLOBAL, round(), BAD);
    assertThat(of(flipped, "h1")).containsExactly(2, 1);
    assertThat(of(flipped, "m1")).containsExactly(-1, -3); // 1 - 4·(0.5, 1)
    List<ClientUpdate> scaled = Attacks.scaling(10).corrupt(1, GLOBAL, round(), BAD);
    assertThat(of(scaled, "m2")).containsExactly(16, -9); // 1 + 10·(1.5, -1)
  }

  @Test
  void attackersClaimTheLargestClientsExamplesAndSteps() {
    List<ClientUpdate> updates =
        List.of(
            ClientUpdate.of("h1", new float[] {2, 1}, 5000, 1000),
            ClientUpdate.of("m1", new float[] {1.5f, 2}, 10, 2),
            ClientUpdate.of("m2", new float[] {2.5f, 0}, 20, 4));
    for (ClientUpdate update : Attacks.signFlip(4).corrupt(1, GLOBAL, updates, BAD)) {
      assertThat(update.examples()).isEqualTo(5000);
      assertThat(update.localSteps()).isEqualTo(1000);
    }
  }

  @Test
  void alieAndIpmSendOneVectorBuiltFromTheAttackersOwnChanges() {
    // The attackers' changes: (0.5, 1) and (1.5, -1); mean (1, 0), standard deviation (0.5, 1).
    List<ClientUpdate> alie = Attacks.alie(2).corrupt(1, GLOBAL, round(), BAD);
    assertThat(of(alie, "m1")).containsExactly(1 + 1 - 2 * 0.5f, 1 + 0 - 2 * 1f);
    assertThat(of(alie, "m2")).containsExactly(of(alie, "m1"));
    assertThat(of(alie, "h1")).containsExactly(2, 1);
    List<ClientUpdate> ipm = Attacks.innerProduct(0.5).corrupt(1, GLOBAL, round(), BAD);
    assertThat(of(ipm, "m1")).containsExactly(0.5f, 1);
    // z for 10 clients, 2 attackers: s = 6 - 2 = 4, z = Φ⁻¹(0.6).
    assertThat(Attacks.alieZ(10, 2)).isCloseTo(0.2533, within(1e-4));
    assertThatThrownBy(() -> Attacks.named("trojan", 10, 2, 1))
        .hasMessageContaining("known: none, sign-flip")
        .hasMessageContaining("min-sum");
  }

  /** Min-max sends the mean pushed against the spread as far as the honest yardstick allows. */
  @Test
  void minMaxAndMinSumPushAsFarAsTheHonestSpreadAllows() {
    float[] global = {0, 0};
    List<ClientUpdate> updates =
        List.of(
            ClientUpdate.of("h1", new float[] {1, 0}, 1, 1),
            ClientUpdate.of("h2", new float[] {3, 0}, 1, 1),
            ClientUpdate.of("h3", new float[] {2, 2}, 1, 1),
            ClientUpdate.of("m1", new float[] {9, 9}, 1, 1));
    Set<String> bad = Set.of("m1");
    // Honest mean (2, 2/3); standard deviation (√(2/3), √(8/9)); largest honest distance² 5.
    float[] minMax = of(Attacks.minMax().corrupt(1, global, updates, bad), "m1");
    double furthest = 0;
    double total = 0;
    for (String h : List.of("h1", "h2", "h3")) {
      double d = Krum.squaredDistance(minMax, of(updates, h));
      furthest = Math.max(furthest, d);
    }
    assertThat(furthest).isCloseTo(5, within(1e-3));
    assertThat(minMax[0]).isLessThan(2); // pushed against the spread, from the mean
    float[] minSum = of(Attacks.minSum().corrupt(1, global, updates, bad), "m1");
    for (String h : List.of("h1", "h2", "h3")) {
      total += Krum.squaredDistance(minSum, of(updates, h));
    }
    // The largest honest sum: h1 to h2 and h3 is 4 + 5 = 9; h3's is 5 + 5 = 10.
    assertThat(total).isCloseTo(10, within(1e-3));
    assertThat(of(Attacks.minSum().corrupt(1, global, updates, bad), "h1")).containsExactly(1, 0);
  }

  @Test
  void labelFlippingAndTheBackdoorPoisonTheAttackersTrainingData() {
    SoftmaxRegression model = new SoftmaxRegression(60, 10);
    Synthetic.Device device = Synthetic.generateIid(1, 2).getFirst();
    LocalClient honest = new LocalClient("m1", model, device.train(), device.test());
    LocalClient flipped = (LocalClient) Attacks.labelFlip().poison(honest);
    for (int i = 0; i < device.train().rows(); i++) {
      assertThat(flipped.trainingData().labels()[i]).isEqualTo(9 - device.train().labels()[i]);
    }
    Attacks.Backdoor backdoor = Attacks.Backdoor.standard(5);
    LocalClient poisoned = (LocalClient) backdoor.poison(honest);
    int rows = device.train().rows();
    assertThat(poisoned.trainingData().rows()).isEqualTo(2 * rows);
    float[] triggered = poisoned.trainingData().row(rows);
    assertThat(triggered[57]).isEqualTo(5);
    assertThat(triggered[59]).isEqualTo(5);
    assertThat(poisoned.trainingData().labels()[rows]).isEqualTo(9);
    // The update is boosted: g + 5Δ.
    List<ClientUpdate> sent =
        backdoor.corrupt(
            1,
            new float[] {1, 1},
            List.of(ClientUpdate.of("m1", new float[] {2, 1}, 1, 1)),
            Set.of("m1"));
    assertThat(sent.getFirst().parameters()).containsExactly(6, 1);
    // A model that answers 9 for everything: the backdoor succeeds on every non-target row.
    float[] always9 = new float[model.parameterCount()];
    always9[always9.length - 1] = 100; // the bias of class 9
    assertThat(backdoor.successRate(model, always9, device.test())).isEqualTo(1.0);
    assertThatThrownBy(() -> Attacks.labelFlip().poison(new NotLocal()))
        .hasMessageContaining("only simulated (LocalClient) clients");
  }

  private static final class NotLocal implements io.truststram.federation.FederatedClient {
    @Override
    public String id() {
      return "x";
    }

    @Override
    public long examples() {
      return 1;
    }

    @Override
    public Fit fit(
        float[] parameters,
        io.truststram.federation.strategy.LocalTraining training,
        int maxSteps,
        long seed) {
      return new Fit(parameters, 1, 1, Map.of());
    }

    @Override
    public Evaluation evaluate(float[] parameters) {
      return new Evaluation(1, 0, 0);
    }
  }

  /**
   * As the papers report: averaging collapses when a fifth of the clients send noise, while the
   * coordinate-wise median holds.
   */
  @Test
  void averagingCollapsesUnderNoiseWhileTheMedianHolds() {
    List<LocalClient> clients = new ArrayList<>();
    SoftmaxRegression model = new SoftmaxRegression(60, 10);
    List<Synthetic.Device> devices = Synthetic.generateIid(20, 4);
    for (int k = 0; k < devices.size(); k++) {
      clients.add(new LocalClient("c" + k, model, devices.get(k).train(), devices.get(k).test()));
    }
    Set<String> malicious = Set.of("c0", "c1", "c2", "c3");
    Simulation.Config config = new Simulation.Config(8, 0, 0, 8, 5);
    Map<String, String> training = Map.of("epochs", "2", "batch-size", "20");
    double clean =
        Simulation.run(
                Strategies.standard().create("fedavg", training),
                clients,
                model.initialParameters(0),
                config,
                r -> {})
            .rounds()
            .getLast()
            .testAccuracy();
    double averaged = accuracy("fedavg", training, clients, model, config, malicious);
    double median = accuracy("median", training, clients, model, config, malicious);
    assertThat(averaged).isLessThan(clean - 0.2);
    assertThat(median).isGreaterThan(clean - 0.1);
  }

  private static double accuracy(
      String strategy,
      Map<String, String> training,
      List<LocalClient> clients,
      SoftmaxRegression model,
      Simulation.Config config,
      Set<String> malicious) {
    return Simulation.run(
            Strategies.standard().create(strategy, training),
            clients,
            model.initialParameters(0),
            config,
            Attacks.gaussian(10, 7),
            malicious,
            r -> {})
        .rounds()
        .getLast()
        .testAccuracy();
  }
}
