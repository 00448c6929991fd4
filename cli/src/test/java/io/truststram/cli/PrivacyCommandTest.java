package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code truststram privacy}, locally: the JSON the issue names, and bad input. */
class PrivacyCommandTest extends CommandLineTestSupport {

  @Test
  void epsilonPrintsTheFieldsTheIssueNames() {
    JsonNode spent =
        json(
            "privacy",
            "epsilon",
            "--sample-rate",
            Double.toString(256.0 / 60_000),
            "--noise-multiplier",
            "1.1",
            "--steps",
            "14063",
            "--delta",
            "1e-5",
            "--json");
    assertThat(spent.path("epsilon").asDouble()).isCloseTo(3.01, within(0.005));
    assertThat(spent.path("order").asDouble()).isGreaterThan(1);
    assertThat(spent.path("accountant").asString()).isEqualTo("rdp");
    assertThat(spent.path("conversion").asString()).isEqualTo("classic");
    JsonNode balle =
        json(
            "privacy",
            "epsilon",
            "--sample-rate",
            Double.toString(256.0 / 60_000),
            "--noise-multiplier",
            "1.1",
            "--steps",
            "14063",
            "--delta",
            "1e-5",
            "--conversion",
            "balle2020",
            "--json");
    assertThat(balle.path("conversion").asString()).isEqualTo("balle2020");
    assertThat(balle.path("epsilon").asDouble()).isLessThan(spent.path("epsilon").asDouble());
  }

  @Test
  void calibrateFindsTheNoiseForATarget() {
    JsonNode calibrated =
        json(
            "privacy",
            "calibrate",
            "--target-epsilon",
            "3.01",
            "--sample-rate",
            Double.toString(256.0 / 60_000),
            "--steps",
            "14063",
            "--delta",
            "1e-5",
            "--json");
    assertThat(calibrated.path("noiseMultiplier").asDouble()).isCloseTo(1.1, within(0.01));
    assertThat(calibrated.path("epsilon").asDouble()).isLessThanOrEqualTo(3.01);
  }

  @Test
  void badInputIsAMessageAndANonZeroExit() {
    assertThat(
            run(
                "privacy",
                "epsilon",
                "--sample-rate",
                "0",
                "--noise-multiplier",
                "1",
                "--steps",
                "10",
                "--delta",
                "1e-5"))
        .isNotZero();
    assertThat(err.toString()).contains("sampling rate must be in (0, 1]").doesNotContain("at io.");
    assertThat(
            run(
                "privacy",
                "epsilon",
                "--sample-rate",
                "0.1",
                "--noise-multiplier",
                "1",
                "--steps",
                "10",
                "--delta",
                "1e-5",
                "--accountant",
                "prv"))
        .isNotZero();
    assertThat(err.toString()).contains("PRV accountant is not built yet");
    assertThat(
            run(
                "privacy",
                "calibrate",
                "--target-epsilon",
                "-1",
                "--sample-rate",
                "0.1",
                "--steps",
                "10",
                "--delta",
                "1e-5"))
        .isNotZero();
    assertThat(err.toString()).contains("target epsilon must be positive");
  }
}
