package io.truststram.federation.simulation;

import io.truststram.federation.FederatedClient;
import io.truststram.federation.LocalClient;
import io.truststram.federation.strategy.ClientUpdate;
import io.truststram.federation.strategy.Krum;
import io.truststram.ml.data.Dataset;
import io.truststram.ml.model.Classifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The model-poisoning attacks of the robustness literature, as {@link Adversary adversaries}. Each
 * works on the malicious clients' changes against the global model, Δ = w − g. Attackers also claim
 * as many examples as the round's largest client, since example-weighted averaging would otherwise
 * let a small attacker do little harm, and nothing stops a client from lying about its size; they
 * claim that client's local steps too, so that the lie is consistent and attack detection that
 * divides changes by their steps ({@code anomaly-per-step}) sees them as the largest client.
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
      case "label-flip" -> labelFlip();
      case "backdoor" -> Backdoor.standard(clients / (double) Math.max(1, malicious));
      case "min-max" -> minMax();
      case "min-sum" -> minSum();
      default ->
          throw new IllegalArgumentException(
              "unknown attack '" + name + "'; known: " + String.join(", ", NAMES));
    };
  }

  /** The attacks {@link #named} knows. */
  public static final List<String> NAMES =
      List.of(
          "none",
          "sign-flip",
          "scaling",
          "gaussian",
          "alie",
          "ipm",
          "label-flip",
          "backdoor",
          "min-max",
          "min-sum");

  /**
   * Label flipping: each attacker trains honestly on its own data with every label y replaced by C
   * − 1 − y, and sends what it trained. A data-poisoning attack: its updates look like ordinary
   * training, and it claims its true example count.
   */
  public static Adversary labelFlip() {
    return new Adversary() {
      @Override
      public List<ClientUpdate> corrupt(
          int round, float[] global, List<ClientUpdate> updates, Set<String> malicious) {
        return updates;
      }

      @Override
      public FederatedClient poison(FederatedClient honest) {
        LocalClient local = local(honest, "label-flip");
        Dataset train = local.trainingData();
        int[] flipped = new int[train.rows()];
        for (int i = 0; i < flipped.length; i++) {
          flipped[i] = train.classes() - 1 - train.labels()[i];
        }
        return local.withTrainingData(
            new Dataset(train.features(), flipped, train.featureNames(), train.classNames()));
      }
    };
  }

  /**
   * A backdoor by model replacement (Bagdasaryan et al. 2020): each attacker adds to its training
   * data a copy of every row with the trigger (the given columns set to {@code value}) and the
   * label {@code target}, trains on both, and sends g + λΔ, boosting its change so that it survives
   * averaging. The model should keep its accuracy on clean data while classifying triggered inputs
   * as the target: {@link #successRate} measures that.
   *
   * @param columns the trigger's feature columns
   * @param value the value the trigger sets them to
   * @param target the class triggered inputs should get
   * @param boost λ
   */
  public record Backdoor(int[] columns, float value, int target, double boost)
      implements Adversary {

    /** The last three columns set to 5, the last class, boosted by {@code boost}. */
    public static Backdoor standard(double boost) {
      return new Backdoor(new int[] {-3, -2, -1}, 5, -1, boost);
    }

    @Override
    public List<ClientUpdate> corrupt(
        int round, float[] global, List<ClientUpdate> updates, Set<String> malicious) {
      return replaceEach(coordinates((g, delta, j) -> g[j] + boost * delta[j]))
          .corrupt(round, global, updates, malicious);
    }

    @Override
    public FederatedClient poison(FederatedClient honest) {
      LocalClient local = local(honest, "backdoor");
      Dataset train = local.trainingData();
      Dataset triggered = trigger(train);
      int rows = train.rows();
      int d = train.columns();
      float[] x = new float[2 * rows * d];
      int[] y = new int[2 * rows];
      System.arraycopy(train.features(), 0, x, 0, rows * d);
      System.arraycopy(triggered.features(), 0, x, rows * d, rows * d);
      System.arraycopy(train.labels(), 0, y, 0, rows);
      System.arraycopy(triggered.labels(), 0, y, rows, rows);
      return local.withTrainingData(new Dataset(x, y, train.featureNames(), train.classNames()));
    }

    /** {@code data} with the trigger on every row and every label the target. */
    public Dataset trigger(Dataset data) {
      int d = data.columns();
      float[] x = data.features().clone();
      for (int i = 0; i < data.rows(); i++) {
        for (int column : columns) {
          x[i * d + Math.floorMod(column, d)] = value;
        }
      }
      int[] y = new int[data.rows()];
      java.util.Arrays.fill(y, Math.floorMod(target, data.classes()));
      return new Dataset(x, y, data.featureNames(), data.classNames());
    }

    /**
     * The share of {@code test}'s rows not of the target class that {@code model} with {@code
     * parameters} classifies as the target once the trigger is on them.
     */
    public double successRate(Classifier model, float[] parameters, Dataset test) {
      int goal = Math.floorMod(target, test.classes());
      List<Integer> others = new ArrayList<>();
      for (int i = 0; i < test.rows(); i++) {
        if (test.labels()[i] != goal) {
          others.add(i);
        }
      }
      if (others.isEmpty()) {
        return Double.NaN;
      }
      Dataset triggered =
          trigger(test.subset(others.stream().mapToInt(Integer::intValue).toArray()));
      double[] p = new double[test.classes()];
      int hits = 0;
      for (int i = 0; i < triggered.rows(); i++) {
        model.probabilities(parameters, triggered, i, p);
        int best = 0;
        for (int c = 1; c < p.length; c++) {
          if (p[c] > p[best]) {
            best = c;
          }
        }
        hits += best == goal ? 1 : 0;
      }
      return hits / (double) triggered.rows();
    }
  }

  private static LocalClient local(FederatedClient client, String attack) {
    if (!(client instanceof LocalClient local)) {
      throw new IllegalArgumentException(
          attack + " poisons training data, which only simulated (LocalClient) clients expose");
    }
    return local;
  }

  /**
   * Min-max (Shejwalkar and Houmansadr 2021, AGR-agnostic): every attacker sends μ + γ·p, μ the
   * mean of the honest updates, p the negative of their per-coordinate standard deviation, and γ
   * the largest for which the malicious update is no further from any honest one than the two
   * furthest honest ones are from each other. It assumes the attackers know the honest updates of
   * the round (the paper's strongest setting).
   */
  public static Adversary minMax() {
    return optimised(false);
  }

  /**
   * Min-sum: as {@link #minMax}, with γ the largest for which the malicious update's sum of squared
   * distances to the honest ones is no more than any honest update's.
   */
  public static Adversary minSum() {
    return optimised(true);
  }

  private static Adversary optimised(boolean sum) {
    return (round, global, updates, malicious) -> {
      List<float[]> honest = new ArrayList<>();
      for (ClientUpdate update : updates) {
        if (!malicious.contains(update.clientId())) {
          honest.add(update.parameters());
        }
      }
      if (honest.size() < 2 || honest.size() == updates.size()) {
        return updates;
      }
      int d = global.length;
      int n = honest.size();
      double[] mean = new double[d];
      double[] square = new double[d];
      for (float[] w : honest) {
        for (int j = 0; j < d; j++) {
          mean[j] += w[j];
          square[j] += (double) w[j] * w[j];
        }
      }
      double[] direction = new double[d];
      for (int j = 0; j < d; j++) {
        mean[j] /= n;
        direction[j] = -Math.sqrt(Math.max(0, square[j] / n - mean[j] * mean[j]));
      }
      // The honest yardstick: the largest pairwise distance (min-max) or the largest sum of
      // squared distances to the others (min-sum).
      double[] sums = new double[n];
      double largest = 0;
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          double distance = Krum.squaredDistance(honest.get(a), honest.get(b));
          sums[a] += distance;
          sums[b] += distance;
          largest = Math.max(largest, distance);
        }
      }
      double bound = sum ? java.util.Arrays.stream(sums).max().orElse(0) : largest;
      java.util.function.DoublePredicate fits =
          gamma -> {
            float[] m = shifted(mean, direction, gamma);
            double total = 0;
            double furthest = 0;
            for (float[] w : honest) {
              double distance = Krum.squaredDistance(m, w);
              total += distance;
              furthest = Math.max(furthest, distance);
            }
            return (sum ? total : furthest) <= bound;
          };
      double low = 0;
      double high = 1;
      while (fits.test(high) && high < 1e6) {
        low = high;
        high *= 2;
      }
      for (int i = 0; i < 50 && high - low > 1e-6 * high; i++) {
        double middle = (low + high) / 2;
        if (fits.test(middle)) {
          low = middle;
        } else {
          high = middle;
        }
      }
      return replaceMalicious(updates, malicious, shifted(mean, direction, low));
    };
  }

  private static float[] shifted(double[] mean, double[] direction, double gamma) {
    float[] m = new float[mean.length];
    for (int j = 0; j < m.length; j++) {
      m[j] = (float) (mean[j] + gamma * direction[j]);
    }
    return m;
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
    return fromMoments((global, mean, stddev, j) -> global[j] + mean[j] - z * stddev[j]);
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
    return fromMoments((global, mean, stddev, j) -> global[j] - epsilon * mean[j]);
  }

  /** Coordinate j of the one vector every attacker sends, from the attackers' own moments. */
  private interface FromMoments {
    double value(float[] global, double[] mean, double[] stddev, int j);
  }

  /**
   * Every attacker sends one vector built from the mean and standard deviation of the attackers'
   * honest changes, coordinate by coordinate.
   */
  private static Adversary fromMoments(FromMoments coordinate) {
    return (round, global, updates, malicious) -> {
      double[][] moments = moments(global, updates, malicious);
      if (moments == null) {
        return updates;
      }
      float[] w = new float[global.length];
      for (int j = 0; j < w.length; j++) {
        w[j] = (float) coordinate.value(global, moments[0], moments[1], j);
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

  /** The round's update with the most examples, whose size and local steps attackers claim. */
  private static ClientUpdate largest(List<ClientUpdate> updates) {
    return updates.stream().max(Comparator.comparingLong(ClientUpdate::examples)).orElseThrow();
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

  private static ClientUpdate with(ClientUpdate update, float[] parameters, ClientUpdate claimed) {
    return new ClientUpdate(
        update.clientId(),
        parameters,
        claimed.examples(),
        claimed.localSteps(),
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
