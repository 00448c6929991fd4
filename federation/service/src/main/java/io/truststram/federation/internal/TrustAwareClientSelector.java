package io.truststram.federation.internal;

import io.truststram.common.tenant.TenantId;
import io.truststram.federation.ClientSelector;
import io.truststram.federation.strategy.ClientProfile;
import io.truststram.trust.TrustScores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Chooses a federation's clients by their trust in the owner's trust graph.
 *
 * <ul>
 *   <li>The owner's trust policy {@code federation-selection}, when it has one, keeps out nodes
 *       whose score is below its minimum; nodes not scored yet are let in, to earn trust.
 *   <li>The others are drawn without replacement with probability proportional to their reputation,
 *       at least the floor (Efraimidis and Spirakis' weighted sampling: the largest keys u^(1/w)),
 *       so that a distrusted node is chosen rarely, but can still redeem itself.
 *   <li>When every weight is equal (nothing is known yet) the draw is the uniform one.
 * </ul>
 */
final class TrustAwareClientSelector implements ClientSelector {

  static final String POLICY = "federation-selection";

  /** The reputation of a node with no evidence: the Beta prior's mean. */
  static final double UNKNOWN = 0.5;

  private final TrustScores trust;
  private final double floor;

  TrustAwareClientSelector(TrustScores trust, double floor) {
    if (!(floor > 0 && floor <= 1)) {
      throw new IllegalArgumentException("the selection floor lies in (0, 1]");
    }
    this.trust = trust;
    this.floor = floor;
  }

  @Override
  public List<ClientProfile> choose(
      List<ClientProfile> available, int count, SplittableRandom random) {
    return ClientSelector.uniform().choose(available, count, random);
  }

  @Override
  public List<ClientProfile> choose(
      TenantId tenant,
      UUID federationId,
      List<ClientProfile> available,
      int count,
      SplittableRandom random) {
    List<ClientProfile> eligible = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (ClientProfile client : available) {
      if (!trust.admits(tenant, POLICY, client.clientId(), "client-node")) {
        continue;
      }
      eligible.add(client);
      weights.add(Math.max(floor, trust.reputation(tenant, client.clientId()).orElse(UNKNOWN)));
    }
    if (weights.stream().distinct().count() <= 1) {
      return ClientSelector.uniform().choose(eligible, count, random);
    }
    record Keyed(ClientProfile client, double key) {}
    List<Keyed> keyed = new ArrayList<>();
    for (int i = 0; i < eligible.size(); i++) {
      double u = random.nextDouble();
      // log(u^(1/w)) = log(u) / w orders the same, without underflow.
      keyed.add(
          new Keyed(eligible.get(i), Math.log(u == 0 ? Double.MIN_VALUE : u) / weights.get(i)));
    }
    keyed.sort(Comparator.comparingDouble((Keyed k) -> -k.key()));
    return keyed.subList(0, Math.min(count, keyed.size())).stream().map(Keyed::client).toList();
  }
}
