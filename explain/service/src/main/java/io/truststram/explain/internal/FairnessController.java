package io.truststram.explain.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.explain.fairness.BiasGate;
import io.truststram.explain.fairness.GroupFairness;
import io.truststram.explain.fairness.ThresholdOptimizer;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/fairness}: bias reports, gates on policies, the threshold optimiser. */
@RestController
@RequestMapping(path = "/api/v1/fairness", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Fairness",
    description =
        "Group fairness of predictions with Fairlearn's names and semantics, pass/fail gates on"
            + " the tenant's bias policies, and Fairlearn's threshold optimiser.")
class FairnessController {

  private final Fairness fairness;
  private final Plots plots;
  private final Explanations explanations;

  FairnessController(Fairness fairness, Plots plots, Explanations explanations) {
    this.fairness = fairness;
    this.plots = plots;
    this.explanations = explanations;
  }

  /** Rows and options of a report. */
  record ReportBody(
      @NotNull @Size(min = 1) List<Boolean> labels,
      @Nullable List<Boolean> predictions,
      @Nullable List<Double> scores,
      @Nullable Double threshold,
      @NotNull @Size(min = 1, max = 8) Map<String, @NotNull List<String>> attributes,
      @Nullable List<Double> weights,
      @Nullable String method,
      @Nullable @Min(0) @Max(10_000) Integer bootstrap,
      @Nullable Double confidence,
      @Nullable Long seed,
      @Nullable String privileged) {

    Fairness.Rows rows() {
      return new Fairness.Rows(labels, predictions, scores, threshold, attributes, weights);
    }

    Fairness.Options options() {
      return new Fairness.Options(method, bootstrap, confidence, seed, privileged);
    }
  }

  @PostMapping(path = "/reports", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "The fairness report of predictions",
      description =
          "Per group and intersection: selection rate, TPR, FPR, FNR, TNR, precision, accuracy;"
              + " demographic parity, equalized odds, equal opportunity, disparate impact"
              + " (Fairlearn's names; method between_groups or to_overall); AIF360's signed"
              + " metrics against a privileged group; bootstrap intervals.")
  Map<String, Object> report(@Valid @RequestBody ReportBody body) {
    return fairness.report(body.rows(), body.options()).toMap();
  }

  @PostMapping(
      path = "/reports/plot",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = {Plots.SVG, MediaType.IMAGE_PNG_VALUE})
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "A bar chart of one rate per group",
      description = "rate: selection_rate (default), true_positive_rate, false_positive_rate, ...")
  ResponseEntity<byte[]> plot(
      @Valid @RequestBody ReportBody body,
      @RequestParam(defaultValue = "selection_rate") String rate,
      @RequestParam(defaultValue = "svg") String format) {
    GroupFairness.Report report = fairness.report(body.rows(), body.options());
    return plots.respond(plots.groupBars(report, rate), format);
  }

  /**
   * A model version and an evaluation set: the model's decisions (its probability of {@code output}
   * at or above {@code threshold}) are judged against the labels.
   */
  record Evaluation(
      @NotNull java.util.UUID model,
      @NotNull @Size(min = 1) List<@NotNull List<@Nullable Double>> rows,
      @NotNull @Size(min = 1) List<Boolean> labels,
      @NotNull @Size(min = 1, max = 8) Map<String, @NotNull List<String>> attributes,
      @Nullable Double threshold,
      @Nullable Integer output,
      @Nullable @Min(0) @Max(10_000) Integer bootstrap) {}

  /** A report (or a model and its evaluation set) and the policy to judge it by. */
  record GateBody(
      @Nullable @Valid ReportBody report,
      @Nullable @Valid Evaluation evaluation,
      @Nullable String policy,
      @Nullable Map<String, Object> rules) {}

  @PostMapping(path = "/gate", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "Judge predictions against a bias policy",
      description =
          "report gives predictions to judge, or evaluation a model version (its id) and an"
              + " evaluation set whose decisions the service makes; policy names a stored"
              + " policy, rules gives one inline ({name, rules: [{metric, max|min, pessimistic}],"
              + " minimumGroupSize}); neither: the four-fifths rule. 200 with passed true or false"
              + " and a reason per rule.")
  Map<String, Object> gate(@Valid @RequestBody GateBody body) {
    if ((body.report() == null) == (body.evaluation() == null)) {
      throw new io.truststram.common.problem.ProblemException(
          io.truststram.explain.ExplainProblems.INVALID_FAIRNESS_REQUEST,
          "give a report's rows, or a model and an evaluation set, not both");
    }
    GroupFairness.Report report;
    if (body.report() != null) {
      report = fairness.report(body.report().rows(), body.report().options());
    } else {
      Evaluation e = body.evaluation();
      double[] scores =
          explanations.scores(CurrentPrincipal.require(), e.model(), e.rows(), e.output());
      List<Double> boxed = java.util.Arrays.stream(scores).boxed().toList();
      report =
          fairness.report(
              new Fairness.Rows(
                  e.labels(),
                  null,
                  boxed,
                  e.threshold() == null ? 0.5 : e.threshold(),
                  e.attributes(),
                  null),
              new Fairness.Options(null, e.bootstrap(), null, null, null));
    }
    BiasGate.Verdict verdict =
        fairness.gate(CurrentPrincipal.require().tenant(), report, body.policy(), body.rules());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policy", verdict.policy());
    out.put("passed", verdict.passed());
    out.put("rules", verdict.rules());
    out.put("warnings", verdict.warnings());
    out.put("report", report.toMap());
    return out;
  }

  @PutMapping(path = "/policies/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(summary = "Store a bias policy under a name (replacing any)")
  Map<String, Object> putPolicy(@PathVariable String name, @RequestBody Map<String, Object> body) {
    var tenant = CurrentPrincipal.require().tenant();
    fairness.putPolicy(tenant, name, body);
    return fairness.policy(tenant, name);
  }

  @GetMapping("/policies")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "The names of the tenant's bias policies")
  List<String> policies() {
    return fairness.policies(CurrentPrincipal.require().tenant());
  }

  @GetMapping("/policies/{name}")
  @PreAuthorize("hasAuthority('explain:read')")
  @Operation(summary = "A bias policy")
  Map<String, Object> policy(@PathVariable String name) {
    return fairness.policy(CurrentPrincipal.require().tenant(), name);
  }

  @DeleteMapping("/policies/{name}")
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(summary = "Delete a bias policy")
  ResponseEntity<Void> deletePolicy(@PathVariable String name) {
    fairness.deletePolicy(CurrentPrincipal.require().tenant(), name);
    return ResponseEntity.noContent().build();
  }

  /** Scores, labels and groups to fit thresholds to. */
  record ThresholdBody(
      @NotNull @Valid ReportBody rows,
      @Nullable String constraints,
      @Nullable String objective,
      @Nullable @Min(1) @Max(1_000_000) Integer gridSize,
      @Nullable Boolean flip) {}

  @PostMapping(path = "/thresholds", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('explain:run')")
  @Operation(
      summary = "Fit Fairlearn's threshold optimiser",
      description =
          "Per-group randomised thresholds on the scores that meet the constraint"
              + " (demographic_parity, equalized_odds, ..._rate_parity) while maximising the"
              + " objective; the result says how to decide for each group.")
  ThresholdOptimizer.Result thresholds(@Valid @RequestBody ThresholdBody body) {
    return fairness.thresholds(
        body.rows().rows(), body.constraints(), body.objective(), body.gridSize(), body.flip());
  }
}
