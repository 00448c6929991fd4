package io.truststram.ml.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Ways to split a data set's rows among federated clients for experiments, each reproducible from a
 * seed: IID, label skew by a Dirichlet(α) draw per class, quantity skew with log-normal sizes, and
 * the natural split by a column's value. Each returns one array of row indices per client; together
 * they hold every row once.
 */
public final class Partitions {

  private Partitions() {}

  /** Rows shuffled and dealt into {@code clients} parts whose sizes differ by at most one. */
  public static List<int[]> iid(int rows, int clients, long seed) {
    checkClients(clients, rows);
    int[] order = shuffled(rows, new SplittableRandom(seed));
    List<int[]> parts = new ArrayList<>(clients);
    int start = 0;
    for (int k = 0; k < clients; k++) {
      int size = rows / clients + (k < rows % clients ? 1 : 0);
      parts.add(Arrays.copyOfRange(order, start, start + size));
      start += size;
    }
    return parts;
  }

  /**
   * Label skew: for each class, the proportions of its rows that go to each client are drawn from
   * Dirichlet(α, ..., α) (Hsu et al., 2019); small α gives each client few classes, large α
   * approaches IID. Draws are repeated until every client has at least {@code minRows} rows.
   *
   * @throws IllegalArgumentException when 1,000 draws in a row leave some client too small
   */
  public static List<int[]> dirichletLabelSkew(
      int[] labels, int classes, int clients, double alpha, int minRows, long seed) {
    checkClients(clients, labels.length);
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("alpha must be positive: " + alpha);
    }
    if ((long) minRows * clients > labels.length) {
      throw new IllegalArgumentException(
          clients + " clients of at least " + minRows + " rows need more than " + labels.length);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int row = 0; row < labels.length; row++) {
      byClass.get(labels[row]).add(row);
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
      List<List<Integer>> parts = new ArrayList<>();
      for (int k = 0; k < clients; k++) {
        parts.add(new ArrayList<>());
      }
      for (List<Integer> rows : byClass) {
        int[] order = rows.stream().mapToInt(Integer::intValue).toArray();
        shuffle(order, random);
        double[] p = dirichlet(clients, alpha, random);
        int start = 0;
        double cumulative = 0;
        for (int k = 0; k < clients; k++) {
          cumulative += p[k];
          int end = k == clients - 1 ? order.length : (int) Math.round(cumulative * order.length);
          end = Math.max(start, Math.min(order.length, end));
          for (int i = start; i < end; i++) {
            parts.get(k).add(order[i]);
          }
          start = end;
        }
      }
      if (parts.stream().allMatch(part -> part.size() >= minRows)) {
        return parts.stream()
            .map(part -> part.stream().mapToInt(Integer::intValue).toArray())
            .toList();
      }
    }
    throw new IllegalArgumentException(
        "no Dirichlet(" + alpha + ") split gave every client " + minRows + " rows in 1,000 draws");
  }

  /**
   * Quantity skew: client sizes proportional to draws from LogNormal(0, σ), each at least {@code
   * minRows}; rows shuffled first, so the label mix stays IID.
   */
  public static List<int[]> quantitySkew(
      int rows, int clients, double sigma, int minRows, long seed) {
    checkClients(clients, rows);
    if ((long) minRows * clients > rows) {
      throw new IllegalArgumentException(
          clients + " clients of at least " + minRows + " rows need more than " + rows);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] weights = new double[clients];
    double total = 0;
    for (int k = 0; k < clients; k++) {
      weights[k] = Math.exp(sigma * gaussian(random));
      total += weights[k];
    }
    int spare = rows - minRows * clients;
    int[] sizes = new int[clients];
    int assigned = 0;
    for (int k = 0; k < clients; k++) {
      sizes[k] = minRows + (int) Math.floor(spare * weights[k] / total);
      assigned += sizes[k];
    }
    for (int k = 0; assigned < rows; k = (k + 1) % clients) {
      sizes[k]++;
      assigned++;
    }
    int[] order = shuffled(rows, random);
    List<int[]> parts = new ArrayList<>(clients);
    int start = 0;
    for (int size : sizes) {
      parts.add(Arrays.copyOfRange(order, start, start + size));
      start += size;
    }
    return parts;
  }

  /**
   * The natural split: one client per distinct value of a column (e.g. Adult's {@code
   * native-country}), largest first; values beyond the {@code maxClients - 1} largest are pooled
   * into one last client. Rows keep their order.
   *
   * @return client name (the value, or {@code other}) to its rows
   */
  public static Map<String, int[]> byValue(String[] values, int maxClients) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1");
    }
    Map<String, List<Integer>> groups = new TreeMap<>();
    for (int row = 0; row < values.length; row++) {
      groups.computeIfAbsent(values[row], v -> new ArrayList<>()).add(row);
    }
    List<Map.Entry<String, List<Integer>>> bySize = new ArrayList<>(groups.entrySet());
    bySize.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
    Map<String, int[]> parts = new LinkedHashMap<>();
    int kept = bySize.size() <= maxClients ? bySize.size() : maxClients - 1;
    List<Integer> other = new ArrayList<>();
    for (int i = 0; i < bySize.size(); i++) {
      if (i < kept) {
        parts.put(
            bySize.get(i).getKey(),
            bySize.get(i).getValue().stream().mapToInt(Integer::intValue).toArray());
      } else {
        other.addAll(bySize.get(i).getValue());
      }
    }
    if (!other.isEmpty()) {
      parts.put("other", other.stream().mapToInt(Integer::intValue).sorted().toArray());
    }
    return parts;
  }

  /** A draw from Dirichlet(α, ..., α) over {@code k} parts. */
  static double[] dirichlet(int k, double alpha, SplittableRandom random) {
    double[] p = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      p[i] = gamma(alpha, random);
      sum += p[i];
    }
    if (sum == 0) {
      // Every draw underflowed (tiny α): all the mass on one part.
      p[random.nextInt(k)] = 1;
      return p;
    }
    for (int i = 0; i < k; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** A draw from Gamma(shape, 1) (Marsaglia and Tsang, 2000; boosted for shape below 1). */
  static double gamma(double shape, SplittableRandom random) {
    if (shape < 1) {
      double u = random.nextDouble();
      return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = gaussian(random);
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** A standard normal draw (Box-Muller). */
  static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble(); // (0, 1]
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static int[] shuffled(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, random);
    return order;
  }

  private static void shuffle(int[] values, SplittableRandom random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  private static void checkClients(int clients, int rows) {
    if (clients < 1 || clients > rows) {
      throw new IllegalArgumentException(
          "cannot split " + rows + " rows among " + clients + " clients");
    }
  }
}
