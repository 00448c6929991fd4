package io.truststram.federation.secagg;

import io.truststram.crypto.homomorphic.Paillier;
import java.math.BigInteger;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A federation's Paillier aggregation: the key holder's public key and how values are quantised.
 * Written as {@code secagg.*} parameters like SecAgg+'s ({@link #fromMap}).
 *
 * @param publicKey the key holder's public key (2048 bits or more)
 * @param quantizer the clipping range and levels
 * @param maxWeight the largest weight of one node
 * @param minSurvivors the fewest inputs a round decrypts
 */
public record PaillierSettings(
    Paillier.PublicKey publicKey, Quantizer quantizer, long maxWeight, int minSurvivors) {

  /** The keys of {@link #fromMap}. */
  public static final Set<String> KEYS =
      Set.of("public-key", "range", "levels", "max-weight", "min-survivors");

  /** The smallest modulus a federation takes. */
  public static final int MIN_BITS = 2048;

  public PaillierSettings {
    if (maxWeight < 1) {
      throw new IllegalArgumentException("secagg.max-weight must be 1 or more");
    }
    if (minSurvivors < 2) {
      throw new IllegalArgumentException(
          "secagg.min-survivors must be 2 or more (one input would be revealed)");
    }
  }

  /**
   * Settings from {@code values}; {@code public-key} is required (base64 of the modulus n,
   * big-endian), the others default as SecAgg+'s do.
   *
   * @throws IllegalArgumentException for an unknown key, a missing or short public key, or a bad
   *     value
   */
  public static PaillierSettings fromMap(Map<String, String> values, int minBits) {
    for (String key : values.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "Paillier aggregation has no parameter '" + key + "'; it has " + KEYS);
      }
    }
    String encoded = values.get("public-key");
    if (encoded == null) {
      throw new IllegalArgumentException(
          "Paillier aggregation needs secagg.public-key: the key holder's modulus, base64");
    }
    Paillier.PublicKey key = decodeKey(encoded);
    if (key.bits() < minBits) {
      throw new IllegalArgumentException(
          "the Paillier modulus has " + key.bits() + " bits; at least " + minBits);
    }
    try {
      return new PaillierSettings(
          key,
          new Quantizer(
              Double.parseDouble(values.getOrDefault("range", "1.0")),
              Long.parseLong(values.getOrDefault("levels", "65537"))),
          Long.parseLong(values.getOrDefault("max-weight", "10000")),
          Integer.parseInt(values.getOrDefault("min-survivors", "2")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a Paillier parameter is not a number: " + e);
    }
  }

  /** These settings as {@link #fromMap} reads them. */
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("public-key", encodeKey(publicKey));
    out.put("range", String.valueOf(quantizer.range()));
    out.put("levels", String.valueOf(quantizer.levels()));
    out.put("max-weight", String.valueOf(maxWeight));
    out.put("min-survivors", String.valueOf(minSurvivors));
    return out;
  }

  /** The aggregation of a round of at most {@code clients} inputs of {@code length} values. */
  public PaillierAggregation aggregation(int clients, int length) {
    return new PaillierAggregation(publicKey, quantizer, maxWeight, clients, length);
  }

  /** A public key as the configuration writes it: base64 of n. */
  public static String encodeKey(Paillier.PublicKey key) {
    return Base64.getEncoder().encodeToString(key.n().toByteArray());
  }

  /**
   * A public key from {@link #encodeKey}'s form.
   *
   * @throws IllegalArgumentException when it is not base64 of a modulus
   */
  public static Paillier.PublicKey decodeKey(String encoded) {
    try {
      return new Paillier.PublicKey(new BigInteger(1, Base64.getDecoder().decode(encoded.strip())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "secagg.public-key is not base64 of a Paillier modulus: " + e.getMessage());
    }
  }
}
