package io.truststram.federation.strategy;

import java.util.Optional;

/**
 * A strategy that wraps another and changes one aspect of it (privacy, detection, weighting),
 * leaving the rest to the strategy inside: {@code dp(krum)} is Krum with differential privacy
 * around it. Wrappers nest; each kind appears at most once in a chain.
 */
public interface Wrapper extends Strategy {

  /** The strategy inside. */
  Strategy inner();

  /**
   * The first layer of {@code strategy}'s chain (itself included, outermost first) that is a {@code
   * type}.
   */
  static <T> Optional<T> find(Strategy strategy, Class<T> type) {
    Strategy layer = strategy;
    while (true) {
      if (type.isInstance(layer)) {
        return Optional.of(type.cast(layer));
      }
      if (!(layer instanceof Wrapper wrapper)) {
        return Optional.empty();
      }
      layer = wrapper.inner();
    }
  }

  /** The strategy at the bottom of {@code strategy}'s chain: the one that aggregates. */
  static Strategy base(Strategy strategy) {
    Strategy layer = strategy;
    while (layer instanceof Wrapper wrapper) {
      layer = wrapper.inner();
    }
    return layer;
  }
}
