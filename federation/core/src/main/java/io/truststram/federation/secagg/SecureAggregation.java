package io.truststram.federation.secagg;

import io.truststram.federation.strategy.DpSgd;
import io.truststram.federation.strategy.LocalDifferentialPrivacy;
import io.truststram.federation.strategy.Strategy;
import io.truststram.federation.strategy.Wrapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A federation's choice of secure aggregation, as it is written among the strategy's parameters:
 * {@code secure-aggregation: secagg+} (or {@code secagg}) and {@code secagg.*} settings, of which
 * {@code secagg.stage-timeout} (seconds each stage waits for slow clients before it goes on without
 * them) belongs to the coordinator and the rest to {@link SecAggParameters}.
 *
 * <p>Secure aggregation hands the strategy one update, the mean of the round's updates, so it works
 * with strategies that only need that mean (FedAvg, FedAvgM, FedProx, FedAdam, FedYogi, FedAdagrad)
 * and with the client-side privacy wrappers ({@code ldp}, {@code dpsgd}). Strategies that look at
 * each update (Krum, medians, trimmed means, FedNova's steps), attack detection, and server-side
 * clipping ({@code dp}) cannot see individual updates under it, and are refused: differential
 * privacy under secure aggregation is the distributed noise of {@code secagg.noise-multiplier}.
 *
 * <p>With {@code secure-aggregation: paillier} nodes encrypt their changes under a key holder's
 * Paillier public key ({@code secagg.public-key}); the coordinator multiplies the ciphertexts and
 * the key holder decrypts only the sum ({@link PaillierSettings}).
 *
 * @param protocol {@code secagg+}, {@code secagg} or {@code paillier}
 * @param parameters SecAgg's parameters, null under Paillier
 * @param paillier Paillier's settings, null under SecAgg
 * @param stageTimeout how long a stage waits for its stragglers (under Paillier: how long the key
 *     holder has to decrypt, default 600 s)
 */
public record SecureAggregation(
    String protocol,
    @org.jspecify.annotations.Nullable SecAggParameters parameters,
    @org.jspecify.annotations.Nullable PaillierSettings paillier,
    Duration stageTimeout) {

  /** SecAgg+ or SecAgg with {@code parameters}. */
  public SecureAggregation(SecAggParameters parameters, Duration stageTimeout) {
    this(parameters.protocol(), parameters, null, stageTimeout);
  }

  /** The parameter that turns secure aggregation on. */
  public static final String KEY = "secure-aggregation";

  /** The prefix of its settings. */
  public static final String PREFIX = "secagg.";

  private static final Set<String> MEAN_ONLY =
      Set.of("fedavg", "fedavgm", "fedprox", "fedadam", "fedyogi", "fedadagrad");

  /**
   * The secure aggregation that {@code strategyParameters} configure, if any.
   *
   * @throws IllegalArgumentException for an unknown protocol or setting, or a setting without
   *     {@code secure-aggregation}
   */
  public static Optional<SecureAggregation> from(Map<String, String> strategyParameters) {
    String protocol = strategyParameters.get(KEY);
    Map<String, String> settings = new LinkedHashMap<>();
    strategyParameters.forEach(
        (key, value) -> {
          if (key.startsWith(PREFIX)) {
            settings.put(key.substring(PREFIX.length()), value);
          }
        });
    if (protocol == null || protocol.equals("none")) {
      if (!settings.isEmpty()) {
        throw new IllegalArgumentException(
            "secagg.* settings need secure-aggregation: secagg+, secagg or paillier");
      }
      return Optional.empty();
    }
    Duration timeout = Duration.ofSeconds(protocol.equals("paillier") ? 600 : 60);
    String given = settings.remove("stage-timeout");
    if (given != null) {
      try {
        long seconds = Long.parseLong(given);
        if (seconds < 1 || seconds > 3600) {
          throw new NumberFormatException();
        }
        timeout = Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "secagg.stage-timeout is 1 to 3600 seconds, not '" + given + "'");
      }
    }
    if (protocol.equals("paillier")) {
      return Optional.of(
          new SecureAggregation(
              protocol,
              null,
              PaillierSettings.fromMap(settings, PaillierSettings.MIN_BITS),
              timeout));
    }
    return Optional.of(
        new SecureAggregation(SecAggParameters.fromMap(protocol, settings), timeout));
  }

  /** {@code strategyParameters} without those of secure aggregation: what the strategy reads. */
  public static Map<String, String> strategyOnly(Map<String, String> strategyParameters) {
    Map<String, String> out = new LinkedHashMap<>();
    strategyParameters.forEach(
        (key, value) -> {
          if (!key.equals(KEY) && !key.startsWith(PREFIX)) {
            out.put(key, value);
          }
        });
    return out;
  }

  /**
   * Refuses a strategy that needs to see individual updates.
   *
   * @throws IllegalArgumentException naming why
   */
  public static void requireCompatible(Strategy strategy) {
    Strategy current = strategy;
    while (current instanceof Wrapper wrapper) {
      if (!(current instanceof LocalDifferentialPrivacy) && !(current instanceof DpSgd)) {
        throw new IllegalArgumentException(
            current.name()
                + " needs each update, which secure aggregation hides; for differential privacy"
                + " under it use secagg.clip-norm and secagg.noise-multiplier");
      }
      current = wrapper.inner();
    }
    if (!MEAN_ONLY.contains(current.name())) {
      throw new IllegalArgumentException(
          current.name()
              + " needs each update, which secure aggregation hides; it works with "
              + MEAN_ONLY);
    }
  }

  /**
   * Checks that rounds of {@code minClients} to {@code clientsPerRound} nodes can run with these
   * parameters over a model of {@code parameters} values.
   *
   * @throws IllegalArgumentException naming what does not fit
   */
  public void requireRounds(int minClients, int clientsPerRound, int parameterCount) {
    int minSurvivors = parameters != null ? parameters.minSurvivors() : paillier.minSurvivors();
    if (minClients < minSurvivors) {
      throw new IllegalArgumentException(
          "minClients (" + minClients + ") is below secagg.min-survivors (" + minSurvivors + ")");
    }
    if (parameters != null) {
      parameters.validate(Math.max(2, minClients), parameterCount);
      parameters.validate(Math.max(2, clientsPerRound), parameterCount);
    } else {
      paillier.aggregation(Math.max(2, clientsPerRound), parameterCount);
    }
  }

  /** The fewest inputs a round sums. */
  public int minSurvivors() {
    return parameters != null ? parameters.minSurvivors() : paillier.minSurvivors();
  }
}
