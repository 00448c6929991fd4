package io.truststram.crypto.internal;

import java.util.Locale;

/**
 * A tenant's crypto policy: which key types it may create. {@code hybrid}, the default, allows
 * post-quantum, hybrid and symmetric keys but not classical-only asymmetric ones (Ed25519, ECDSA);
 * {@code pq-only} allows only pure post-quantum and symmetric keys; {@code classical} allows all,
 * for the transition period.
 */
enum CryptoPolicy {
  CLASSICAL,
  HYBRID,
  PQ_ONLY;

  static CryptoPolicy parse(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "classical" -> CLASSICAL;
      case "hybrid" -> HYBRID;
      case "pq-only" -> PQ_ONLY;
      default ->
          throw new IllegalArgumentException(
              "unknown crypto policy '" + value + "'; known: classical, hybrid, pq-only");
    };
  }

  String value() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  boolean allows(KeyType type) {
    return switch (this) {
      case CLASSICAL -> true;
      case HYBRID -> type.postQuantum();
      case PQ_ONLY -> type.postQuantum() && !type.hybrid();
    };
  }
}
