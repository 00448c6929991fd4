package io.truststram.federation.strategy;

import io.truststram.trust.reputation.BetaReputation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Trust-weighted federated learning around any strategy ({@code trust(detect(fedavg))}, {@code
 * trust(krum)}): each client's Beta reputation (Jøsang and Ismail 2002), built from the evidence of
 * its rounds, moves how often it is chosen and how much its update weighs, closing the loop from
 * attack detection to aggregation.
 *
 * <ul>
 *   <li><b>Evidence.</b> After each round, every scored update counts once: positive when the
 *       attack detection inside ({@code detect}, found anywhere in the chain) did not flag it,
 *       negative when it did. Without a detection layer there is no evidence and trust stays
 *       neutral. Older evidence fades by the forgetting factor λ per round.
 *   <li><b>Selection.</b> A client whose trust τ (the reputation's expected value, ½ for a
 *       newcomer) is below the minimum is not chosen; the others stay available to the strategy
 *       inside with probability max(τ, floor) / max over clients: the most trusted always, others
 *       in proportion, no one below the floor. Evidence fades, so an excluded client drifts back to
 *       ½ and is tried again: a newcomer, or a client wrongly flagged, can earn trust back.
 *   <li><b>Weighting.</b> Each update's example count is scaled by max(τ, floor) before the
 *       strategy inside averages it (strategies that do not weigh by examples, the coordinate-wise
 *       and distance-based robust aggregators, feel trust through selection alone).
 * </ul>
 *
 * <p>The reputations are server state: they are checkpointed with the model.
 *
 * <p><b>Trust from elsewhere.</b> With {@code trust-source: service} the trust of each round's
 * candidates comes from a {@link Source} (on the coordinator, the trust service's reputations,
 * which weigh evidence of every kind: detection, dropouts, ratings, other federations), read once
 * when the round is configured and kept for the round ({@link #roundTrust}), so that folding the
 * round's updates again after a restart weighs them as before. A client the source does not know
 * has the strategy's own trust.
 */
public final class TrustWeighted extends ForwardingStrategy {

  /** Example counts are scaled by trust in these units, so that integers keep the ratios. */
  static final long SCALE = 1_000;

  private static final Instant EPOCH = Instant.EPOCH;

  private final double floor;
  private final double minimum;
  private final double penalty;
  private final BetaReputation.Forgetting forgetting;
  private final boolean selection;
  private final Map<String, BetaReputation> reputations = new TreeMap<>();

  /** The round the strategy is at: trust is read with the evidence aged to it. */
  private int round;

  /** Whether trust comes from a {@link Source} rather than the strategy's own reputations. */
  private final boolean external;

  private @Nullable Source source;

  /** The trust the source gave this round's candidates, by client. */
  private Map<String, Double> roundTrust = Map.of();

  private int roundTrustOf = -1;

  /** Where trust comes from when it is not the strategy's own: the trust service, say. */
  @FunctionalInterface
  public interface Source {
    /**
     * The trust of those {@code clients} it knows, each in [0, 1].
     *
     * @throws RuntimeException when it cannot answer now (the round is then not configured)
     */
    Map<String, Double> trust(List<String> clients);
  }

  /**
   * Trust around {@code inner}.
   *
   * @param floor the least selection probability and weight, in (0, 1]
   * @param minimum the least trust a client needs to be chosen at all, in [0, 1) (a policy's
   *     "minimum trust to take part"); evidence fades, so an excluded client's trust drifts back to
   *     ½ and it gets another chance
   * @param penalty how much a flagged round weighs against an unflagged one (1: as much; more keeps
   *     a caught attacker out for longer, as evidence fades)
   * @param lambda the weight left to evidence one round old, in (0, 1]
   * @param selection whether trust also chooses who trains (else it only weighs)
   * @param external whether trust comes from a {@link Source} (one must be given by {@link
   *     #useSource} before the first round) rather than the strategy's own reputations
   */
  public TrustWeighted(
      Strategy inner,
      double floor,
      double minimum,
      double penalty,
      double lambda,
      boolean selection,
      boolean external) {
    super(inner);
    this.external = external;
    if (!(penalty >= 1) || Double.isInfinite(penalty)) {
      throw new IllegalArgumentException("trust-penalty is at least 1, not " + penalty);
    }
    this.penalty = penalty;
    if (!(floor > 0 && floor <= 1)) {
      throw new IllegalArgumentException("trust-floor lies in (0, 1], not " + floor);
    }
    if (!(minimum >= 0 && minimum < 1)) {
      throw new IllegalArgumentException("trust-minimum lies in [0, 1), not " + minimum);
    }
    this.floor = floor;
    this.minimum = minimum;
    this.forgetting = new BetaReputation.Forgetting(lambda, Duration.ofSeconds(1));
    this.selection = selection;
  }

  @Override
  public String name() {
    return "trust(" + inner().name() + ")";
  }

  /** Whether trust is to come from a {@link Source} ({@code trust-source: service}). */
  public boolean externalTrust() {
    return external;
  }

  /** Takes trust from {@code source} from now on. */
  public void useSource(Source source) {
    this.source = source;
  }

  /** The trust the source gave the current round's candidates (empty without a source). */
  public Map<String, Double> roundTrust() {
    return roundTrust;
  }

  /** Restores the trust the source gave round {@code round}'s candidates, to fold it again. */
  public void restoreRoundTrust(int round, Map<String, Double> trust) {
    this.roundTrust = Map.copyOf(trust);
    this.roundTrustOf = round;
  }

  /**
   * A client's trust: the source's for this round when it gave one, else its reputation's expected
   * value with the evidence aged to the current round, ½ without evidence.
   */
  public double trust(String clientId) {
    Double given = roundTrustOf == round ? roundTrust.get(clientId) : null;
    if (given != null) {
      return given;
    }
    BetaReputation r = reputations.get(clientId);
    return r == null ? 0.5 : r.at(EPOCH.plusSeconds(round), forgetting).expected();
  }

  /** Every client with evidence, and its reputation. */
  public Map<String, BetaReputation> reputations() {
    return Map.copyOf(reputations);
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    this.round = Math.max(this.round, round);
    if (external) {
      if (source == null) {
        throw new IllegalStateException(
            "trust-source service needs the trust service, which only the coordinator has");
      }
      Map<String, Double> given = new TreeMap<>();
      source
          .trust(available.stream().map(ClientProfile::clientId).toList())
          .forEach(
              (client, value) -> {
                if (!(value >= 0 && value <= 1)) {
                  throw new IllegalStateException("trust of " + client + " is " + value);
                }
                given.put(client, value);
              });
      restoreRoundTrust(round, given);
    }
    if (!selection || available.isEmpty()) {
      return super.configureTrain(round, available, random);
    }
    double top = 0;
    for (ClientProfile client : available) {
      top = Math.max(top, Math.max(trust(client.clientId()), floor));
    }
    List<ClientProfile> kept = new ArrayList<>();
    for (ClientProfile client : available) {
      if (trust(client.clientId()) < minimum) {
        continue;
      }
      double keep = Math.max(trust(client.clientId()), floor) / top;
      if (random.nextDouble() < keep) {
        kept.add(client);
      }
    }
    // The strategy inside may need a minimum; never hand it fewer than it asked of the whole.
    if (kept.size() < Math.min(available.size(), Math.max(2, inner().minimumUpdates()))) {
      kept = available;
    }
    return super.configureTrain(round, kept, random);
  }

  @Override
  public RoundAggregation beginRound(int round, float[] global) {
    this.round = Math.max(this.round, round);
    RoundAggregation inside = super.beginRound(round, global);
    Strategy strategy = this;
    return new RoundAggregation() {
      @Override
      public void accept(ClientUpdate update) {
        double weight = Math.max(trust(update.clientId()), floor);
        long scaled = Math.max(1, Math.round(update.examples() * SCALE * weight));
        inside.accept(
            new ClientUpdate(
                update.clientId(),
                update.parameters(),
                scaled,
                update.localSteps(),
                update.baseVersion(),
                update.metrics()));
      }

      @Override
      public int accepted() {
        return inside.accepted();
      }

      @Override
      public float[] finish() {
        float[] next = inside.finish();
        Wrapper.find(strategy, AnomalyDetection.class)
            .map(AnomalyDetection::lastRound)
            .filter(scores -> scores != null && scores.round() == round)
            .ifPresent(
                scores -> {
                  Instant now = EPOCH.plusSeconds(round);
                  for (AnomalyDetection.Score score : scores.scores()) {
                    reputations.merge(
                        score.clientId(),
                        BetaReputation.none(now)
                            .observe(!score.flagged(), weight(score), now, forgetting),
                        (old, fresh) ->
                            old.observe(!score.flagged(), weight(score), now, forgetting));
                  }
                });
        return next;
      }
    };
  }

  /** A flag weighs {@code penalty}; an unflagged round 1. */
  private double weight(AnomalyDetection.Score score) {
    return score.flagged() ? penalty : 1;
  }

  @Override
  public Map<String, double[]> serverState() {
    Map<String, double[]> state = new LinkedHashMap<>(super.serverState());
    state.put("trust-round", new double[] {round});
    reputations.forEach(
        (client, r) ->
            state.put(
                "trust." + client,
                new double[] {r.positive(), r.negative(), r.at().getEpochSecond()}));
    return state;
  }

  @Override
  public void restoreServerState(Map<String, double[]> state) {
    Map<String, double[]> inside = new LinkedHashMap<>();
    reputations.clear();
    state.forEach(
        (key, value) -> {
          if (key.equals("trust-round") && value.length == 1) {
            round = (int) value[0];
          } else if (key.startsWith("trust.") && value.length == 3) {
            reputations.put(
                key.substring("trust.".length()),
                new BetaReputation(value[0], value[1], EPOCH.plusSeconds((long) value[2])));
          } else {
            inside.put(key, value);
          }
        });
    super.restoreServerState(inside);
  }
}
