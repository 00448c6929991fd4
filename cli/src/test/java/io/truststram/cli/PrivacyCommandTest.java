package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code truststram privacy}, locally: the JSON the issue names, and bad input. */
class PrivacyCommandTest extends CommandLineTestSupport {

  /**
   * {@code privacy epsilon} for TensorFlow Privacy's MNIST example (q = 256/60,000, σ = 1.1, 60
   * epochs, δ = 1e-5), with {@code more} options.
   */
  private JsonNode mnist(String... more) {
    String[] args = {
      "privacy",
      "epsilon",
      "--sample-rate",
      Double.toString(256.0 / 60_000),
      "--noise-multiplier",
      "1.1",
      "--steps",
      "14063",
      "--delta",
      "1e-5"
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return json(all);
  }

  @Test
  void epsilonPrintsTheFieldsTheIssueNames() {
    JsonNode spent = mnist("--json");
    assertThat(spent.path("epsilon").asDouble()).isCloseTo(3.01, within(0.005));
    assertThat(spent.path("order").asDouble()).isGreaterThan(1);
    assertThat(spent.path("accountant").asString()).isEqualTo("rdp");
    assertThat(spent.path("conversion").asString()).isEqualTo("classic");
    JsonNode balle = mnist("--conversion", "balle2020", "--json");
    assertThat(balle.path("conversion").asString()).isEqualTo("balle2020");
    assertThat(balle.path("epsilon").asDouble()).isLessThan(spent.path("epsilon").asDouble());
  }

  /** The PRV accountant on TensorFlow Privacy's MNIST example: tighter than either RDP figure. */
  @Test
  void thePrvAccountantGivesATighterGuaranteeWithItsError() {
    JsonNode prv = mnist("--accountant", "prv", "--json");
    assertThat(prv.path("accountant").asString()).isEqualTo("prv");
    assertThat(prv.path("order").isNull()).isTrue();
    double epsilon = prv.path("epsilon").asDouble();
    assertThat(epsilon).isLessThan(2.9).isGreaterThan(2.0);
    assertThat(prv.path("lower").asDouble()).isLessThan(prv.path("estimate").asDouble());
    assertThat(epsilon - prv.path("lower").asDouble()).isLessThanOrEqualTo(0.021);
    JsonNode calibrated =
        json(
            "privacy",
            "calibrate",
            "--target-epsilon",
            "2",
            "--sample-rate",
            "0.1",
            "--steps",
            "50",
            "--delta",
            "1e-5",
            "--accountant",
            "prv",
            "--json");
    assertThat(calibrated.path("epsilon").asDouble()).isLessThanOrEqualTo(2);
    assertThat(calibrated.path("epsilon").asDouble()).isGreaterThan(1.9);
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
                "dpsgd"))
        .isNotZero();
    assertThat(err.toString()).contains("unknown accountant 'dpsgd'; available: rdp, prv");
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
