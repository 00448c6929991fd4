package io.truststram.federation;

import io.truststram.common.tenant.TenantId;
import io.truststram.federation.strategy.ClientProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Chooses the client nodes of a round among those available. The coordinator uses the {@link
 * #uniform()} selector unless the application defines another bean of this type (trust-weighted
 * selection, for instance).
 */
@FunctionalInterface
public interface ClientSelector {

  /**
   * At most {@code count} of {@code available}, drawn with {@code random} (seeded per round, so
   * that a round's choice can be reproduced).
   */
  List<ClientProfile> choose(List<ClientProfile> available, int count, SplittableRandom random);

  /**
   * At most {@code count} of {@code available} for a round of the federation {@code federationId}
   * owned by {@code tenant}; the coordinator calls this one. A selector that weighs nodes by what
   * the owner knows of them (their trust, for instance) overrides it; by default the federation
   * does not matter.
   */
  default List<ClientProfile> choose(
      TenantId tenant,
      UUID federationId,
      List<ClientProfile> available,
      int count,
      SplittableRandom random) {
    return choose(available, count, random);
  }

  /** Every available node equally likely, without replacement. */
  static ClientSelector uniform() {
    return (available, count, random) -> {
      List<ClientProfile> pool = new ArrayList<>(available);
      int wanted = Math.min(count, pool.size());
      for (int i = 0; i < wanted; i++) {
        int j = i + random.nextInt(pool.size() - i);
        ClientProfile swap = pool.get(i);
        pool.set(i, pool.get(j));
        pool.set(j, swap);
      }
      return List.copyOf(pool.subList(0, wanted));
    };
  }
}
