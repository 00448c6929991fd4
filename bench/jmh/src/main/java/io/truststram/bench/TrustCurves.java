package io.truststram.bench;

import io.truststram.federation.LocalClient;
import io.truststram.federation.simulation.Attacks;
import io.truststram.federation.simulation.Simulation;
import io.truststram.federation.strategy.Strategies;
import io.truststram.federation.strategy.Strategy;
import io.truststram.federation.strategy.TrustWeighted;
import io.truststram.ml.data.Synthetic;
import io.truststram.ml.model.SoftmaxRegression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Trust-weighted federated learning against the same robust aggregator without trust
 * (bench/trust/curves.sh): Synthetic IID (or Synthetic(1, 1), non-IID, with a fifth argument
 * "non-iid", where attack detection itself fails without any attack: see robustness.md), CLIENTS
 * clients, ROUNDS rounds, attackers at 20% and 40% running ATTACK; per round the test accuracy of
 * {@code fedavg} without attack (the clean reference), {@code detect(fedavg)} (flagged updates left
 * out, no quarantine) and {@code trust(detect(fedavg))}, and the mean trust of attackers and of
 * honest clients. Prints a Markdown table per attacker share and the first round each configuration
 * comes within one point of the clean final accuracy.
 *
 * <p>Usage: TrustCurves [CLIENTS] [ROUNDS] [ATTACK] [SEED] [iid|non-iid] [ROBUST] [exclude|score]
 * [NAME=VALUE...]; the environment's TRUST_PENALTY, TRUST_FORGETTING, TRUST_MINIMUM and TRUST_FLOOR
 * set the trust wrapper, and ATTACKERS=random draws the attackers with the seed.
 */
public final class TrustCurves {

  private TrustCurves() {}

  public static void main(String[] args) {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    String attack = args.length > 2 ? args[2] : "scaling";
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    SoftmaxRegression model = new SoftmaxRegression(Synthetic.DIMENSION, Synthetic.CLASSES);
    boolean iid = args.length <= 4 || args[4].equals("iid");
    // The robust configuration compared with and without trust, e.g. detect(median).
    String robust = args.length > 5 ? args[5] : "detect(fedavg)";
    List<Synthetic.Device> data =
        iid ? Synthetic.generateIid(clients, seed) : Synthetic.generate(1, 1, clients, seed);
    List<LocalClient> devices = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      devices.add(new LocalClient("c" + k, model, data.get(k).train(), data.get(k).test()));
    }
    Map<String, String> training =
        new HashMap<>(Map.of("epochs", "2", "batch-size", "10", "learning-rate", "0.01"));
    Map<String, String> detecting = new HashMap<>(training);
    // "exclude": detection leaves flagged updates out of their round; "score": it only scores.
    boolean exclude = args.length <= 6 || args[6].equals("exclude");
    detecting.put("exclude-flagged", Boolean.toString(exclude));
    // Further strategy parameters, as NAME=VALUE (min-cosine=0, anomaly-per-step=false).
    for (int i = 7; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      detecting.put(pair[0], pair[1]);
    }
    // The trust wrapper's own settings, from the environment (TRUST_PENALTY, TRUST_FORGETTING).
    Map<String, String> trusting = new HashMap<>(detecting);
    for (String name : new String[] {"penalty", "forgetting", "minimum", "floor"}) {
      String value = System.getenv("TRUST_" + name.toUpperCase(Locale.ROOT));
      if (value != null) {
        trusting.put("trust-" + name, value);
      }
    }
    // ATTACKERS=random draws the attackers with the seed; by default they are spread evenly.
    boolean random = "random".equals(System.getenv("ATTACKERS"));
    Simulation.Config config = new Simulation.Config(rounds, 0, 0, 1, seed);
    double[] clean =
        curve(
            Strategies.standard().create("fedavg", training),
            devices,
            model,
            config,
            "none",
            Set.of(),
            null);
    double target = clean[rounds - 1] - 0.01;
    for (double share : new double[] {0.2, 0.4}) {
      int bad = (int) Math.round(share * clients);
      Set<String> malicious = new LinkedHashSet<>();
      if (random) {
        // Drawn with the seed: which clients attack then decides how much data they hold.
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
          order.add(k);
        }
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        order.subList(0, bad).forEach(k -> malicious.add("c" + k));
      } else {
        for (int k = 0; k < bad; k++) {
          malicious.add("c" + (k * clients / bad)); // spread over the non-IID devices
        }
      }
      double[] detect =
          curve(
              Strategies.standard().create(robust, detecting),
              devices,
              model,
              config,
              attack,
              malicious,
              null);
      TrustWeighted trust =
          (TrustWeighted) Strategies.standard().create("trust(" + robust + ")", trusting);
      double[][] trustCurves = new double[3][rounds];
      double[] trusted =
          curve(
              trust,
              devices,
              model,
              config,
              attack,
              malicious,
              (round, t) -> {
                double attackers = 0;
                double honest = 0;
                for (LocalClient device : devices) {
                  double v = t.trust(device.id());
                  if (malicious.contains(device.id())) {
                    attackers += v / malicious.size();
                  } else {
                    honest += v / (devices.size() - malicious.size());
                  }
                }
                trustCurves[0][round - 1] = attackers;
                trustCurves[1][round - 1] = honest;
              });
      System.out.printf(
          Locale.ROOT,
          "%n### %d%% attackers (%d of %d%s), %s, %s%n%n"
              + "| round | fedavg, no attack | %s | trust(%s) |"
              + " attackers' trust | honest trust |%n|---:|---:|---:|---:|---:|---:|%n",
          Math.round(share * 100),
          bad,
          clients,
          random ? ", drawn at random: " + String.join(", ", malicious) : "",
          attack,
          iid ? "Synthetic IID" : "Synthetic(1, 1)",
          robust,
          robust);
      for (int r = 0; r < rounds; r++) {
        System.out.printf(
            Locale.ROOT,
            "| %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
            r + 1,
            clean[r],
            detect[r],
            trusted[r],
            trustCurves[0][r],
            trustCurves[1][r]);
      }
      System.out.printf(
          Locale.ROOT,
          "%nWithin one point of clean FedAvg's final %.3f (flagged updates %s): %s at round %s,"
              + " trust(%s) at round %s.%n",
          clean[rounds - 1],
          exclude ? "left out" : "kept",
          robust,
          first(detect, target),
          robust,
          first(trusted, target));
    }
  }

  /** Per round, the trust wrapper (when given) after the round. */
  interface Watch {
    void after(int round, TrustWeighted trust);
  }

  private static double[] curve(
      Strategy strategy,
      List<LocalClient> devices,
      SoftmaxRegression model,
      Simulation.Config config,
      String attack,
      Set<String> malicious,
      Watch watch) {
    double[] accuracy = new double[config.rounds()];
    Simulation.run(
        strategy,
        devices,
        model.initialParameters(0),
        config,
        Attacks.named(attack, devices.size(), malicious.size(), config.seed()),
        malicious,
        round -> {
          accuracy[round.round() - 1] = round.testAccuracy();
          if (watch != null) {
            watch.after(round.round(), (TrustWeighted) strategy);
          }
        });
    return accuracy;
  }

  private static String first(double[] curve, double target) {
    for (int r = 0; r < curve.length; r++) {
      if (curve[r] >= target) {
        return Integer.toString(r + 1);
      }
    }
    return "never (in " + curve.length + ")";
  }
}
