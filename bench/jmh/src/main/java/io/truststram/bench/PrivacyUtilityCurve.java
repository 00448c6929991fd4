package io.truststram.bench;

import io.truststram.federation.LocalClient;
import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.RdpAccountant;
import io.truststram.federation.simulation.Simulation;
import io.truststram.federation.strategy.DpSgd;
import io.truststram.federation.strategy.LocalDifferentialPrivacy;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import io.truststram.ml.data.AdultDataset;
import io.truststram.ml.model.SoftmaxRegression;
import io.truststram.ml.partition.Partitions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Accuracy against ε on Adult: DP-FedAvg with fixed and with adaptive clipping over a range of
 * noise multipliers, and local DP over a range of per-round ε. Adult's training rows are split IID
 * among many clients (client-level DP needs many), a fraction of which train each round; ε is the
 * RDP accountant's for that sampling rate and number of rounds. Prints Markdown.
 *
 * <p>Arguments: ADULT_DIRECTORY CLIENTS FRACTION ROUNDS SEED.
 */
public final class PrivacyUtilityCurve {

  private PrivacyUtilityCurve() {}

  public static void main(String[] args) throws IOException {
    Path directory = Path.of(args[0]);
    int clients = Integer.parseInt(args[1]);
    double fraction = Double.parseDouble(args[2]);
    int rounds = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    double delta = 1e-5;
    AdultDataset.Split adult = AdultDataset.load(directory);
    SoftmaxRegression model = new SoftmaxRegression(adult.train().columns(), 2);
    List<int[]> trainParts = Partitions.iid(adult.train().rows(), clients, seed);
    List<int[]> testParts = Partitions.iid(adult.test().rows(), clients, seed + 1);
    List<LocalClient> devices = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      devices.add(
          new LocalClient(
              "c" + k,
              model,
              adult.train().subset(trainParts.get(k)),
              adult.test().subset(testParts.get(k))));
    }
    int perRound = (int) Math.ceil(fraction * clients);
    Map<String, String> common = new HashMap<>();
    common.put("fraction", Double.toString(fraction));
    common.put("min-clients", Integer.toString(perRound));
    common.put("epochs", "1");
    common.put("batch-size", "16");
    common.put("learning-rate", "0.1");
    Simulation.Config config = new Simulation.Config(rounds, 0, 0, rounds, seed);
    double q = perRound / (double) clients;
    double clean = accuracy("fedavg", common, devices, model, config);
    System.out.printf(
        Locale.ROOT,
        "Adult, %d clients (IID), %d a round (q = %.3f), %d rounds, seed %d, δ = %s. FedAvg"
            + " without DP: %.3f.%n%n",
        clients,
        perRound,
        q,
        rounds,
        seed,
        delta,
        clean);
    System.out.println("### Central DP (DP-FedAvg): accuracy against ε");
    System.out.println();
    System.out.println("| σ | ε (RDP, classic) | fixed clipping, C = 0.5 | adaptive clipping |");
    System.out.println("|---:|---:|---:|---:|");
    for (double sigma : new double[] {0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0}) {
      double epsilon = RdpAccountant.epsilon(q, sigma, rounds, delta, Conversion.CLASSIC).epsilon();
      Map<String, String> fixed = new HashMap<>(common);
      fixed.put("clip-norm", "0.5");
      fixed.put("noise-multiplier", Double.toString(sigma));
      Map<String, String> adaptive = new HashMap<>(common);
      adaptive.put("adaptive-clipping", "true");
      adaptive.put("noise-multiplier", Double.toString(sigma));
      adaptive.put("clip-count-stddev", Double.toString(Math.max(sigma, perRound / 20.0)));
      System.out.printf(
          Locale.ROOT,
          "| %.1f | %.3f | %.3f | %.3f |%n",
          sigma,
          epsilon,
          accuracy("dp(fedavg)", fixed, devices, model, config),
          accuracy("dp(fedavg)", adaptive, devices, model, config));
    }
    System.out.println();
    dpSgd(adult, 20, seed);
    System.out.println("### Local DP: accuracy against each client's ε per round");
    System.out.println();
    System.out.println(
        "| ε per round | noise σ per parameter (C = 0.5) | ε of a client after "
            + rounds
            + " rounds if chosen every round | accuracy |");
    System.out.println("|---:|---:|---:|---:|");
    for (double epsilon : new double[] {1, 4, 16, 64}) {
      Map<String, String> local = new HashMap<>(common);
      local.put("local-epsilon", Double.toString(epsilon));
      local.put("local-delta", Double.toString(delta));
      local.put("clip-norm", "0.5");
      LocalDifferentialPrivacy ldp =
          (LocalDifferentialPrivacy) Strategies.standard().create("ldp(fedavg)", local);
      System.out.printf(
          Locale.ROOT,
          "| %.0f | %.4f | %.2f | %.3f |%n",
          epsilon,
          ldp.noiseStddev(),
          ldp.spentAfter(rounds, delta, Conversion.CLASSIC).epsilon(),
          accuracy("ldp(fedavg)", local, devices, model, config));
    }
  }

  /**
   * DP-SGD on Adult split by occupation (15 clients of about 2,000 rows, each with enough rows for
   * sample-level privacy), every client every round.
   */
  private static void dpSgd(AdultDataset.Split adult, int rounds, long seed) {
    SoftmaxRegression model = new SoftmaxRegression(adult.train().columns(), 2);
    List<LocalClient> clients = LocalClient.byColumn(adult, "occupation", 64, model);
    Map<String, String> common = new HashMap<>();
    common.put("min-clients", Integer.toString(clients.size()));
    common.put("epochs", "1");
    common.put("batch-size", "64");
    common.put("learning-rate", "0.1");
    Simulation.Config config = new Simulation.Config(rounds, 0, 0, rounds, seed);
    System.out.printf(
        Locale.ROOT,
        "### Sample-level DP (DP-SGD): accuracy against each client's ε%n%n"
            + "Adult, one client per occupation (%d clients), every client every round, %d rounds,"
            + " batches of 64 (q = 64 / the client's rows), C = 1, δ = 1e-5. FedAvg without DP:"
            + " %.3f.%n%n",
        clients.size(),
        rounds,
        accuracy("fedavg", common, clients, model, config));
    System.out.println("| σ | ε, largest client | ε, smallest client | accuracy |");
    System.out.println("|---:|---:|---:|---:|");
    for (double sigma : new double[] {0.6, 1.0, 2.0, 4.0}) {
      Map<String, String> parameters = new HashMap<>(common);
      parameters.put("example-clip-norm", "1");
      parameters.put("example-noise-multiplier", Double.toString(sigma));
      DpSgd strategy = (DpSgd) Strategies.standard().create("dpsgd(fedavg)", parameters);
      double accuracy =
          Simulation.run(strategy, clients, model.initialParameters(0), config, r -> {})
              .rounds()
              .getLast()
              .testAccuracy();
      LocalClient largest =
          clients.stream().max(java.util.Comparator.comparingLong(LocalClient::examples)).get();
      LocalClient smallest =
          clients.stream().min(java.util.Comparator.comparingLong(LocalClient::examples)).get();
      System.out.printf(
          Locale.ROOT,
          "| %.1f | %.3f | %.3f | %.3f |%n",
          sigma,
          strategy.spent(largest.id(), 1e-5).epsilon(),
          strategy.spent(smallest.id(), 1e-5).epsilon(),
          accuracy);
    }
    System.out.println();
  }

  private static double accuracy(
      String name,
      Map<String, String> parameters,
      List<LocalClient> devices,
      SoftmaxRegression model,
      Simulation.Config config) {
    Strategy strategy = Strategies.standard().create(name, parameters);
    return Simulation.run(strategy, devices, model.initialParameters(0), config, r -> {})
        .rounds()
        .getLast()
        .testAccuracy();
  }
}
