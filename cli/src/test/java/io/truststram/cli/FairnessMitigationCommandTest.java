package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code truststram fairness threshold} and {@code fairness gate} on the example predictions of
 * examples/explain (an XGBoost model's scores on 3,000 Adult rows): the optimiser closes the
 * demographic parity gap it is asked to close, and the gate passes, fails and refuses as a pipeline
 * needs (exit 0, 1 and 2).
 */
class FairnessMitigationCommandTest extends CommandLineTestSupport {

  private static final String DATA =
      Path.of("..", "examples", "explain", "adult-predictions.csv").toString();

  @TempDir Path directory;

  /** {@code fairness threshold} on the example predictions with {@code more} options. */
  private static String[] threshold(String... more) {
    return concat(
        new String[] {
          "fairness",
          "threshold",
          "--data",
          DATA,
          "--label",
          "label",
          "--sensitive",
          "sex",
          "--score",
          "score"
        },
        more);
  }

  @Test
  void theThresholdOptimiserClosesTheGapItIsAskedToClose() throws Exception {
    Path out = directory.resolve("fair.csv");
    JsonNode result = json(threshold("--out", out.toString(), "--json"));
    assertThat(result.path("constraints").asString()).isEqualTo("demographic_parity");
    assertThat(
            result.path("groups").path("sex=Female").path("operation0").path("operator").asString())
        .isIn(">", "<");
    double before = result.path("metricsBefore").path("demographic_parity_difference").asDouble();
    double after = result.path("metricsAfter").path("demographic_parity_difference").asDouble();
    assertThat(before).isGreaterThan(0.15);
    // Randomised decisions on 3,000 rows: the gap closes up to sampling noise.
    assertThat(after).isLessThan(0.03);
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(3001);
    assertThat(lines.getFirst()).endsWith(",fair_prediction");
    JsonNode odds = json(threshold("--constraints", "equalized_odds", "--json"));
    assertThat(odds.path("metricsAfter").path("equalized_odds_difference").asDouble())
        .isLessThan(odds.path("metricsBefore").path("equalized_odds_difference").asDouble());
    assertThat(odds.path("groups").path("sex=Male").path("pIgnore").asDouble()).isBetween(0.0, 1.0);
  }

  @Test
  void theGatePassesFailsAndRefuses() throws Exception {
    String[] base = {
      "fairness",
      "gate",
      "--data",
      DATA,
      "--label",
      "label",
      "--sensitive",
      "sex",
      "--prediction",
      "prediction"
    };
    assertThat(run(concat(base, "--max", "demographic_parity_difference=0.1"))).isEqualTo(1);
    assertThat(out.toString())
        .contains("FAIL  demographic_parity_difference 0.181 exceeds the maximum 0.100")
        .contains("failed");
    assertThat(run(concat(base, "--max", "demographic_parity_difference=0.25"))).isZero();
    assertThat(out.toString()).contains("passed");
    Path policy = directory.resolve("policy.yaml");
    Files.writeString(
        policy,
        """
        name: lending
        rules:
          - metric: equalized_odds_difference
            max: 0.2
            pessimistic: true
        """);
    int exit = run(concat(base, "--policy", policy.toString(), "--bootstrap", "200", "--json"));
    JsonNode verdict = JSON.readTree(out.toString().lines().toList().getLast());
    assertThat(exit).isEqualTo(verdict.path("passed").asBoolean() ? 0 : 1);
    assertThat(verdict.path("policy").asString()).isEqualTo("lending");
    JsonNode rule = verdict.path("rules").get(0);
    assertThat(rule.path("basis").asString()).isEqualTo("interval_high");
    assertThat(rule.path("value").asDouble())
        .isGreaterThan(
            verdict.path("report").path("metrics").path("equalized_odds_difference").asDouble());
    // The default policy is the four-fifths rule, which these predictions break.
    assertThat(run(base)).isEqualTo(1);
    assertThat(out.toString()).contains("disparate_impact_ratio 0.293 is below the minimum 0.800");
    assertThat(run(concat(base, "--max", "demographic_parity_difference"))).isEqualTo(2);
    assertThat(err.toString()).contains("is METRIC=VALUE");
    Files.writeString(policy, "name: x\nrules:\n  - metric: accuracy\n    most: 0.2\n");
    assertThat(run(concat(base, "--policy", policy.toString()))).isEqualTo(2);
    assertThat(err.toString()).contains("most");
    assertThat(run(concat(base, "--max", "no_such_metric=0.1"))).isEqualTo(1);
    assertThat(out.toString()).contains("no_such_metric");
    assertThat(run(threshold("--constraints", "parity"))).isEqualTo(2);
    assertThat(err.toString()).contains("parity");
  }

  private static String[] concat(String[] base, String... more) {
    String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, out, base.length, more.length);
    return out;
  }
}
