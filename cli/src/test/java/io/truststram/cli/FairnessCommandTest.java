package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code truststram fairness report} on a small table computed by hand, and on bad input. */
class FairnessCommandTest extends CommandLineTestSupport {

  @TempDir Path directory;

  private Path table() throws Exception {
    Path file = directory.resolve("predictions.csv");
    Files.writeString(
        file,
        """
        sex,label,score,w
        M,1,0.9,1
        M,0,0.7,1
        M,1,0.2,2
        M,0,0.1,1
        F,1,0.8,1
        F,0,0.3,1
        F,1,0.4,1
        F,0,0.2,3
        F,1,0.6,1
        """);
    return file;
  }

  @Test
  void theJsonHasFairlearnsNamesAndTheHandComputedValues() throws Exception {
    JsonNode report =
        json(
            "fairness",
            "report",
            "--data",
            table().toString(),
            "--label",
            "label",
            "--prediction",
            "score",
            "--threshold",
            "0.5",
            "--sensitive",
            "sex",
            "--weight",
            "w",
            "--privileged",
            "sex=M",
            "--score",
            "score",
            "--json");
    assertThat(report.path("calibration").path("sex=M").path("base_rate").asDouble())
        .isCloseTo(3 / 5.0, within(1e-12));
    assertThat(report.path("method").asString()).isEqualTo("between_groups");
    assertThat(report.path("groups").path("sex=M").path("selection_rate").asDouble())
        .isCloseTo(0.4, within(1e-12));
    JsonNode metrics = report.path("metrics");
    assertThat(metrics.path("demographic_parity_difference").asDouble())
        .isCloseTo(0.4 - 2 / 7.0, within(1e-12));
    assertThat(metrics.path("equalized_odds_difference").asDouble()).isCloseTo(0.5, within(1e-12));
    assertThat(metrics.path("equalized_odds_ratio").asDouble()).isCloseTo(0, within(1e-12));
    assertThat(report.path("aif360").path("statistical_parity_difference").asDouble())
        .isCloseTo(2 / 7.0 - 0.4, within(1e-12));
  }

  /** The reweighed table gives every group the same weighted base rate. */
  @Test
  void reweighWritesWeightsThatEqualiseTheBaseRates() throws Exception {
    Path out = directory.resolve("reweighed.csv");
    assertThat(
            run(
                "fairness",
                "reweigh",
                "--data",
                table().toString(),
                "--label",
                "label",
                "--sensitive",
                "sex",
                "--weight",
                "w",
                "--out",
                out.toString()))
        .as(err.toString())
        .isZero();
    JsonNode report =
        json(
            "fairness",
            "report",
            "--data",
            out.toString(),
            "--label",
            "label",
            "--prediction",
            "label",
            "--sensitive",
            "sex",
            "--weight",
            "reweighing_weight",
            "--json");
    assertThat(report.path("groups").path("sex=M").path("base_rate").asDouble())
        .isCloseTo(report.path("groups").path("sex=F").path("base_rate").asDouble(), within(1e-12));
  }

  @Test
  void badInputIsAMessageAndExitCode2() throws Exception {
    String data = table().toString();
    assertThat(
            run(
                "fairness",
                "report",
                "--data",
                data,
                "--label",
                "label",
                "--prediction",
                "score",
                "--sensitive",
                "sex"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'0.9' is not 1/0 or true/false");
    assertThat(
            run(
                "fairness",
                "report",
                "--data",
                data,
                "--label",
                "label",
                "--prediction",
                "score",
                "--threshold",
                "0.5",
                "--sensitive",
                "age"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("no column age");
    Path one = directory.resolve("one.csv");
    Files.writeString(one, "g,label,prediction\nA,1,1\nA,0,1\n");
    assertThat(
            run(
                "fairness",
                "report",
                "--data",
                one.toString(),
                "--label",
                "label",
                "--prediction",
                "prediction",
                "--sensitive",
                "g"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'g' has a single group");
  }
}
