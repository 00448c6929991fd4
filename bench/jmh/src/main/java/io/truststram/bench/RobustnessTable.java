package io.truststram.bench;

import io.truststram.federation.LocalClient;
import io.truststram.federation.simulation.Adversary;
import io.truststram.federation.simulation.Attacks;
import io.truststram.federation.simulation.Simulation;
import io.truststram.federation.strategy.AnomalyDetection;
import io.truststram.federation.strategy.FlTrust;
import io.truststram.federation.strategy.LocalTraining;
import io.truststram.federation.strategy.Sampling;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import io.truststram.federation.strategy.StrategyParameters;
import io.truststram.ml.data.AdultDataset;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.Classifier;
import io.truststram.ml.model.SoftmaxRegression;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every robust configuration against every attack, at 10% and 20% malicious clients: the final test
 * accuracy of each, its drop against FedAvg with no attack, the backdoor's success rate, and how
 * well attack detection tells attackers from honest clients. Prints Markdown. Deterministic from
 * the seed: the attackers are drawn by it, and every random choice of the simulation derives from
 * it.
 *
 * <p>Arguments: {@code synthetic CLIENTS ROUNDS SEED}, {@code synthetic-iid CLIENTS ROUNDS SEED},
 * or {@code adult COLUMN ROUNDS SEED DIRECTORY} (Adult split among clients by the values of COLUMN,
 * the natural non-IID partition).
 */
public final class RobustnessTable {

  private RobustnessTable() {}

  /** The clients, their model, local training and what a clean run is called. */
  private record Setup(
      String title, List<LocalClient> clients, Classifier model, Map<String, String> training) {}

  public static void main(String[] args) throws IOException {
    String kind = args[0];
    int rounds = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    Setup setup =
        kind.equals("adult")
            ? adult(args[1], Path.of(args[4]), seed)
            : synthetic(kind.equals("synthetic-iid"), Integer.parseInt(args[1]), seed);
    int n = setup.clients().size();
    Simulation.Config config = new Simulation.Config(rounds, 0, 0, rounds, seed);
    Dataset test = union(setup.clients());
    Dataset root = rootSample(setup.clients(), 100, seed);
    double clean = run("fedavg", Map.of(), setup, config, "none", Set.of(), root, test).accuracy();
    List<String> attacks = Attacks.NAMES;
    System.out.printf(
        Locale.ROOT,
        "%s. Clean FedAvg: %.3f test accuracy after %d rounds, %d clients, seed %d.%n%n",
        setup.title(),
        clean,
        rounds,
        n,
        seed);
    List<String> clients = new ArrayList<>(setup.clients().stream().map(LocalClient::id).toList());
    Collections.shuffle(clients, new Random(seed));
    for (double share : new double[] {0.1, 0.2}) {
      int malicious = Math.max(1, (int) Math.round(share * n));
      Set<String> bad = new LinkedHashSet<>(clients.subList(0, malicious));
      Map<String, Map<String, String>> configurations = configurations(malicious, n, seed);
      System.out.printf(
          Locale.ROOT,
          "### %d%% malicious (%d of %d): accuracy (drop against clean FedAvg)%n%n",
          Math.round(share * 100),
          malicious,
          n);
      System.out.println("| configuration | " + String.join(" | ", attacks) + " |");
      System.out.println("|---" + "|---:".repeat(attacks.size()) + "|");
      Map<String, Double> best = new HashMap<>();
      Map<String, String> bestBy = new HashMap<>();
      Map<String, Double> backdoor = new LinkedHashMap<>();
      Map<String, double[]> detection = new LinkedHashMap<>();
      for (var configuration : configurations.entrySet()) {
        StringBuilder row = new StringBuilder("| " + configuration.getKey() + " |");
        for (String attack : attacks) {
          Outcome outcome =
              run(
                  configuration.getKey().split(" ")[0],
                  configuration.getValue(),
                  setup,
                  config,
                  attack,
                  bad,
                  root,
                  test);
          if (outcome.accuracy() > best.getOrDefault(attack, -1.0)) {
            best.put(attack, outcome.accuracy());
            bestBy.put(attack, configuration.getKey());
          }
          if (attack.equals("backdoor")) {
            backdoor.put(configuration.getKey(), outcome.backdoorSuccess());
          }
          if (outcome.detection() != null) {
            detection.put(attack, outcome.detection());
          }
          row.append(
              String.format(
                  Locale.ROOT, " %.3f (%+.3f) |", outcome.accuracy(), outcome.accuracy() - clean));
        }
        System.out.println(row);
      }
      System.out.println();
      List<String> held = new ArrayList<>();
      List<String> broken = new ArrayList<>();
      for (String attack : attacks) {
        (best.get(attack) >= clean - 0.02 ? held : broken)
            .add(
                String.format(
                    Locale.ROOT, "%s (%s, %.3f)", attack, bestBy.get(attack), best.get(attack)));
      }
      System.out.println(
          "Within 2 points of clean accuracy with at least one configuration (the best named): "
              + (held.isEmpty() ? "none" : String.join("; ", held))
              + ". Not: "
              + (broken.isEmpty() ? "none" : String.join("; ", broken))
              + ".");
      System.out.println();
      System.out.println("Backdoor success rate (triggered test inputs classified as the target):");
      System.out.println();
      System.out.println("| configuration | backdoor success |");
      System.out.println("|---|---:|");
      backdoor.forEach(
          (name, rate) -> System.out.printf(Locale.ROOT, "| %s | %.3f |%n", name, rate));
      System.out.println();
      System.out.println(
          "Attack detection (`detect(fedavg)`, no quarantine): share of attackers' updates flagged"
              + " (true positives) and of honest updates flagged (false positives), over all"
              + " rounds:");
      System.out.println();
      System.out.println("| attack | attackers flagged | honest flagged |");
      System.out.println("|---|---:|---:|");
      detection.forEach(
          (attack, rates) ->
              System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f |%n", attack, rates[0], rates[1]));
      System.out.println();
    }
  }

  private static Setup synthetic(boolean iid, int clients, long seed) {
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<Synthetic.Device> data =
        iid ? Synthetic.generateIid(clients, seed) : Synthetic.generate(1, 1, clients, seed);
    List<LocalClient> devices = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      devices.add(new LocalClient("c" + k, model, data.get(k).train(), data.get(k).test()));
    }
    return new Setup(
        iid ? "Synthetic IID" : "Synthetic(1, 1)",
        devices,
        model,
        Map.of("epochs", "2", "batch-size", "10", "learning-rate", "0.01"));
  }

  /** Adult, one client per value of {@code column} (test rows follow the same column). */
  private static Setup adult(String column, Path directory, long seed) throws IOException {
    AdultDataset.Split adult = AdultDataset.load(directory);
    SoftmaxRegression model = new SoftmaxRegression(adult.train().columns(), 2);
    List<LocalClient> clients = LocalClient.byColumn(adult, column, 64, model);
    return new Setup(
        "Adult, one client per " + column,
        clients,
        model,
        Map.of("epochs", "1", "batch-size", "32", "learning-rate", "0.05"));
  }

  /** The configurations compared, by label (its first word is the strategy name). */
  private static Map<String, Map<String, String>> configurations(
      int malicious, int clients, long seed) {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    String f = Integer.toString(malicious);
    String n = Integer.toString(clients);
    String seedText = Long.toString(1 + Math.floorMod(seed, 1_000_000));
    all.put("fedavg", Map.of());
    all.put("median", Map.of());
    all.put(
        "trimmed-mean",
        Map.of("beta", Double.toString(Math.min(0.45, (malicious + 0.5) / clients))));
    all.put("krum", Map.of("f", f, "min-clients", n));
    all.put(
        "krum (multi, m = n - f)",
        Map.of("f", f, "m", Integer.toString(clients - malicious), "min-clients", n));
    if (clients >= 4 * malicious + 3) {
      all.put("bulyan", Map.of("f", f, "min-clients", n));
    }
    all.put("geometric-median", Map.of());
    all.put("norm-bounding", Map.of("max-norm", "1"));
    all.put("centered-clipping", Map.of("radius", "1"));
    all.put("fltrust", Map.of());
    all.put("bucket(median) (s = 2)", Map.of("bucket-size", "2", "bucket-seed", seedText));
    int buckets = clients / 2;
    if (buckets > 2 * malicious + 2) {
      all.put(
          "bucket(krum) (multi, s = 2)",
          Map.of(
              "bucket-size", "2",
              "bucket-seed", seedText,
              "f", f,
              "m", Integer.toString(buckets - malicious),
              "min-clients", n));
    }
    all.put(
        "bucket(centered-clipping) (s = 2)",
        Map.of("bucket-size", "2", "bucket-seed", seedText, "radius", "1"));
    all.put(
        "detect(fedavg) (exclude flagged, quarantine after 2)",
        Map.of("exclude-flagged", "true", "quarantine-after", "2"));
    all.put(
        "detect(fedavg) (per step, min-cosine 0, exclude flagged, quarantine after 2)",
        Map.of(
            "exclude-flagged", "true",
            "quarantine-after", "2",
            "anomaly-per-step", "true",
            "min-cosine", "0"));
    return all;
  }

  /**
   * A run's result: final accuracy, the backdoor's success rate on the final model, and for {@code
   * detect} without quarantine the share of attackers' and honest updates flagged.
   */
  private record Outcome(double accuracy, double backdoorSuccess, double[] detection) {}

  private static Outcome run(
      String strategy,
      Map<String, String> parameters,
      Setup setup,
      Simulation.Config config,
      String attack,
      Set<String> malicious,
      Dataset root,
      Dataset test) {
    Map<String, String> all = new HashMap<>(setup.training());
    all.putAll(parameters);
    Supplier<Strategy> make =
        strategy.equals("fltrust")
            ? () -> flTrust(setup, all, root)
            : () -> Strategies.standard().create(strategy, all);
    Adversary adversary =
        Attacks.named(attack, setup.clients().size(), malicious.size(), config.seed());
    Simulation.Result result =
        Simulation.run(
            make.get(),
            setup.clients(),
            setup.model().initialParameters(0),
            config,
            adversary,
            malicious,
            r -> {});
    double backdoor =
        adversary instanceof Attacks.Backdoor door
            ? door.successRate(setup.model(), result.parameters(), test)
            : Double.NaN;
    double[] detection = null;
    if (strategy.equals("fedavg") && parameters.isEmpty()) {
      detection = detectionRates(setup, all, config, adversary, malicious);
    }
    return new Outcome(result.rounds().getLast().testAccuracy(), backdoor, detection);
  }

  /** Runs {@code detect(fedavg)} without quarantine and counts its flags. */
  private static double[] detectionRates(
      Setup setup,
      Map<String, String> training,
      Simulation.Config config,
      Adversary adversary,
      Set<String> malicious) {
    AnomalyDetection detect =
        (AnomalyDetection) Strategies.standard().create("detect(fedavg)", training);
    long[] counts = new long[4];
    Simulation.run(
        detect,
        setup.clients(),
        setup.model().initialParameters(0),
        config,
        adversary,
        malicious,
        round -> {
          for (AnomalyDetection.Score score : detect.lastRound().scores()) {
            int kind = malicious.contains(score.clientId()) ? 0 : 2;
            counts[kind]++;
            counts[kind + 1] += score.flagged() ? 1 : 0;
          }
        });
    return new double[] {
      counts[1] / (double) Math.max(1, counts[0]), counts[3] / (double) Math.max(1, counts[2])
    };
  }

  /** FLTrust whose root data set is a clean sample the server holds. */
  private static Strategy flTrust(Setup setup, Map<String, String> parameters, Dataset root) {
    StrategyParameters read = new StrategyParameters(parameters);
    LocalTraining training = read.training(0);
    LocalClient server = new LocalClient("server", setup.model(), root, root);
    return new FlTrust(
        new Sampling(1.0, 2),
        training,
        (global, local, seed) -> server.fit(global, local, 0, seed).parameters());
  }

  /** {@code rows} training examples drawn from all clients, as the server's root data set. */
  private static Dataset rootSample(List<LocalClient> clients, int rows, long seed) {
    Dataset all = concatenate(clients.stream().map(LocalClient::trainingData).toList());
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < all.rows(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed ^ 0x600d));
    return all.subset(
        order.subList(0, Math.min(rows, all.rows())).stream().mapToInt(i -> i).toArray());
  }

  private static Dataset union(List<LocalClient> clients) {
    List<Dataset> tests = new ArrayList<>();
    for (LocalClient client : clients) {
      tests.add(client.testData());
    }
    return concatenate(tests);
  }

  private static Dataset concatenate(List<Dataset> parts) {
    Dataset first = parts.getFirst();
    int d = first.columns();
    int rows = parts.stream().mapToInt(Dataset::rows).sum();
    float[] x = new float[rows * d];
    int[] y = new int[rows];
    int at = 0;
    for (Dataset part : parts) {
      System.arraycopy(part.features(), 0, x, at * d, part.rows() * d);
      System.arraycopy(part.labels(), 0, y, at, part.rows());
      at += part.rows();
    }
    return new Dataset(x, y, first.featureNames(), first.classNames());
  }
}
