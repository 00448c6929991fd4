package io.truststram.federation.secagg;

import io.truststram.crypto.homomorphic.Paillier;
import java.math.BigInteger;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A federation's Paillier aggregation: the key holder's public key and how values are quantised.
 * Written as {@code secagg.*} parameters like SecAgg+'s ({@link #fromMap}).
 *
 * @param publicKey the key holder's public key (2048 bits or more)
 * @param quantizer the clipping range and levels
 * @param maxWeight the largest weight of one node
 * @param minSurvivors the fewest inputs a round decrypts
 * @param committee the committee that decrypts together, or null when one key holder (the owner)
 *     decrypts alone
 */
public record PaillierSettings(
    Paillier.PublicKey publicKey,
    Quantizer quantizer,
    long maxWeight,
    int minSurvivors,
    @Nullable Committee committee) {

  /** The keys of {@link #fromMap}. */
  public static final Set<String> KEYS =
      Set.of(
          "public-key",
          "range",
          "levels",
          "max-weight",
          "min-survivors",
          "committee",
          "committee-threshold",
          "verification-keys");

  /**
   * A decryption committee (Damgård–Jurik threshold decryption from a dealt key): {@code parties}
   * members, any {@code threshold} of whom decrypt a sum together, and for each member (by index,
   * from 1) the SHA-256 of its verification key, against which its proofs are checked.
   */
  public record Committee(int parties, int threshold, List<String> verificationKeyDigests) {
    public Committee {
      if (parties < 2 || parties > 32) {
        throw new IllegalArgumentException("secagg.committee has 2 to 32 members, not " + parties);
      }
      if (threshold < 1 || threshold > parties) {
        throw new IllegalArgumentException(
            "secagg.committee-threshold is 1 to the committee's size ("
                + parties
                + "), not "
                + threshold);
      }
      if (verificationKeyDigests.size() != parties) {
        throw new IllegalArgumentException(
            "secagg.verification-keys lists "
                + verificationKeyDigests.size()
                + " digests for a committee of "
                + parties);
      }
      for (String digest : verificationKeyDigests) {
        if (!digest.matches("[0-9a-f]{64}")) {
          throw new IllegalArgumentException(
              "secagg.verification-keys are SHA-256 digests in lower-case hex, not '"
                  + digest
                  + "'");
        }
      }
      verificationKeyDigests = List.copyOf(verificationKeyDigests);
    }

    /** The threshold key's public part under {@code key}. */
    public Paillier.ThresholdPublicKey thresholdKey(Paillier.PublicKey key) {
      return new Paillier.ThresholdPublicKey(key, parties, threshold);
    }

    /** The digest a member's verification key must have, as {@link #verificationKeyDigests}. */
    public static String digest(BigInteger verificationKey) {
      try {
        return java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(verificationKey.toByteArray()));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing", e);
      }
    }
  }

  /** Settings decrypted by one key holder. */
  public PaillierSettings(
      Paillier.PublicKey publicKey, Quantizer quantizer, long maxWeight, int minSurvivors) {
    this(publicKey, quantizer, maxWeight, minSurvivors, null);
  }

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
      Committee committee = null;
      if (values.containsKey("committee")
          || values.containsKey("committee-threshold")
          || values.containsKey("verification-keys")) {
        committee =
            new Committee(
                Integer.parseInt(values.getOrDefault("committee", "0")),
                Integer.parseInt(values.getOrDefault("committee-threshold", "0")),
                java.util.Arrays.stream(values.getOrDefault("verification-keys", "").split(","))
                    .map(String::strip)
                    .filter(d -> !d.isEmpty())
                    .toList());
      }
      return new PaillierSettings(
          key,
          new Quantizer(
              Double.parseDouble(values.getOrDefault("range", "1.0")),
              Long.parseLong(values.getOrDefault("levels", "65537"))),
          Long.parseLong(values.getOrDefault("max-weight", "10000")),
          Integer.parseInt(values.getOrDefault("min-survivors", "2")),
          committee);
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
    if (committee != null) {
      out.put("committee", String.valueOf(committee.parties()));
      out.put("committee-threshold", String.valueOf(committee.threshold()));
      out.put("verification-keys", String.join(",", committee.verificationKeyDigests()));
    }
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
