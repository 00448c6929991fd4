package io.truststram.trust.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Values by key, least recently used out first when their weights together pass a capacity; a value
 * heavier than the whole capacity is not kept. Weights are taken when a value is put.
 */
final class WeighedCache<K, V> {

  private final LinkedHashMap<K, Weighed<V>> values = new LinkedHashMap<>(16, 0.75f, true);
  private final ToLongFunction<V> weigher;
  private final long capacity;
  private long weight;

  private record Weighed<V>(V value, long weight) {}

  WeighedCache(long capacity, ToLongFunction<V> weigher) {
    this.capacity = capacity;
    this.weigher = weigher;
  }

  synchronized @Nullable V get(K key) {
    Weighed<V> kept = values.get(key);
    return kept == null ? null : kept.value();
  }

  /** Keeps {@code value} for {@code key} if it fits, else forgets the key. */
  synchronized void put(K key, V value) {
    remove(key);
    long w = weigher.applyAsLong(value);
    if (w > capacity) {
      return;
    }
    values.put(key, new Weighed<>(value, w));
    weight += w;
    Iterator<Map.Entry<K, Weighed<V>>> eldest = values.entrySet().iterator();
    while (weight > capacity) {
      weight -= eldest.next().getValue().weight();
      eldest.remove();
    }
  }

  synchronized void remove(K key) {
    Weighed<V> old = values.remove(key);
    if (old != null) {
      weight -= old.weight();
    }
  }

  /** The weight of what is kept. */
  synchronized long weight() {
    return weight;
  }
}
