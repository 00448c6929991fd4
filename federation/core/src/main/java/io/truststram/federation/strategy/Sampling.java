package io.truststram.federation.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Uniform client sampling: a fraction of the available clients, at least {@code minClients}, chosen
 * without replacement.
 *
 * @param fraction the share of available clients to train each round
 * @param minClients the fewest clients a round trains (when that many are available)
 */
public record Sampling(double fraction, int minClients) {

  public Sampling {
    if (!(fraction > 0 && fraction <= 1) || minClients < 1) {
      throw new IllegalArgumentException("0 < fraction <= 1 and minClients >= 1");
    }
  }

  /** The clients chosen, in random order. */
  public List<ClientProfile> choose(List<ClientProfile> available, SplittableRandom random) {
    int wanted =
        Math.min(
            available.size(), Math.max(minClients, (int) Math.ceil(fraction * available.size())));
    List<ClientProfile> pool = new ArrayList<>(available);
    for (int i = 0; i < wanted; i++) {
      int j = i + random.nextInt(pool.size() - i);
      ClientProfile t = pool.get(i);
      pool.set(i, pool.get(j));
      pool.set(j, t);
    }
    return List.copyOf(pool.subList(0, wanted));
  }
}
