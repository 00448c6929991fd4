package io.truststram.federation.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Attack detection around any strategy ({@code detect(fedavg)}, {@code detect(krum)}): every update
 * of a round is scored against the others, suspicious ones are flagged, and a client flagged in
 * {@code quarantine-after} rounds is excluded from later rounds. The scores of each update:
 *
 * <ul>
 *   <li>its change's L2 distance to the coordinate-wise median of the round's changes;
 *   <li>the cosine between its change and the provisional aggregate, that median change;
 *   <li>its change's norm;
 *   <li>its Krum score (sum of squared distances to its n − f − 2 nearest, f = ⌊(n − 3)/2⌋).
 * </ul>
 *
 * Distance, norm and Krum score are compared across the round by a robust z-score, (x −
 * median)/max(1.4826·MAD, median/2), so that the attackers themselves do not widen the yardstick
 * and a small round's near-equal updates do not shrink it to nothing; an update is flagged when one
 * of them is above {@code threshold} or its cosine is below {@code min-cosine}. Rounds with fewer
 * than four updates are scored but never flagged: there is no majority to compare with. With {@code
 * exclude-flagged}, a flagged update is also left out of its own round's aggregate.
 *
 * <p>With {@code anomaly-per-step}, clients that trained for very different numbers of local steps
 * (one with a hundred times the data takes a hundred times the steps) are compared fairly: the
 * round's change lengths are fitted to the steps reported ({@link WorkFit}), each change is divided
 * by the growth its steps predict before distance, cosine and Krum score compare it, and the norm
 * score becomes the fit's residual, flagged both ways ({@code norm}: too long for its steps; {@code
 * claimed-steps}: too short, as from a client claiming more work and weight than it did). With
 * {@code min-cosine} on, the updates whose direction it rejects (fewer than half) are left out of a
 * second fit. A round in which an update reports no steps is compared as sent.
 *
 * <p>The wrapper keeps every update of the round until it finishes (about 4 bytes per parameter per
 * update; twice that while a round is scored with {@code anomaly-per-step}) and then hands the
 * strategy inside the ones it keeps.
 */
public final class AnomalyDetection extends ForwardingStrategy {

  /**
   * One update's scores.
   *
   * @param clientId who sent it
   * @param medianDistance L2 distance of its change to the coordinate-wise median change
   * @param cosine cosine between its change and the median change (0 when either is zero)
   * @param norm L2 norm of its change
   * @param krumScore its Krum score (NaN with fewer than three updates)
   * @param reasons why it was flagged (empty: not flagged), e.g. {@code median-distance}
   */
  public record Score(
      String clientId,
      double medianDistance,
      double cosine,
      double norm,
      double krumScore,
      List<String> reasons) {

    public Score {
      reasons = List.copyOf(reasons);
    }

    public boolean flagged() {
      return !reasons.isEmpty();
    }
  }

  /**
   * One round's verdict.
   *
   * @param round the round
   * @param scores every update's scores, in arrival order
   * @param quarantined clients quarantined by this round's flags
   */
  public record RoundScores(int round, List<Score> scores, List<String> quarantined) {
    public RoundScores {
      scores = List.copyOf(scores);
      quarantined = List.copyOf(quarantined);
    }
  }

  private static final String FLAG_STATE = "detect.flags.";

  private final double threshold;
  private final double minCosine;
  private final int quarantineAfter;
  private final boolean excludeFlagged;
  private final boolean perStep;
  private final Map<String, Integer> flags = new TreeMap<>();
  private @Nullable RoundScores last;

  /**
   * @param threshold the robust z-score above which a distance, norm or Krum score is suspicious
   * @param minCosine the cosine below which an update is suspicious (−1 or less: never)
   * @param quarantineAfter flagged rounds after which a client is excluded (0: never)
   * @param excludeFlagged whether a flagged update is left out of its own round's aggregate
   * @param perStep whether changes are compared by the work their clients report: each divided by
   *     the growth the round's fit predicts for its local steps, its size judged against that fit
   *     (when every update of the round reports its steps)
   */
  public AnomalyDetection(
      Strategy inner,
      double threshold,
      double minCosine,
      int quarantineAfter,
      boolean excludeFlagged,
      boolean perStep) {
    super(inner);
    if (Wrapper.find(inner, AnomalyDetection.class).isPresent()) {
      throw new IllegalArgumentException("detect is applied once in a chain");
    }
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("anomaly-threshold must be positive, not " + threshold);
    }
    if (!(minCosine >= -2 && minCosine < 1)) {
      throw new IllegalArgumentException("min-cosine must be below 1, not " + minCosine);
    }
    if (quarantineAfter < 0) {
      throw new IllegalArgumentException(
          "quarantine-after must be 0 (never) or more, not " + quarantineAfter);
    }
    this.threshold = threshold;
    this.minCosine = minCosine;
    this.quarantineAfter = quarantineAfter;
    this.excludeFlagged = excludeFlagged;
    this.perStep = perStep;
  }

  @Override
  public String name() {
    return "detect(" + inner().name() + ")";
  }

  /** The scores of the last round finished, if any. */
  public @Nullable RoundScores lastRound() {
    return last;
  }

  /** The clients excluded from rounds, sorted. */
  public Set<String> quarantined() {
    Set<String> out = new LinkedHashSet<>();
    flags.forEach(
        (client, count) -> {
          if (isQuarantined(count)) {
            out.add(client);
          }
        });
    return Collections.unmodifiableSet(out);
  }

  private boolean isQuarantined(int count) {
    return quarantineAfter > 0 && count >= quarantineAfter;
  }

  private boolean isQuarantined(String clientId) {
    return isQuarantined(flags.getOrDefault(clientId, 0));
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    List<ClientProfile> allowed =
        available.stream().filter(client -> !isQuarantined(client.clientId())).toList();
    return inner().configureTrain(round, allowed, random);
  }

  @Override
  public void check(ClientUpdate update, int parameters) {
    if (isQuarantined(update.clientId())) {
      throw new RejectedUpdateException(
          RejectedUpdateException.Reason.QUARANTINED,
          "client " + update.clientId() + " is quarantined after repeated anomalous updates");
    }
    inner().check(update, parameters);
  }

  /** Scoring compares whole updates. */
  @Override
  public boolean separable() {
    return false;
  }

  /**
   * Without exclusion, the strategy inside sees every update and its bound holds. With it, which
   * updates are left out depends on all of them, so only what holds for any subset does: the result
   * of an average or a robust aggregator of clipped changes stays in their ball, 2C.
   */
  @Override
  public OptionalDouble sensitivity(int updates, double bound) {
    OptionalDouble own = inner().sensitivity(updates, bound);
    if (!excludeFlagged || own.isEmpty()) {
      return own;
    }
    return OptionalDouble.of(Math.max(own.getAsDouble(), 2 * bound));
  }

  @Override
  public Map<String, double[]> serverState() {
    Map<String, double[]> state = new HashMap<>(inner().serverState());
    flags.forEach((client, count) -> state.put(FLAG_STATE + client, new double[] {count}));
    return state;
  }

  @Override
  public void restoreServerState(Map<String, double[]> state) {
    Map<String, double[]> rest = new HashMap<>();
    flags.clear();
    state.forEach(
        (key, value) -> {
          if (key.startsWith(FLAG_STATE)) {
            if (value.length != 1 || !(value[0] >= 1)) {
              throw new IllegalArgumentException("detect keeps one positive count per client");
            }
            flags.put(key.substring(FLAG_STATE.length()), (int) value[0]);
          } else {
            rest.put(key, value);
          }
        });
    inner().restoreServerState(rest);
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    List<ClientUpdate> kept = new ArrayList<>();
    return new FoldingAggregation(global) {
      @Override
      void fold(ClientUpdate update) {
        if (isQuarantined(update.clientId())) {
          throw new RejectedUpdateException(
              RejectedUpdateException.Reason.QUARANTINED,
              "client " + update.clientId() + " is quarantined after repeated anomalous updates");
        }
        inner().check(update, global.length);
        kept.add(update);
      }

      @Override
      float[] result(int accepted) {
        List<String> clients = kept.stream().map(ClientUpdate::clientId).toList();
        List<float[]> parameters = kept.stream().map(ClientUpdate::parameters).toList();
        int[] steps = null;
        if (perStep && kept.stream().allMatch(update -> update.localSteps() >= 1)) {
          steps = kept.stream().mapToInt(ClientUpdate::localSteps).toArray();
        }
        RoundScores scores = score(round, global, clients, parameters, steps);
        last = scores;
        RoundAggregation aggregation = inner().beginRound(round, global);
        for (int i = 0; i < kept.size(); i++) {
          if (!(excludeFlagged && scores.scores().get(i).flagged())) {
            aggregation.accept(kept.get(i));
          }
        }
        return aggregation.finish();
      }
    };
  }

  /** The parameters {@code global} plus the change to {@code w} divided by {@code divisor}. */
  private static float[] scaled(float[] global, float[] w, double divisor) {
    float[] out = new float[w.length];
    for (int j = 0; j < w.length; j++) {
      out[j] = (float) (global[j] + (w[j] - global[j]) / divisor);
    }
    return out;
  }

  /**
   * Scores a round's updates and counts the flags; with {@code steps} (each update's local steps),
   * distance, cosine and Krum score compare changes divided by the growth their steps predict
   * ({@link WorkFit}), and the norm is judged against the steps claimed.
   */
  RoundScores score(
      int round, float[] global, List<String> clients, List<float[]> sent, int @Nullable [] steps) {
    int n = sent.size();
    int d = global.length;
    if (n == 0) {
      return new RoundScores(round, List.of(), List.of());
    }
    double[] sentNorm = new double[n];
    for (int i = 0; i < n; i++) {
      double squared = 0;
      for (int j = 0; j < d; j++) {
        double change = (double) sent.get(i)[j] - global[j];
        squared += change * change;
      }
      sentNorm[i] = Math.sqrt(squared);
    }
    Measures measures;
    double[] normZ;
    if (steps == null) {
      measures = Measures.of(global, clients, sent);
      normZ = robustZ(measures.norm());
    } else {
      WorkFit work = WorkFit.of(sentNorm, steps, new boolean[n]);
      measures = Measures.of(global, clients, perStep(global, sent, steps, work));
      // An update whose direction the cosine test rejects says nothing about how honest changes
      // grow: fitted again without those (while they are fewer than half), 40% of attackers that
      // flip their changes and claim the largest client's steps no longer make that client's
      // honest change look too long for its steps. The second fit rests on fewer updates: where
      // the cosine test also rejects honest ones (non-IID clients), attackers that point the
      // round's way weigh more in it. Keeping it only when it flags no more of the accepted
      // updates was tried and cost 6 points at 40% sign flipping (trust-curves.md), so it is kept.
      boolean[] opposed = new boolean[n];
      int kept = n;
      for (int i = 0; i < n; i++) {
        opposed[i] = measures.cosine()[i] < minCosine;
        kept -= opposed[i] ? 1 : 0;
      }
      if (n >= 4 && kept < n && 2 * kept > n) {
        work = WorkFit.of(sentNorm, steps, opposed);
        measures = Measures.of(global, clients, perStep(global, sent, steps, work));
      }
      normZ = work.z();
    }
    List<List<String>> verdicts = verdicts(measures, normZ);
    double[] distance = measures.distance();
    double[] cosine = measures.cosine();
    double[] krum = measures.krum();
    List<Score> scores = new ArrayList<>(n);
    List<String> quarantinedNow = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> reasons = verdicts.get(i);
      String client = clients.get(i);
      if (!reasons.isEmpty()) {
        int count = flags.merge(client, 1, Integer::sum);
        if (quarantineAfter > 0 && count == quarantineAfter) {
          quarantinedNow.add(client);
        }
      }
      scores.add(new Score(client, distance[i], cosine[i], sentNorm[i], krum[i], reasons));
    }
    return new RoundScores(round, scores, quarantinedNow);
  }

  /**
   * Why each update is flagged (empty: it is not), from its measures and its norm score: the robust
   * z of its norm, or with steps its residual from the work fit. Rounds of fewer than four updates
   * flag nothing.
   */
  private List<List<String>> verdicts(Measures measures, double[] normZ) {
    int n = measures.distance().length;
    double[] distanceZ = robustZ(measures.distance());
    // The Krum score sums squared distances: its root compares in the units of the others.
    double[] krumZ =
        n >= 3 ? robustZ(Arrays.stream(measures.krum()).map(Math::sqrt).toArray()) : new double[n];
    List<List<String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<String> reasons = new ArrayList<>();
      if (n >= 4) {
        if (distanceZ[i] > threshold) {
          reasons.add("median-distance");
        }
        if (normZ[i] > threshold) {
          reasons.add("norm");
        }
        if (normZ[i] < -threshold) {
          reasons.add("claimed-steps");
        }
        if (krumZ[i] > threshold) {
          reasons.add("krum-score");
        }
        if (measures.cosine()[i] < minCosine) {
          reasons.add("cosine");
        }
      }
      out.add(reasons);
    }
    return out;
  }

  private static List<float[]> perStep(
      float[] global, List<float[]> sent, int[] steps, WorkFit work) {
    List<float[]> scaled = new ArrayList<>(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      scaled.add(scaled(global, sent.get(i), Math.pow(steps[i], work.slope())));
    }
    return scaled;
  }

  /**
   * Each update's distance to the round's coordinate-wise median change, cosine with it, norm and
   * Krum score (NaN with fewer than three updates).
   */
  private record Measures(double[] distance, double[] cosine, double[] norm, double[] krum) {

    static Measures of(float[] global, List<String> clients, List<float[]> updates) {
      int n = updates.size();
      int d = global.length;
      double[] median = new double[d];
      float[] column = new float[n];
      for (int j = 0; j < d; j++) {
        for (int i = 0; i < n; i++) {
          column[i] = updates.get(i)[j] - global[j];
        }
        Arrays.sort(column);
        median[j] = n % 2 == 1 ? column[n / 2] : ((double) column[n / 2 - 1] + column[n / 2]) / 2;
      }
      // The provisional aggregate: the coordinate-wise median change, which the round's attackers
      // cannot drag far.
      double aggregateNorm = 0;
      for (int j = 0; j < d; j++) {
        aggregateNorm += median[j] * median[j];
      }
      aggregateNorm = Math.sqrt(aggregateNorm);
      double[] distance = new double[n];
      double[] cosine = new double[n];
      double[] norm = new double[n];
      for (int i = 0; i < n; i++) {
        float[] w = updates.get(i);
        double toMedian = 0;
        double dot = 0;
        double squared = 0;
        for (int j = 0; j < d; j++) {
          double change = (double) w[j] - global[j];
          double off = change - median[j];
          toMedian += off * off;
          dot += change * median[j];
          squared += change * change;
        }
        distance[i] = Math.sqrt(toMedian);
        norm[i] = Math.sqrt(squared);
        cosine[i] = norm[i] == 0 || aggregateNorm == 0 ? 0 : dot / (norm[i] * aggregateNorm);
      }
      double[] krum = new double[n];
      if (n >= 3) {
        List<RobustStrategy.Kept> asKept = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          asKept.add(new RobustStrategy.Kept(clients.get(i), updates.get(i), 1));
        }
        krum = Krum.scores(asKept, Math.max(0, (n - 3) / 2));
      } else {
        Arrays.fill(krum, Double.NaN);
      }
      return new Measures(distance, cosine, norm, krum);
    }
  }

  /**
   * How a round's changes grow with the local steps taken: log ‖Δ‖ fitted to log τ by Siegel's
   * repeated median of pairwise slopes (each update against {@value #PAIRWISE} others at most), the
   * slope held within [0, 1] (a change does not shrink with more steps, nor grow faster than them).
   *
   * @param slope the fitted exponent b: a change of τ steps is expected to be τ^b times as long as
   *     one of a single step
   * @param z each change's residual from the fit as a robust z-score, scaled by max(1.4826·MAD, ln
   *     2 / 2): positive, a change too large for its steps; negative, one too small for them, as
   *     from a client that claims more work (and so more weight) than it did
   */
  record WorkFit(double slope, double[] z) {

    /**
     * @param ignored updates left out of the fit (they are still given a residual)
     */
    static WorkFit of(double[] norms, int[] steps, boolean[] ignored) {
      int n = norms.length;
      double[] x = new double[n];
      double[] y = new double[n];
      // A zero change is put far below the others rather than at minus infinity.
      double least =
          Math.max(1e-30, Arrays.stream(norms).filter(v -> v > 0).min().orElse(1) * 1e-6);
      int[] fit = new int[n];
      int m = 0;
      for (int i = 0; i < n; i++) {
        x[i] = Math.log(steps[i]);
        y[i] = Math.log(Math.max(norms[i], least));
        if (!ignored[i]) {
          fit[m++] = i;
        }
      }
      // Siegel's repeated median: each update's median slope to the others, then the median of
      // those. It stands while fewer than half of the updates lie together (Theil and Sen's median
      // of all pairs gives way at 29%).
      // Update a is paired with the others at offsets 1 .. m - 1 from it (all of them, or
      // PAIRWISE spread evenly over that range), so no fixed class of positions decides its median.
      int partners = Math.min(m - 1, PAIRWISE);
      double step = partners == 0 ? 1 : (m - 1) / (double) partners;
      double[] perUpdate = new double[m];
      int fitted = 0;
      double[] row = new double[Math.max(partners, 1)];
      for (int a = 0; a < m; a++) {
        int i = fit[a];
        int count = 0;
        for (int p = 0; p < partners; p++) {
          int k = fit[(a + 1 + (int) (p * step)) % m];
          if (x[k] != x[i]) {
            row[count++] = (y[k] - y[i]) / (x[k] - x[i]);
          }
        }
        if (count > 0) {
          perUpdate[fitted++] = median(Arrays.copyOf(row, count));
        }
      }
      double slope = fitted == 0 ? 0 : Math.clamp(median(Arrays.copyOf(perUpdate, fitted)), 0, 1);
      double[] residual = new double[n];
      for (int i = 0; i < n; i++) {
        residual[i] = y[i] - slope * x[i];
      }
      double[] kept = new double[m];
      for (int a = 0; a < m; a++) {
        kept[a] = residual[fit[a]];
      }
      double intercept = median(kept);
      for (int a = 0; a < m; a++) {
        kept[a] = Math.abs(residual[fit[a]] - intercept);
      }
      double scale = Math.max(1.4826 * median(kept), Math.log(2) / 2);
      for (int i = 0; i < n; i++) {
        residual[i] = (residual[i] - intercept) / scale;
      }
      return new WorkFit(slope, residual);
    }
  }

  /** In the work model's fit, each update is paired with at most about this many others. */
  static final int PAIRWISE = 500;

  /**
   * (x − median)/s for each value, with s = max(1.4826·MAD, median/4): the MAD estimates the honest
   * spread without letting outliers widen it, and the floor keeps a handful of nearly equal updates
   * (a small round of IID clients) from making ordinary differences look extreme; a value must then
   * be about twice the median at the default threshold. Where both are 0 (every value equal), any
   * value above them scores infinity.
   */
  static double[] robustZ(double[] values) {
    double median = median(values.clone());
    double[] deviations = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      deviations[i] = Math.abs(values[i] - median);
    }
    double scale = Math.max(1.4826 * median(deviations.clone()), Math.abs(median) / 2);
    double[] z = new double[values.length];
    double tolerance = 1e-9 * Math.max(Math.abs(median), 1e-12);
    for (int i = 0; i < values.length; i++) {
      double off = values[i] - median;
      if (scale > tolerance) {
        z[i] = off / scale;
      } else {
        z[i] = off > tolerance ? Double.POSITIVE_INFINITY : 0;
      }
    }
    return z;
  }

  private static double median(double[] values) {
    Arrays.sort(values);
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }
}
