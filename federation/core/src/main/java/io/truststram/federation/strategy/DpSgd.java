package io.truststram.federation.strategy;

import io.truststram.federation.privacy.Conversion;
import io.truststram.federation.privacy.PrivacyLedger;
import io.truststram.federation.privacy.PrivacySpent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Sample-level differential privacy inside every client's local training ({@code dpsgd(fedavg)}):
 * clients train with DP-SGD (Poisson sampling of their rows, each row's gradient clipped to {@code
 * example-clip-norm}, Gaussian noise of {@code example-noise-multiplier} times that on each step),
 * so that no single example shows through an update, whatever the server does with it.
 *
 * <p>The server keeps each client's ledger: a round in which a client of n examples trains E epochs
 * of batch b is ⌈n/b⌉·E steps of the sampled Gaussian mechanism at rate b/n, and the RDP accountant
 * composes them across rounds. The ledgers are server state, checkpointed with each round.
 */
public final class DpSgd extends ForwardingStrategy {

  private static final String STATE = "dpsgd.rdp.";

  private final double clipNorm;
  private final double noiseMultiplier;
  private final Map<String, PrivacyLedger> ledgers = new TreeMap<>();

  public DpSgd(Strategy inner, double clipNorm, double noiseMultiplier) {
    super(inner);
    if (Wrapper.find(inner, DpSgd.class).isPresent()) {
      throw new IllegalArgumentException("dpsgd is applied once in a chain");
    }
    LocalPrivacy.dpSgd(clipNorm, noiseMultiplier);
    if (!(noiseMultiplier > 0)) {
      throw new IllegalArgumentException(
          "dpsgd needs example-noise-multiplier above 0, not " + noiseMultiplier);
    }
    this.clipNorm = clipNorm;
    this.noiseMultiplier = noiseMultiplier;
  }

  @Override
  public String name() {
    return "dpsgd(" + inner().name() + ")";
  }

  /** What client {@code clientId}'s examples have spent, at {@code delta}. */
  public PrivacySpent spent(String clientId, double delta) {
    return ledgers.getOrDefault(clientId, PrivacyLedger.empty()).spent(delta, Conversion.CLASSIC);
  }

  /** The clients with a ledger. */
  public List<String> clients() {
    return List.copyOf(ledgers.keySet());
  }

  @Override
  public List<TrainPlan> configureTrain(
      int round, List<ClientProfile> available, SplittableRandom random) {
    Map<String, Long> examples = new HashMap<>();
    available.forEach(client -> examples.put(client.clientId(), client.examples()));
    LocalPrivacy privacy = LocalPrivacy.dpSgd(clipNorm, noiseMultiplier);
    return inner().configureTrain(round, available, random).stream()
        .map(
            plan -> {
              charge(plan.clientId(), examples.getOrDefault(plan.clientId(), 0L), plan.training());
              return new TrainPlan(plan.clientId(), plan.training().withPrivacy(privacy));
            })
        .toList();
  }

  /** A client's ledger after it trains as {@code training} on {@code rows} examples. */
  private void charge(String clientId, long rows, LocalTraining training) {
    if (rows <= 0) {
      return;
    }
    double q = Math.min(1, training.batchSize() / (double) rows);
    long steps = training.epochs() * ((rows + training.batchSize() - 1) / training.batchSize());
    ledgers.put(
        clientId,
        ledgers.getOrDefault(clientId, PrivacyLedger.empty()).spend(q, noiseMultiplier, steps));
  }

  @Override
  public Map<String, double[]> serverState() {
    Map<String, double[]> state = new HashMap<>(inner().serverState());
    ledgers.forEach(
        (client, ledger) -> {
          double[] rdp = ledger.rdp();
          double[] saved = java.util.Arrays.copyOf(rdp, rdp.length + 1);
          saved[rdp.length] = ledger.rounds();
          state.put(STATE + client, saved);
        });
    return state;
  }

  @Override
  public void restoreServerState(Map<String, double[]> state) {
    Map<String, double[]> rest = new HashMap<>();
    ledgers.clear();
    state.forEach(
        (key, value) -> {
          if (key.startsWith(STATE)) {
            double[] rdp = java.util.Arrays.copyOf(value, value.length - 1);
            ledgers.put(
                key.substring(STATE.length()),
                PrivacyLedger.restore(rdp, (int) value[value.length - 1]));
          } else {
            rest.put(key, value);
          }
        });
    inner().restoreServerState(rest);
  }
}
