package io.truststram.explain.counterfactual;

import io.truststram.explain.Differentiable;
import io.truststram.explain.Explanation;
import io.truststram.explain.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Counterfactual explanations: rows near a query row, in a {@link Space}, that reach a {@link
 * Desired} outcome.
 *
 * <p>{@link #genetic} works with any model (DiCE's {@code method="genetic"} in spirit): a
 * population of rows, each a copy of the query with some variables changed, evolves by elitism,
 * uniform crossover and mutation (to a random allowed value, a nearby value, or back to the
 * query's) under a loss that puts every row reaching the outcome before every row that does not,
 * then orders by proximity (the mean over variables of |Δ| in median-absolute-deviation units, 1
 * for a changed one-hot group) and sparsity (the share of variables changed). {@link #gradient}
 * needs input gradients: Wachter et al.'s λ (f(x') − y')² + d(x, x') minimised by Adam, λ raised
 * tenfold until the outcome is reached, one-hot groups relaxed to [0, 1] and projected back.
 *
 * <p>Both keep every valid row they meet, then choose {@code count} of them greedily, each the one
 * best balancing its own loss against its distance to those chosen before (diversity), and make
 * each sparser by putting changed variables back to the query's values, and moving changed numbers
 * towards it, for as long as the outcome holds (DiCE's post-hoc sparsity), unless the sparser row
 * is one already chosen. When none is valid, the result says so, with the nearest miss.
 */
public final class Counterfactuals {

  /** The most counterfactuals a request may ask for. */
  public static final int MAX_COUNT = 100;

  private Counterfactuals() {}

  /**
   * How to search.
   *
   * @param count how many counterfactuals (DiCE's {@code total_CFs}), 4 by default
   * @param maxChanged the most variables one may change; 0 for no limit
   * @param proximityWeight the weight of the distance to the query (DiCE's 0.5)
   * @param sparsityWeight the weight of the share of variables changed
   * @param diversityWeight the weight of the distance between counterfactuals when choosing them
   * @param iterations the genetic search's generations, or the gradient search's steps per λ
   * @param population the genetic search's rows per generation
   * @param seed the seed of every random choice
   */
  public record Options(
      int count,
      int maxChanged,
      double proximityWeight,
      double sparsityWeight,
      double diversityWeight,
      int iterations,
      int population,
      long seed) {
    public static final Options DEFAULT = new Options(4, 0, 0.5, 0.5, 1.0, 300, 200, 0);

    public Options {
      if (count < 1 || count > MAX_COUNT) {
        throw new IllegalArgumentException("ask for 1 to " + MAX_COUNT + " counterfactuals");
      }
      if (maxChanged < 0) {
        throw new IllegalArgumentException("the limit on features changed is not negative");
      }
      for (double w : new double[] {proximityWeight, sparsityWeight, diversityWeight}) {
        if (!(w >= 0) || Double.isInfinite(w)) {
          throw new IllegalArgumentException("weights are finite and not negative");
        }
      }
      if (iterations < 1 || iterations > 100_000 || population < 4 || population > 100_000) {
        throw new IllegalArgumentException(
            "iterations lie in 1..100,000 and the population in 4..100,000");
      }
    }

    /** These options with another seed. */
    public Options withSeed(long newSeed) {
      return new Options(
          count,
          maxChanged,
          proximityWeight,
          sparsityWeight,
          diversityWeight,
          iterations,
          population,
          newSeed);
    }
  }

  /**
   * A feature changed: its value in the query and in the counterfactual (for a one-hot group, the
   * 1's column).
   */
  public record Change(String feature, String from, String to) {}

  /**
   * One counterfactual.
   *
   * @param values its row
   * @param outputs the model's outputs for it
   * @param changes what differs from the query
   * @param distance its proximity term: the mean over variables of their change in scale units
   */
  public record Counterfactual(
      double[] values, double[] outputs, List<Change> changes, double distance) {}

  /**
   * The result.
   *
   * @param query the row explained
   * @param queryOutputs the model's outputs for it
   * @param desired the outcome asked for
   * @param status {@code found} (as many as asked), {@code partial} (fewer) or {@code none}
   * @param counterfactuals those found, nearest first
   * @param message what happened, in a sentence (the nearest miss when none was found)
   * @param provenance the method and its parameters
   */
  public record Result(
      double[] query,
      double[] queryOutputs,
      String desired,
      String status,
      List<Counterfactual> counterfactuals,
      String message,
      Map<String, Object> provenance) {}

  /**
   * Counterfactuals of {@code query} by genetic search, for any model.
   *
   * @throws IllegalArgumentException for a query outside the space or that already reaches the
   *     outcome, or a space of another width than the model
   */
  public static Result genetic(
      Model model,
      String modelSha256,
      Space space,
      double[] query,
      Desired desired,
      Options options) {
    Search search = new Search(model, space, query, desired, options);
    search.genetic();
    return search.result("genetic", modelSha256);
  }

  /**
   * Counterfactuals of {@code query} by Wachter et al.'s gradient search, restarted from {@code
   * count} × 2 perturbed starting points.
   *
   * @throws IllegalArgumentException as {@link #genetic}
   */
  public static Result gradient(
      Differentiable model,
      String modelSha256,
      Space space,
      double[] query,
      Desired desired,
      Options options) {
    Search search = new Search(model, space, query, desired, options);
    search.gradient(model);
    return search.result("gradient", modelSha256);
  }

  /** A row met during a search with its loss. */
  private record Candidate(double[] values, double[] outputs, double loss, boolean valid) {}

  private static final class Search {
    final Model model;
    final Space space;
    final double[] query;
    final double[] queryOutputs;
    final Desired desired;
    final Options options;
    final List<Space.Variable> variables;
    final List<Space.Variable> mutable;
    final SplittableRandom random;
    final Map<List<Double>, Candidate> valid = new LinkedHashMap<>();
    @Nullable Candidate nearestMiss;
    long evaluations;

    Search(Model model, Space space, double[] query, Desired desired, Options options) {
      if (space.features().size() != model.features()) {
        throw new IllegalArgumentException(
            "the space has "
                + space.features().size()
                + " features and the model "
                + model.features());
      }
      space.check(query, "the query");
      this.model = model;
      this.space = space;
      this.query = query.clone();
      this.desired = desired;
      this.options = options;
      this.queryOutputs = model.predict(new double[][] {query})[0];
      desired.shortfall(queryOutputs); // checks the outcome fits the model's outputs
      if (desired.reached(queryOutputs)) {
        throw new IllegalArgumentException(
            "the query already has the outcome asked for (" + desired.describe() + ")");
      }
      this.variables = space.variables();
      this.mutable = variables.stream().filter(Space.Variable::mutable).toList();
      if (mutable.isEmpty()) {
        throw new IllegalArgumentException("every feature is immutable: nothing may change");
      }
      this.random = new SplittableRandom(options.seed());
    }

    // ---- the genetic search ----

    void genetic() {
      int size = options.population();
      double[][] population = new double[size][];
      for (int i = 0; i < size; i++) {
        double[] row = query.clone();
        int limit = options.maxChanged() == 0 ? mutable.size() : options.maxChanged();
        int changes = 1 + random.nextInt(Math.min(limit, mutable.size()));
        for (int c = 0; c < changes; c++) {
          randomise(row, mutable.get(random.nextInt(mutable.size())));
        }
        population[i] = repair(row);
      }
      double bestSoFar = Double.POSITIVE_INFINITY;
      int stale = 0;
      for (int generation = 0; generation < options.iterations(); generation++) {
        Candidate[] scored = evaluate(population);
        Arrays.sort(scored, Comparator.comparingDouble(Candidate::loss));
        double best = scored[0].loss();
        if (best < bestSoFar - 1e-9) {
          bestSoFar = best;
          stale = 0;
        } else if (valid.size() >= options.count() && ++stale >= 25) {
          break;
        }
        int elite = Math.max(2, size / 10);
        double[][] next = new double[size][];
        for (int i = 0; i < elite; i++) {
          next[i] = scored[i].values();
        }
        int parents = Math.max(2, size / 2);
        for (int i = elite; i < size; i++) {
          double[] a = scored[random.nextInt(parents)].values();
          double[] b = scored[random.nextInt(parents)].values();
          double[] child = query.clone();
          for (Space.Variable v : mutable) {
            double[] from = random.nextBoolean() ? a : b;
            for (int c : v.columns()) {
              child[c] = from[c];
            }
            if (random.nextDouble() < 1.0 / mutable.size() + 0.05) {
              mutate(child, v);
            }
          }
          next[i] = repair(child);
        }
        population = next;
      }
    }

    private void mutate(double[] row, Space.Variable v) {
      double u = random.nextDouble();
      if (u < 0.3) {
        for (int c : v.columns()) {
          row[c] = query[c]; // back to the query's value: what makes counterfactuals sparse
        }
      } else if (u < 0.6 && !v.categorical()) {
        int j = v.columns()[0];
        row[j] = clip(j, row[j] + random.nextDouble(-1, 1) * space.scale()[j]);
      } else {
        randomise(row, v);
      }
    }

    private void randomise(double[] row, Space.Variable v) {
      if (v.categorical()) {
        int hot = random.nextInt(v.columns().length);
        for (int i = 0; i < v.columns().length; i++) {
          row[v.columns()[i]] = i == hot ? 1 : 0;
        }
      } else {
        int j = v.columns()[0];
        double low = space.low()[j];
        double high = space.high()[j];
        row[j] = clip(j, low == high ? low : random.nextDouble(low, Math.nextUp(high)));
      }
    }

    /** Keeps to the range, whole numbers where asked. */
    private double clip(int j, double value) {
      double v = Math.min(Math.max(value, space.low()[j]), space.high()[j]);
      if (space.integer()[j]) {
        v = Math.round(v);
        if (v > space.high()[j]) {
          v = Math.floor(space.high()[j]);
        } else if (v < space.low()[j]) {
          v = Math.ceil(space.low()[j]);
        }
      }
      return v;
    }

    /** Puts immutable variables back and, over the limit, random changed variables too. */
    private double[] repair(double[] row) {
      for (Space.Variable v : variables) {
        if (!v.mutable()) {
          for (int c : v.columns()) {
            row[c] = query[c];
          }
        }
      }
      if (options.maxChanged() > 0) {
        List<Space.Variable> changed = new ArrayList<>(changed(row));
        while (changed.size() > options.maxChanged()) {
          Space.Variable v = changed.remove(random.nextInt(changed.size()));
          for (int c : v.columns()) {
            row[c] = query[c];
          }
        }
      }
      return row;
    }

    private List<Space.Variable> changed(double[] row) {
      List<Space.Variable> out = new ArrayList<>();
      for (Space.Variable v : variables) {
        for (int c : v.columns()) {
          if (row[c] != query[c]) {
            out.add(v);
            break;
          }
        }
      }
      return out;
    }

    /** The mean over variables of the change in scale units (1 for a changed group). */
    double distance(double[] a, double[] b) {
      double sum = 0;
      for (Space.Variable v : variables) {
        if (v.categorical()) {
          for (int c : v.columns()) {
            if (a[c] != b[c]) {
              sum += 1;
              break;
            }
          }
        } else {
          int j = v.columns()[0];
          sum += Math.abs(a[j] - b[j]) / space.scale()[j];
        }
      }
      return sum / variables.size();
    }

    private Candidate[] evaluate(double[][] rows) {
      double[][] outputs = model.predict(rows);
      evaluations += rows.length;
      Candidate[] out = new Candidate[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = judge(rows[i], outputs[i]);
      }
      return out;
    }

    private Candidate judge(double[] row, double[] outputs) {
      boolean reached = desired.reached(outputs);
      double shortfall = desired.shortfall(outputs);
      double loss =
          (reached ? 0 : 1_000 + shortfall)
              + options.proximityWeight() * distance(row, query)
              + options.sparsityWeight() * changed(row).size() / variables.size();
      Candidate candidate = new Candidate(row, outputs, loss, reached);
      if (reached) {
        valid.putIfAbsent(key(row), candidate);
      } else if (nearestMiss == null || loss < nearestMiss.loss()) {
        nearestMiss = candidate;
      }
      return candidate;
    }

    private static List<Double> key(double[] row) {
      List<Double> key = new ArrayList<>(row.length);
      for (double v : row) {
        key.add(v);
      }
      return key;
    }

    // ---- the gradient search ----

    void gradient(Differentiable differentiable) {
      int m = query.length;
      double[] target = desired.target(model.outputs());
      int output = (int) target[0];
      boolean[] free = new boolean[m];
      for (Space.Variable v : mutable) {
        for (int c : v.columns()) {
          free[c] = true;
        }
      }
      int restarts = 2 * options.count();
      for (int restart = 0; restart < restarts; restart++) {
        double[] start = query.clone();
        if (restart > 0) {
          for (int j = 0; j < m; j++) {
            if (free[j]) {
              start[j] = start[j] + random.nextGaussian() * space.scale()[j] * 0.5;
            }
          }
        }
        double[] found = descend(differentiable, start, free, output, target[1]);
        if (found == null) {
          continue;
        }
        if (options.maxChanged() > 0 && changed(found).size() > options.maxChanged()) {
          // Keep the variables that moved most, put the rest back, and descend again.
          List<Space.Variable> moved = changed(found);
          moved.sort(Comparator.comparingDouble(v -> -movement(found, v)));
          boolean[] kept = new boolean[m];
          for (Space.Variable v : moved.subList(0, options.maxChanged())) {
            for (int c : v.columns()) {
              kept[c] = true;
            }
          }
          double[] again = query.clone();
          for (int j = 0; j < m; j++) {
            if (kept[j]) {
              again[j] = found[j];
            }
          }
          descend(differentiable, again, kept, output, target[1]);
        }
      }
    }

    private double movement(double[] row, Space.Variable v) {
      if (v.categorical()) {
        return 1;
      }
      int j = v.columns()[0];
      return Math.abs(row[j] - query[j]) / space.scale()[j];
    }

    /**
     * Adam on λ (f_o(x) − t)² + Σ |x_j − q_j| / s_j over the free columns, λ from 0.1 up tenfold to
     * 10⁴ until the projected row reaches the outcome; the projected row, or null.
     */
    private double @Nullable [] descend(
        Differentiable differentiable, double[] start, boolean[] free, int output, double t) {
      int m = query.length;
      double[] x = start.clone();
      double[] outputs = new double[model.outputs()];
      double[] gradient = new double[m];
      for (double lambda = 0.1; lambda <= 1e4; lambda *= 10) {
        double[] first = new double[m];
        double[] second = new double[m];
        for (int step = 1; step <= options.iterations(); step++) {
          differentiable.gradient(x, output, outputs, gradient);
          evaluations++;
          double error = outputs[output] - t;
          for (int j = 0; j < m; j++) {
            if (!free[j]) {
              continue;
            }
            double s = space.scale()[j];
            // In scale units u = x / s: d/du = s · d/dx.
            double g = s * 2 * lambda * error * gradient[j] + Math.signum(x[j] - query[j]);
            first[j] = 0.9 * first[j] + 0.1 * g;
            second[j] = 0.999 * second[j] + 0.001 * g * g;
            double mHat = first[j] / (1 - Math.pow(0.9, step));
            double vHat = second[j] / (1 - Math.pow(0.999, step));
            x[j] -= 0.05 * s * mHat / (Math.sqrt(vHat) + 1e-8);
            x[j] = Math.min(Math.max(x[j], space.low()[j]), space.high()[j]);
          }
        }
        double[] projected = project(x, free);
        Candidate judged = judge(projected, model.predict(new double[][] {projected})[0]);
        evaluations++;
        if (judged.valid()) {
          return projected;
        }
      }
      return null;
    }

    /** Ranges, whole numbers, and each one-hot group's largest column set to 1. */
    private double[] project(double[] x, boolean[] free) {
      double[] row = query.clone();
      for (Space.Variable v : mutable) {
        int[] columns = v.columns();
        if (!free[columns[0]]) {
          continue;
        }
        if (v.categorical()) {
          int best = 0;
          for (int i = 1; i < columns.length; i++) {
            if (x[columns[i]] > x[columns[best]]) {
              best = i;
            }
          }
          for (int i = 0; i < columns.length; i++) {
            row[columns[i]] = i == best ? 1 : 0;
          }
        } else {
          row[columns[0]] = clip(columns[0], x[columns[0]]);
        }
      }
      return row;
    }

    // ---- choosing, sparsifying, reporting ----

    Result result(String method, String modelSha256) {
      List<Candidate> pool = new ArrayList<>(valid.values());
      pool.sort(Comparator.comparingDouble(Candidate::loss));
      List<Candidate> chosen = new ArrayList<>();
      while (chosen.size() < options.count() && !pool.isEmpty()) {
        Candidate pick = pool.getFirst();
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Candidate c : pool) {
          double nearest = Double.POSITIVE_INFINITY;
          for (Candidate s : chosen) {
            nearest = Math.min(nearest, distance(c.values(), s.values()));
          }
          double score = -c.loss() + (chosen.isEmpty() ? 0 : options.diversityWeight() * nearest);
          if (score > bestScore) {
            bestScore = score;
            pick = c;
          }
        }
        pool.remove(pick);
        // A sparser row that another choice already became leaves the row as it was found.
        for (Candidate option : List.of(sparsify(pick), pick)) {
          if (chosen.stream().noneMatch(s -> Arrays.equals(s.values(), option.values()))) {
            chosen.add(option);
            break;
          }
        }
      }
      chosen.sort(Comparator.comparingDouble(c -> distance(c.values(), query)));
      List<Counterfactual> out = new ArrayList<>();
      for (Candidate c : chosen) {
        out.add(
            new Counterfactual(
                c.values(), c.outputs(), changes(c.values()), distance(c.values(), query)));
      }
      String status = out.isEmpty() ? "none" : out.size() < options.count() ? "partial" : "found";
      String message =
          switch (status) {
            case "found" -> out.size() + " counterfactuals reach " + desired.describe();
            case "partial" ->
                "only "
                    + out.size()
                    + " distinct counterfactuals reach "
                    + desired.describe()
                    + " within the search's budget";
            default ->
                "no counterfactual reaches "
                    + desired.describe()
                    + " within the allowed ranges and constraints"
                    + (nearestMiss == null
                        ? ""
                        : "; the nearest miss has outputs "
                            + Arrays.toString(nearestMiss.outputs()));
          };
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put("model_sha256", modelSha256);
      provenance.put("method", method);
      provenance.put("count", options.count());
      provenance.put("max_changed", options.maxChanged());
      provenance.put("proximity_weight", options.proximityWeight());
      provenance.put("sparsity_weight", options.sparsityWeight());
      provenance.put("diversity_weight", options.diversityWeight());
      provenance.put("iterations", options.iterations());
      provenance.put("population", options.population());
      provenance.put("seed", options.seed());
      provenance.put("model_evaluations", evaluations);
      provenance.put("valid_rows_met", valid.size());
      provenance.put("library", Explanation.library());
      return new Result(
          query.clone(), queryOutputs, desired.describe(), status, out, message, provenance);
    }

    /**
     * Puts changed variables back to the query's values, smallest change first, and moves changed
     * numbers towards the query by bisection, while the outcome holds.
     */
    private Candidate sparsify(Candidate candidate) {
      double[] row = candidate.values().clone();
      List<Space.Variable> moved = changed(row);
      moved.sort(Comparator.comparingDouble(v -> movement(row, v)));
      for (Space.Variable v : moved) {
        double[] trial = row.clone();
        for (int c : v.columns()) {
          trial[c] = query[c];
        }
        if (reaches(trial)) {
          System.arraycopy(trial, 0, row, 0, row.length);
        } else if (!v.categorical()) {
          int j = v.columns()[0];
          double near = query[j];
          double far = row[j];
          for (int i = 0; i < 20; i++) {
            double mid = clip(j, (near + far) / 2);
            if (mid == near || mid == far) {
              break;
            }
            trial[j] = mid;
            if (reaches(trial)) {
              far = mid;
            } else {
              near = mid;
            }
          }
          row[j] = far;
        }
      }
      double[] outputs = model.predict(new double[][] {row})[0];
      evaluations++;
      return judge(row, outputs);
    }

    private boolean reaches(double[] row) {
      evaluations++;
      return desired.reached(model.predict(new double[][] {row})[0]);
    }

    private List<Change> changes(double[] row) {
      List<Change> out = new ArrayList<>();
      for (Space.Variable v : changed(row)) {
        if (v.categorical()) {
          out.add(new Change(v.name(), hot(query, v), hot(row, v)));
        } else {
          int j = v.columns()[0];
          out.add(new Change(v.name(), number(query[j]), number(row[j])));
        }
      }
      return out;
    }

    private String hot(double[] row, Space.Variable v) {
      for (int c : v.columns()) {
        if (row[c] == 1) {
          return space.features().get(c);
        }
      }
      return "";
    }

    private static String number(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
  }
}
