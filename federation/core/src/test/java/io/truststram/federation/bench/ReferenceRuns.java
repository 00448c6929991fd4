package io.truststram.federation.bench;

import io.truststram.federation.LocalClient;
import io.truststram.federation.simulation.Simulation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reference comparisons of bench/results/federation.md, as FedProx's paper sets them up:
 * Synthetic(1, 1) over 30 devices, multinomial logistic regression, learning rate 0.01, 10 devices
 * per round, E = 20 local epochs, batch 10. Writes one CSV row per round and run.
 *
 * <p>Run by bench/federation/reference.sh: {@code ReferenceRuns <out.csv> [rounds] [seed]}.
 */
public final class ReferenceRuns {

  private ReferenceRuns() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    List<Synthetic.Device> devices = Synthetic.generate(1, 1, 30, seed);
    List<LocalClient> clients = new ArrayList<>();
    for (int k = 0; k < devices.size(); k++) {
      clients.add(
          new LocalClient("device-" + k, model, devices.get(k).train(), devices.get(k).test()));
    }
    Map<String, String> common =
        Map.of(
            "fraction", "0.3",
            "min-clients", "10",
            "epochs", "20",
            "batch-size", "10",
            "learning-rate", "0.01");
    record Run(String label, String strategy, Map<String, String> extra, double stragglers) {}
    List<Run> runs = new ArrayList<>();
    for (double stragglers : new double[] {0, 0.5, 0.9}) {
      runs.add(new Run("FedAvg", "fedavg", Map.of(), stragglers));
      runs.add(new Run("FedProx (mu=1)", "fedprox", Map.of("mu", "1"), stragglers));
    }
    // Heterogeneous local steps, every update kept: FedAvg against FedNova.
    runs.add(
        new Run("FedAvg (keeps partial work)", "fedavg", Map.of("keep-partial-work", "true"), 0.5));
    runs.add(new Run("FedNova", "fednova", Map.of(), 0.5));
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out))) {
      csv.println("run,stragglers,round,aggregated,train_loss,test_accuracy,millis");
      for (Run run : runs) {
        Map<String, String> parameters = new HashMap<>(common);
        parameters.putAll(run.extra());
        long started = System.nanoTime();
        Simulation.Result result =
            Simulation.run(
                Strategies.standard().create(run.strategy(), parameters),
                clients,
                model.initialParameters(0),
                new Simulation.Config(rounds, run.stragglers(), 0, 1, seed),
                round ->
                    csv.println(
                        String.format(
                            Locale.ROOT,
                            "%s,%.1f,%d,%d,%.6f,%.6f,%d",
                            run.label(),
                            run.stragglers(),
                            round.round(),
                            round.aggregated(),
                            round.trainLoss(),
                            round.testAccuracy(),
                            round.millis())));
        Simulation.Round last = result.rounds().getLast();
        System.out.printf(
            Locale.ROOT,
            "%-28s stragglers %3.0f%%: train loss %.4f, test accuracy %.4f (%.1f s)%n",
            run.label(),
            100 * run.stragglers(),
            last.trainLoss(),
            last.testAccuracy(),
            (System.nanoTime() - started) / 1e9);
        csv.flush();
      }
    }
  }
}
