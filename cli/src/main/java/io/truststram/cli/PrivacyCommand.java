package io.truststram.cli;

import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.NoiseCalibration;
import io.truststram.federation.privacy.PrivacySpent;
import io.truststram.federation.privacy.PrvAccountant;
import io.truststram.federation.privacy.RdpAccountant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code truststram privacy}: the differential-privacy accountant on the command line, with no
 * server: ε of the sampled Gaussian mechanism, and the noise multiplier for a target ε.
 */
@Command(
    name = "privacy",
    mixinStandardHelpOptions = true,
    description = "Differential-privacy accounting, locally (no server).",
    subcommands = {PrivacyCommand.Epsilon.class, PrivacyCommand.Calibrate.class})
final class PrivacyCommand extends CommandGroup {

  /** Options both subcommands take. */
  abstract static class Accounting extends CryptoCommand.Base {

    @Option(
        names = "--sample-rate",
        required = true,
        description = "Probability q that a record (or client) takes part in a step, in (0, 1].")
    double sampleRate;

    @Option(names = "--steps", required = true, description = "Steps (or rounds) composed.")
    long steps;

    @Option(names = "--delta", required = true, description = "δ, in (0, 1).")
    double delta;

    @Option(
        names = "--accountant",
        defaultValue = "rdp",
        description =
            "rdp (Rényi DP of the sampled Gaussian mechanism, milliseconds), or prv (the privacy"
                + " random variable accountant of Gopi et al. 2021: tighter, a few seconds).")
    String accountant;

    @Option(
        names = "--conversion",
        defaultValue = "classic",
        description = "RDP to (ε, δ): classic, or balle2020 (tighter; what Opacus uses).")
    String conversion;

    /** Whether the PRV accountant was asked for (otherwise RDP). */
    boolean prv() {
      String name = accountant.strip().toLowerCase(Locale.ROOT);
      if (!name.equals(RdpAccountant.NAME) && !name.equals(PrvAccountant.NAME)) {
        throw new IllegalArgumentException(
            "unknown accountant '" + accountant + "'; available: rdp, prv");
      }
      return name.equals(PrvAccountant.NAME);
    }

    Conversion conversion() {
      return Conversion.parse(conversion);
    }

    /** The PRV accountant's result as printed: the guarantee, its estimate and error. */
    Map<String, Object> prvResult(PrvAccountant.Result prv) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("epsilon", prv.epsilon());
      result.put("estimate", prv.estimate());
      result.put("lower", prv.lower());
      result.put("delta", prv.delta());
      result.put("order", null);
      result.put("accountant", PrvAccountant.NAME);
      result.put("conversion", null);
      return result;
    }
  }

  @Command(
      name = "epsilon",
      mixinStandardHelpOptions = true,
      description = "ε spent by the sampled Gaussian mechanism after the given steps.")
  static final class Epsilon extends Accounting {

    @Option(
        names = "--noise-multiplier",
        required = true,
        description = "σ: the noise's standard deviation over the clipping norm.")
    double noiseMultiplier;

    @Override
    public Integer call() {
      if (prv()) {
        return print(prvResult(PrvAccountant.epsilon(sampleRate, noiseMultiplier, steps, delta)));
      }
      PrivacySpent spent =
          RdpAccountant.epsilon(sampleRate, noiseMultiplier, steps, delta, conversion());
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("epsilon", spent.epsilon());
      result.put("delta", spent.delta());
      result.put("order", spent.order());
      result.put("accountant", spent.accountant());
      result.put("conversion", spent.conversion().value());
      return print(result);
    }
  }

  @Command(
      name = "calibrate",
      mixinStandardHelpOptions = true,
      description = "The smallest noise multiplier σ that keeps ε at or below the target.")
  static final class Calibrate extends Accounting {

    @Option(names = "--target-epsilon", required = true, description = "The ε not to exceed.")
    double targetEpsilon;

    @Override
    public Integer call() {
      if (prv()) {
        if (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon)) {
          throw new IllegalArgumentException(
              "the target epsilon must be positive and finite, not " + targetEpsilon);
        }
        double sigma = NoiseCalibration.noiseMultiplierPrv(targetEpsilon, delta, sampleRate, steps);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("noiseMultiplier", sigma);
        result.putAll(prvResult(PrvAccountant.epsilon(sampleRate, sigma, steps, delta)));
        return print(result);
      }
      Conversion chosen = conversion();
      double sigma =
          NoiseCalibration.noiseMultiplier(targetEpsilon, delta, sampleRate, steps, chosen);
      PrivacySpent spent = RdpAccountant.epsilon(sampleRate, sigma, steps, delta, chosen);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("noiseMultiplier", sigma);
      result.put("epsilon", spent.epsilon());
      result.put("delta", delta);
      result.put("order", spent.order());
      result.put("accountant", spent.accountant());
      result.put("conversion", chosen.value());
      return print(result);
    }
  }
}
