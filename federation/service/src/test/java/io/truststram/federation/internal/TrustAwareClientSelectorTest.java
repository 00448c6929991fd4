package io.truststram.federation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.truststram.common.tenant.TenantId;
import io.truststram.federation.ClientSelector;
import io.truststram.federation.strategy.ClientProfile;
import io.truststram.trust.TrustScores;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Trust-aware selection: weights from reputation with a floor, exclusion by policy. */
class TrustAwareClientSelectorTest {

  /** Reputations and the nodes a policy refuses, as the trust service would answer. */
  record Answers(Map<String, Double> reputations, Set<String> refused) implements TrustScores {
    @Override
    public OptionalDouble reputation(TenantId tenant, String entity) {
      Double value = reputations.get(entity);
      return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    @Override
    public boolean admits(TenantId tenant, String policy, String entity, String entityType) {
      return !(policy.equals(TrustAwareClientSelector.POLICY) && refused.contains(entity));
    }

    @Override
    public void observe(
        TenantId tenant, List<Observation> observations, List<String> collaborators) {
      throw new UnsupportedOperationException("selection only reads");
    }

    @Override
    public void withdraw(TenantId tenant, java.util.UUID observation) {
      throw new UnsupportedOperationException("selection only reads");
    }
  }

  static final TenantId TENANT = TenantId.newId();

  static List<ClientProfile> clients(int n) {
    List<ClientProfile> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ClientProfile("c" + i, 100));
    }
    return out;
  }

  @Test
  void withNothingKnownTheDrawIsTheUniformOne() {
    var selector = new TrustAwareClientSelector(new Answers(Map.of(), Set.of()), 0.1);
    for (int seed = 0; seed < 20; seed++) {
      assertThat(
              selector.choose(TENANT, UUID.randomUUID(), clients(8), 3, new SplittableRandom(seed)))
          .isEqualTo(ClientSelector.uniform().choose(clients(8), 3, new SplittableRandom(seed)));
    }
  }

  @Test
  void distrustedNodesAreDrawnInProportionToTheirReputationButNotNever() {
    Map<String, Double> reputations = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      reputations.put("c" + i, i == 0 ? 0.125 : 0.875);
    }
    reputations.put("c9", 0.0);
    var selector = new TrustAwareClientSelector(new Answers(reputations, Set.of()), 0.1);
    Map<String, Integer> chosen = new HashMap<>();
    int draws = 20_000;
    for (int draw = 0; draw < draws; draw++) {
      List<ClientProfile> picked =
          selector.choose(TENANT, UUID.randomUUID(), clients(10), 1, new SplittableRandom(draw));
      assertThat(picked).hasSize(1);
      chosen.merge(picked.getFirst().clientId(), 1, Integer::sum);
    }
    // One draw of one: each node's chance is its weight over the sum (0.125, 8 x 0.875, floor 0.1).
    double total = 0.125 + 8 * 0.875 + 0.1;
    assertThat(chosen.get("c0") / (double) draws).isCloseTo(0.125 / total, within(0.006));
    assertThat(chosen.get("c9") / (double) draws).isCloseTo(0.1 / total, within(0.006));
    assertThat(chosen.get("c1") / (double) draws).isCloseTo(0.875 / total, within(0.015));
  }

  @Test
  void aSelectionPolicyKeepsRefusedNodesOut() {
    Map<String, Double> reputations = Map.of("c0", 0.1, "c1", 0.9);
    var selector = new TrustAwareClientSelector(new Answers(reputations, Set.of("c0", "c3")), 0.1);
    for (int seed = 0; seed < 50; seed++) {
      assertThat(
              selector.choose(TENANT, UUID.randomUUID(), clients(6), 6, new SplittableRandom(seed)))
          .extracting(ClientProfile::clientId)
          .containsExactlyInAnyOrder("c1", "c2", "c4", "c5");
    }
  }
}
