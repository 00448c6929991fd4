package io.truststram.federation.simulation;

import io.truststram.federation.strategy.ClientUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The model-poisoning attacks of the robustness literature, as {@link Adversary adversaries}. Each
 * works on the malicious clients' changes against the global model, Δ = w − g. Attackers also claim
 * as many examples as the round's largest client, since example-weighted averaging would otherwise
 * let a small attacker do little harm, and nothing stops a client from lying about its size.
 */
public final class Attacks {

  private Attacks() {}

  /** The adversary named {@code name} ({@code none}, {@code sign-flip}, ...) with its default. */
  public static Adversary named(String name, int clients, int malicious, long seed) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "none" -> Adversary.none();
      case "sign-flip" -> signFlip(4);
      case "scaling" -> scaling(10);
      case "gaussian" -> gaussian(1.0, seed);
      case "alie" -> alie(alieZ(clients, malicious));
      case "ipm" -> innerProduct(0.5);
      default ->
          throw new IllegalArgumentException(
              "unknown attack '"
                  + name
                  + "'; known: none, sign-flip, scaling, gaussian, alie, ipm");
    };
  }

  /** Sends g − s·Δ: its own change reversed and magnified. */
  public static Adversary signFlip(double scale) {
    return replaceEach(coordinates((global, delta, j) -> global[j] - scale * delta[j]));
  }

  /** Sends g + λ·Δ: its change boosted, as model replacement does. */
  public static Adversary scaling(double factor) {
    return replaceEach(coordinates((global, delta, j) -> global[j] + factor * delta[j]));
  }

  /** Sends g plus Gaussian noise of standard deviation σ, ignoring its training. */
  public static Adversary gaussian(double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return replaceEach(
        (global, update) -> {
          float[] w = new float[global.length];
          for (int j = 0; j < w.length; j++) {
            w[j] = (float) (global[j] + sigma * gaussian(random));
          }
          return w;
        });
  }

  /**
   * "A little is enough" (Baruch, Baruch and Goldberg 2019): every attacker sends μ − z·σ, the
   * per-coordinate mean of the attackers' own honest changes shifted by z of their standard
   * deviations, small enough to pass for an honest update.
   */
  public static Adversary alie(double z) {
    return (round, global, updates, malicious) -> {
      double[][] moments = moments(global, updates, malicious);
      if (moments == null) {
        return updates;
      }
      float[] w = new float[global.length];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) (global[j] + moments[0][j] - z * moments[1][j]);
      }
      return replaceMalicious(updates, malicious, w);
    };
  }

  /**
   * ALIE's z for n clients of which m attack: s = ⌊n/2 + 1⌋ − m honest ones must be won over, and z
   * = Φ⁻¹((n − s)/n).
   */
  public static double alieZ(int clients, int malicious) {
    int s = (int) Math.floor(clients / 2.0 + 1) - malicious;
    double p = (clients - s) / (double) clients;
    p = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    return new NormalDistribution().inverseCumulativeProbability(p);
  }

  /**
   * Inner-product manipulation (Xie, Koyejo and Gupta 2020): every attacker sends −ε times the mean
   * of the attackers' honest changes, so that the aggregate's inner product with the true direction
   * turns negative.
   */
  public static Adversary innerProduct(double epsilon) {
    return (round, global, updates, malicious) -> {
      double[][] moments = moments(global, updates, malicious);
      if (moments == null) {
        return updates;
      }
      float[] w = new float[global.length];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) (global[j] - epsilon * moments[0][j]);
      }
      return replaceMalicious(updates, malicious, w);
    };
  }

  private interface Coordinate {
    double value(float[] global, double[] delta, int j);
  }

  /** What one attacker sends instead of its update. */
  private interface Replacement {
    float[] parameters(float[] global, ClientUpdate honest);
  }

  private static Replacement coordinates(Coordinate coordinate) {
    return (global, update) -> {
      double[] delta = new double[global.length];
      for (int j = 0; j < delta.length; j++) {
        delta[j] = (double) update.parameters()[j] - global[j];
      }
      float[] w = new float[global.length];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) coordinate.value(global, delta, j);
      }
      return w;
    };
  }

  /** Each attacker's update replaced on its own. */
  private static Adversary replaceEach(Replacement replacement) {
    return (round, global, updates, malicious) -> {
      List<ClientUpdate> out = new ArrayList<>(updates.size());
      for (ClientUpdate update : updates) {
        out.add(
            malicious.contains(update.clientId())
                ? with(update, replacement.parameters(global, update), largest(updates))
                : update);
      }
      return out;
    };
  }

  private static long largest(List<ClientUpdate> updates) {
    return updates.stream().mapToLong(ClientUpdate::examples).max().orElse(1);
  }

  /** Mean and standard deviation per coordinate of the malicious clients' honest changes. */
  private static double[][] moments(
      float[] global, List<ClientUpdate> updates, java.util.Set<String> malicious) {
    int d = global.length;
    double[] mean = new double[d];
    double[] square = new double[d];
    int count = 0;
    for (ClientUpdate update : updates) {
      if (malicious.contains(update.clientId())) {
        count++;
        for (int j = 0; j < d; j++) {
          double delta = (double) update.parameters()[j] - global[j];
          mean[j] += delta;
          square[j] += delta * delta;
        }
      }
    }
    if (count == 0) {
      return null;
    }
    double[] stddev = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] /= count;
      stddev[j] = Math.sqrt(Math.max(0, square[j] / count - mean[j] * mean[j]));
    }
    return new double[][] {mean, stddev};
  }

  private static List<ClientUpdate> replaceMalicious(
      List<ClientUpdate> updates, java.util.Set<String> malicious, float[] w) {
    List<ClientUpdate> out = new ArrayList<>(updates.size());
    for (ClientUpdate update : updates) {
      out.add(
          malicious.contains(update.clientId())
              ? with(update, w.clone(), largest(updates))
              : update);
    }
    return out;
  }

  private static ClientUpdate with(ClientUpdate update, float[] parameters, long examples) {
    return new ClientUpdate(
        update.clientId(),
        parameters,
        examples,
        update.localSteps(),
        update.baseVersion(),
        update.metrics());
  }

  private static double gaussian(SplittableRandom random) {
    // Box–Muller: SplittableRandom has no nextGaussian of its own.
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
