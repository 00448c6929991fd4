package io.truststram.bench;

import io.truststram.federation.LocalClient;
import io.truststram.federation.simulation.Attacks;
import io.truststram.federation.simulation.Simulation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every robust aggregator against every model-poisoning attack, at 10% and 20% malicious clients,
 * on Synthetic(1, 1): the final test accuracy of each, and its drop against FedAvg with no attack.
 * Prints a Markdown table. Deterministic from the seed (the attackers are the first clients).
 *
 * <p>Arguments: clients, rounds, seed, and {@code iid} for Synthetic IID instead of (1, 1).
 */
public final class RobustnessTable {

  private RobustnessTable() {}

  public static void main(String[] args) {
    int clients = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<LocalClient> devices = new ArrayList<>();
    boolean iid = args.length > 3 && args[3].equals("iid");
    List<Synthetic.Device> data =
        iid ? Synthetic.generateIid(clients, seed) : Synthetic.generate(1, 1, clients, seed);
    for (int k = 0; k < clients; k++) {
      devices.add(new LocalClient("c" + k, model, data.get(k).train(), data.get(k).test()));
    }
    Map<String, String> training =
        Map.of("epochs", "2", "batch-size", "10", "learning-rate", "0.01");
    Simulation.Config config = new Simulation.Config(rounds, 0, 0, rounds, seed);
    double clean = run("fedavg", Map.of(), training, devices, model, config, "none", Set.of());
    List<String> attacks = List.of("none", "sign-flip", "scaling", "gaussian", "alie", "ipm");
    System.out.printf(
        Locale.ROOT,
        "%s. Clean FedAvg: %.3f test accuracy after %d rounds, %d clients, seed %d.%n%n",
        iid ? "Synthetic IID" : "Synthetic(1, 1)",
        clean,
        rounds,
        clients,
        seed);
    for (double share : new double[] {0.1, 0.2}) {
      int malicious = (int) Math.round(share * clients);
      Set<String> bad = new LinkedHashSet<>();
      for (int k = 0; k < malicious; k++) {
        bad.add("c" + k);
      }
      Map<String, Map<String, String>> aggregators = aggregators(malicious, clients);
      System.out.printf(
          Locale.ROOT,
          "### %d%% malicious (%d of %d): accuracy (drop against clean FedAvg)%n%n",
          Math.round(share * 100),
          malicious,
          clients);
      System.out.println("| aggregator | " + String.join(" | ", attacks) + " |");
      System.out.println("|---" + "|---:".repeat(attacks.size()) + "|");
      Map<String, Double> best = new HashMap<>();
      for (var aggregator : aggregators.entrySet()) {
        StringBuilder row = new StringBuilder("| " + aggregator.getKey() + " |");
        for (String attack : attacks) {
          double accuracy =
              run(
                  aggregator.getKey().split(" ")[0],
                  aggregator.getValue(),
                  training,
                  devices,
                  model,
                  config,
                  attack,
                  bad);
          best.merge(attack, accuracy, Math::max);
          row.append(String.format(Locale.ROOT, " %.3f (%+.3f) |", accuracy, accuracy - clean));
        }
        System.out.println(row);
      }
      System.out.println();
      List<String> held = new ArrayList<>();
      List<String> broken = new ArrayList<>();
      for (String attack : attacks) {
        (best.get(attack) >= clean - 0.02 ? held : broken).add(attack);
      }
      System.out.println(
          "Within 2 points of clean accuracy with at least one aggregator: "
              + (held.isEmpty() ? "none" : String.join(", ", held))
              + ". Not: "
              + (broken.isEmpty() ? "none" : String.join(", ", broken))
              + ".");
      System.out.println();
    }
  }

  private static Map<String, Map<String, String>> aggregators(int malicious, int clients) {
    Map<String, Map<String, String>> aggregators = new LinkedHashMap<>();
    String f = Integer.toString(malicious);
    String n = Integer.toString(clients);
    aggregators.put("fedavg", Map.of());
    aggregators.put("median", Map.of());
    aggregators.put(
        "trimmed-mean",
        Map.of("beta", Double.toString(Math.min(0.45, (malicious + 0.5) / clients))));
    aggregators.put("krum", Map.of("f", f, "min-clients", n));
    aggregators.put(
        "krum (multi, m = n - f)",
        Map.of("f", f, "m", Integer.toString(clients - malicious), "min-clients", n));
    if (clients >= 4 * malicious + 3) {
      aggregators.put("bulyan", Map.of("f", f, "min-clients", n));
    }
    aggregators.put("geometric-median", Map.of());
    aggregators.put("norm-bounding", Map.of("max-norm", "1"));
    aggregators.put("centered-clipping", Map.of("radius", "1"));
    return aggregators;
  }

  private static double run(
      String strategy,
      Map<String, String> parameters,
      Map<String, String> training,
      List<LocalClient> devices,
      SoftmaxRegression model,
      Simulation.Config config,
      String attack,
      Set<String> malicious) {
    Map<String, String> all = new HashMap<>(training);
    all.putAll(parameters);
    return Simulation.run(
            Strategies.standard().create(strategy, all),
            devices,
            model.initialParameters(0),
            config,
            Attacks.named(attack, devices.size(), malicious.size(), config.seed()),
            malicious,
            r -> {})
        .rounds()
        .getLast()
        .testAccuracy();
  }
}
