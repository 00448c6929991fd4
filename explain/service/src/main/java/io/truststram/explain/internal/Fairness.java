package io.truststram.explain.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.explain.ExplainProblems;
import io.truststram.explain.fairness.BiasGate;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.explain.fairness.ThresholdOptimizer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;

/** Fairness reports, gates on the tenant's bias policies, and the threshold optimiser. */
final class Fairness {

  private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private final ExplainStore store;
  private final Clock clock;

  Fairness(ExplainStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Rows to report on: labels, and predictions or scores with a threshold, grouped by sensitive
   * attributes.
   */
  record Rows(
      List<Boolean> labels,
      @Nullable List<Boolean> predictions,
      @Nullable List<Double> scores,
      @Nullable Double threshold,
      Map<String, List<String>> attributes,
      @Nullable List<Double> weights) {}

  /** How to report. */
  record Options(
      @Nullable String method,
      @Nullable Integer bootstrap,
      @Nullable Double confidence,
      @Nullable Long seed,
      @Nullable String privileged) {

    GroupFairness.Options toOptions() {
      return new GroupFairness.Options(
          method == null ? "between_groups" : method,
          bootstrap == null ? 0 : bootstrap,
          confidence == null ? 0.95 : confidence,
          seed == null ? 0 : seed,
          privileged);
    }
  }

  GroupFairness.Report report(Rows rows, Options options) {
    try {
      boolean[] labels = booleans(rows.labels(), "labels");
      return GroupFairness.compute(
          labels,
          predictions(rows, labels.length),
          attributes(rows.attributes()),
          rows.weights() == null ? null : doubles(rows.weights(), "weights"),
          options.toOptions());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  /** The verdict of {@code report} under the named policy, or the given one, or four-fifths. */
  BiasGate.Verdict gate(
      TenantId tenant,
      GroupFairness.Report report,
      @Nullable String policyName,
      @Nullable Map<String, Object> policy) {
    BiasGate.Policy chosen;
    if (policyName != null && policy != null) {
      throw invalid("name a stored policy or give one, not both");
    }
    if (policyName != null) {
      chosen = parse(policy(tenant, policyName));
    } else if (policy != null) {
      chosen = parse(policy);
    } else {
      chosen = BiasGate.Policy.fourFifths();
    }
    return BiasGate.evaluate(report, chosen);
  }

  ThresholdOptimizer.Result thresholds(
      Rows rows,
      @Nullable String constraints,
      @Nullable String objective,
      @Nullable Integer gridSize,
      @Nullable Boolean flip) {
    if (rows.scores() == null) {
      throw invalid("the threshold optimiser needs scores");
    }
    if (rows.weights() != null) {
      throw invalid("the threshold optimiser takes no sample weights (nor does Fairlearn's)");
    }
    try {
      boolean[] labels = booleans(rows.labels(), "labels");
      double[] scores = doubles(rows.scores(), "scores");
      String[] groups = GroupFairness.groupKeys(attributes(rows.attributes()), labels.length);
      return ThresholdOptimizer.fit(
              scores,
              labels,
              groups,
              new ThresholdOptimizer.Options(
                  constraints == null ? "demographic_parity" : constraints,
                  objective == null ? "accuracy_score" : objective,
                  gridSize == null ? 1000 : gridSize,
                  flip != null && flip))
          .result();
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  // ---- policies ----

  void putPolicy(TenantId tenant, String name, Map<String, Object> body) {
    checkName(name);
    Map<String, Object> named = new LinkedHashMap<>(body);
    named.putIfAbsent("name", name);
    parse(named);
    store.putPolicy(tenant, name, ExplainStore.JSON.writeValueAsString(named), clock.instant());
  }

  Map<String, Object> policy(TenantId tenant, String name) {
    checkName(name);
    String body =
        store
            .policy(tenant, name)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ExplainProblems.POLICY_NOT_FOUND, "no bias policy '" + name + "'"));
    return ExplainStore.JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
  }

  List<String> policies(TenantId tenant) {
    return store.policyNames(tenant);
  }

  void deletePolicy(TenantId tenant, String name) {
    checkName(name);
    if (!store.deletePolicy(tenant, name)) {
      throw new ProblemException(ExplainProblems.POLICY_NOT_FOUND, "no bias policy '" + name + "'");
    }
  }

  private static void checkName(String name) {
    if (!POLICY_NAME.matcher(name).matches()) {
      throw new ProblemException(ExplainProblems.POLICY_NOT_FOUND, "no bias policy '" + name + "'");
    }
  }

  private static BiasGate.Policy parse(Map<String, ?> body) {
    try {
      return BiasGate.Policy.parse(body);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw invalid("the policy: " + e.getMessage());
    }
  }

  // ---- reading rows ----

  private static boolean[] predictions(Rows rows, int n) {
    if ((rows.predictions() == null) == (rows.scores() == null)) {
      throw new IllegalArgumentException("give predictions, or scores with a threshold");
    }
    if (rows.predictions() != null) {
      return booleans(rows.predictions(), "predictions");
    }
    if (rows.threshold() == null || !Double.isFinite(rows.threshold())) {
      throw new IllegalArgumentException("scores need a finite threshold");
    }
    double[] scores = doubles(rows.scores(), "scores");
    boolean[] out = new boolean[scores.length];
    for (int i = 0; i < scores.length; i++) {
      out[i] = scores[i] >= rows.threshold();
    }
    return out;
  }

  private static Map<String, String[]> attributes(Map<String, List<String>> attributes) {
    Map<String, String[]> out = new LinkedHashMap<>();
    attributes.forEach(
        (name, values) -> {
          if (values.contains(null)) {
            throw new IllegalArgumentException("'" + name + "' has a null value");
          }
          out.put(name, values.toArray(String[]::new));
        });
    return out;
  }

  private static boolean[] booleans(List<Boolean> values, String what) {
    boolean[] out = new boolean[values.size()];
    for (int i = 0; i < out.length; i++) {
      Boolean v = values.get(i);
      if (v == null) {
        throw new IllegalArgumentException(what + "[" + i + "] is null");
      }
      out[i] = v;
    }
    return out;
  }

  private static double[] doubles(List<Double> values, String what) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      Double v = values.get(i);
      if (v == null || !Double.isFinite(v)) {
        throw new IllegalArgumentException(what + "[" + i + "] is not a finite number");
      }
      out[i] = v;
    }
    return out;
  }

  private static ProblemException invalid(@Nullable String detail) {
    return new ProblemException(
        ExplainProblems.INVALID_FAIRNESS_REQUEST, detail == null ? "invalid request" : detail);
  }
}
