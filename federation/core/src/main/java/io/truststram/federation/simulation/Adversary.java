package io.truststram.federation.simulation;

import io.truststram.federation.FederatedClient;
import io.truststram.federation.strategy.ClientUpdate;
import java.util.List;
import java.util.Set;

/**
 * The malicious clients of a simulation, acting together: each round they see their own honestly
 * trained updates (and, for attacks that assume it, everyone's) and send what they choose instead.
 */
@FunctionalInterface
public interface Adversary {

  /**
   * The round's updates as the server receives them: {@code updates} with those of {@code
   * malicious} clients replaced.
   *
   * @param global the model the round started from
   * @param updates every update of the round, honestly trained, in arrival order
   * @param malicious the ids of the malicious clients
   */
  List<ClientUpdate> corrupt(
      int round, float[] global, List<ClientUpdate> updates, Set<String> malicious);

  /**
   * The client a malicious participant trains as: {@code honest} itself, unless the attack poisons
   * its data (label flipping, backdoors).
   */
  default FederatedClient poison(FederatedClient honest) {
    return honest;
  }

  /** No attack. */
  static Adversary none() {
    return (round, global, updates, malicious) -> updates;
  }
}
