package io.truststram.federation.secagg;

import io.truststram.crypto.primitive.Algorithm;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a federation aggregates securely: the protocol and its graph, the quantisation and ring, how
 * updates are weighted, and the distributed noise when differential privacy is on. Written as
 * {@code secagg.*} parameters in a federation's configuration ({@link #fromMap}, {@link #toMap});
 * every one has a default.
 *
 * @param protocol {@code secagg+} (a k-regular graph, Bell et al. 2020) or {@code secagg} (the
 *     complete graph, Bonawitz et al. 2017)
 * @param shares k, the size of each neighbourhood (itself included), odd; 0 chooses about 3·log2(n)
 * @param threshold t, the shares that recover a secret, more than k/2 and at most k; 0 chooses
 *     ⌈2k/3⌉ (rounded up to a majority)
 * @param range the clipping range of each value
 * @param levels the quantisation levels, odd
 * @param modulusBits the ring Z_(2^bits) where sums are taken, 8 to 64 (default 32)
 * @param weighting {@code examples} (FedAvg weights, each capped at {@code maxWeight}) or {@code
 *     uniform}
 * @param maxWeight the largest weight a client may carry
 * @param clipNorm the L2 norm each client clips its update to before it is quantised; 0 for none
 * @param noiseMultiplier z, the distributed discrete Gaussian noise in units of the sensitivity; 0
 *     for none
 * @param minSurvivors the fewest inputs a round sums: below it the round aborts, and the noise is
 *     calibrated so that this many clients' shares together carry all of it
 * @param kem the key encapsulation of pairwise secrets and of messages between clients: ML-KEM-768,
 *     ML-KEM-1024 or X-Wing (hybrid)
 */
public record SecAggParameters(
    String protocol,
    int shares,
    int threshold,
    double range,
    long levels,
    int modulusBits,
    String weighting,
    long maxWeight,
    double clipNorm,
    double noiseMultiplier,
    int minSurvivors,
    Algorithm kem) {

  /** The protocols by name. */
  public static final Set<String> PROTOCOLS = Set.of("secagg+", "secagg");

  /** The failure probability β of conditional randomised rounding's norm bound. */
  static final double ROUNDING_BETA = Math.exp(-0.5);

  public SecAggParameters {
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException(
          "secure aggregation is secagg+ or secagg, not '" + protocol + "'");
    }
    if (shares < 0 || (shares > 0 && (shares < 3 || shares % 2 == 0))) {
      throw new IllegalArgumentException(
          "secagg.shares must be odd and at least 3 (or 0 to choose), not " + shares);
    }
    if (threshold < 0) {
      throw new IllegalArgumentException("secagg.threshold must be 0 or more, not " + threshold);
    }
    new Quantizer(range, levels);
    if (modulusBits < 8 || modulusBits > 64) {
      throw new IllegalArgumentException("secagg.modulus-bits must be 8 to 64, not " + modulusBits);
    }
    if (!weighting.equals("examples") && !weighting.equals("uniform")) {
      throw new IllegalArgumentException(
          "secagg.weighting is examples or uniform, not '" + weighting + "'");
    }
    if (maxWeight < 1) {
      throw new IllegalArgumentException("secagg.max-weight must be 1 or more, not " + maxWeight);
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("secagg.clip-norm must be 0 or more, not " + clipNorm);
    }
    if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
      throw new IllegalArgumentException(
          "secagg.noise-multiplier must be 0 or more, not " + noiseMultiplier);
    }
    if (noiseMultiplier > 0 && clipNorm == 0) {
      throw new IllegalArgumentException(
          "distributed noise needs a bound on each update: set secagg.clip-norm");
    }
    if (noiseMultiplier > 0 && !weighting.equals("uniform")) {
      throw new IllegalArgumentException(
          "distributed noise is calibrated to an unweighted sum: set secagg.weighting to uniform");
    }
    if (minSurvivors < 2) {
      throw new IllegalArgumentException(
          "secagg.min-survivors must be 2 or more (one input would be revealed), not "
              + minSurvivors);
    }
    if (kem != Algorithm.ML_KEM_768 && kem != Algorithm.ML_KEM_1024 && kem != Algorithm.X_WING) {
      throw new IllegalArgumentException(
          "secagg.kem is ML-KEM-768, ML-KEM-1024 or X-Wing, not " + kem.fipsName());
    }
  }

  /** The defaults: SecAgg+, 2^32 ring, 2^16 + 1 levels over ±1, FedAvg weights up to 10^4. */
  public static SecAggParameters defaults() {
    return new SecAggParameters(
        "secagg+", 0, 0, 1.0, 65_537, 32, "examples", 10_000, 0, 0, 2, Algorithm.ML_KEM_768);
  }

  /** The keys of {@link #fromMap}. */
  public static final Set<String> KEYS =
      Set.of(
          "shares",
          "threshold",
          "range",
          "levels",
          "modulus-bits",
          "weighting",
          "max-weight",
          "clip-norm",
          "noise-multiplier",
          "min-survivors",
          "kem");

  /**
   * Parameters from {@code values} (keys as in {@link #KEYS}), the defaults for those not given.
   *
   * @throws IllegalArgumentException for an unknown key or a value out of range
   */
  public static SecAggParameters fromMap(String protocol, Map<String, String> values) {
    for (String key : values.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "secure aggregation has no parameter '" + key + "'; it has " + KEYS);
      }
    }
    SecAggParameters d = defaults();
    try {
      return new SecAggParameters(
          protocol,
          Integer.parseInt(values.getOrDefault("shares", String.valueOf(d.shares))),
          Integer.parseInt(values.getOrDefault("threshold", String.valueOf(d.threshold))),
          Double.parseDouble(values.getOrDefault("range", String.valueOf(d.range))),
          Long.parseLong(values.getOrDefault("levels", String.valueOf(d.levels))),
          Integer.parseInt(values.getOrDefault("modulus-bits", String.valueOf(d.modulusBits))),
          values.getOrDefault("weighting", d.weighting).toLowerCase(Locale.ROOT),
          Long.parseLong(values.getOrDefault("max-weight", String.valueOf(d.maxWeight))),
          Double.parseDouble(values.getOrDefault("clip-norm", String.valueOf(d.clipNorm))),
          Double.parseDouble(
              values.getOrDefault("noise-multiplier", String.valueOf(d.noiseMultiplier))),
          Integer.parseInt(values.getOrDefault("min-survivors", String.valueOf(d.minSurvivors))),
          Algorithm.of(values.getOrDefault("kem", d.kem.fipsName())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a secure aggregation parameter is not a number: " + e);
    }
  }

  /** These parameters as {@link #fromMap} reads them. */
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("shares", String.valueOf(shares));
    out.put("threshold", String.valueOf(threshold));
    out.put("range", String.valueOf(range));
    out.put("levels", String.valueOf(levels));
    out.put("modulus-bits", String.valueOf(modulusBits));
    out.put("weighting", weighting);
    out.put("max-weight", String.valueOf(maxWeight));
    out.put("clip-norm", String.valueOf(clipNorm));
    out.put("noise-multiplier", String.valueOf(noiseMultiplier));
    out.put("min-survivors", String.valueOf(minSurvivors));
    out.put("kem", kem.fipsName());
    return out;
  }

  /** The quantiser of each value. */
  public Quantizer quantizer() {
    return new Quantizer(range, levels);
  }

  /** Whether updates are weighted by their examples. */
  public boolean weighted() {
    return weighting.equals("examples");
  }

  /** k for a round of {@code clients}: the complete graph for SecAgg or when k would reach n. */
  public int sharesFor(int clients) {
    if (protocol.equals("secagg")) {
      return clients;
    }
    int k = shares;
    if (k == 0) {
      k = (int) Math.ceil(3 * Math.log(clients) / Math.log(2));
      k = Math.max(3, k % 2 == 0 ? k + 1 : k);
    }
    return Math.min(k, clients);
  }

  /** t for a round of {@code clients}. */
  public int thresholdFor(int clients) {
    int k = sharesFor(clients);
    if (threshold != 0) {
      return threshold;
    }
    return Math.max(k / 2 + 1, (int) Math.ceil(2 * k / 3.0));
  }

  /**
   * The sensitivity of one client's quantised update, in quantisation steps: the L2 bound that
   * conditional randomised rounding keeps (Kairouz, Liu and Steinke 2021, theorem 1) for an update
   * of norm at most {@code clipNorm} in {@code dimension} coordinates.
   */
  public double sensitivitySteps(int dimension) {
    double c = clipNorm / quantizer().step();
    double d = dimension;
    double bound =
        Math.min(
            c * c + d / 4 + Math.sqrt(2 * Math.log(1 / ROUNDING_BETA)) * (c + Math.sqrt(d) / 2),
            Math.pow(c + Math.sqrt(d), 2));
    return Math.sqrt(bound);
  }

  /**
   * The variance, in steps², of the discrete Gaussian noise each client adds, so that any {@code
   * minSurvivors} clients' noise sums to the central noise z·Δ.
   */
  public double clientNoiseVariance(int dimension) {
    double sigma = noiseMultiplier * sensitivitySteps(dimension);
    return sigma * sigma / minSurvivors;
  }

  /** The largest magnitude a sum of {@code clients} inputs may have, noise included (10σ). */
  public double sumBound(int clients, int dimension) {
    long weight = weighted() ? maxWeight : 1;
    double bound = (double) clients * weight * quantizer().half();
    if (noiseMultiplier > 0) {
      bound += 10 * Math.sqrt(clients * clientNoiseVariance(dimension));
    }
    return bound;
  }

  /**
   * Checks these parameters for a round of {@code clients} clients and vectors of {@code dimension}
   * values.
   *
   * @throws IllegalArgumentException when the threshold is not a majority of the shares or above
   *     them, fewer clients than the minimum take part, or a sum could wrap the ring
   */
  public void validate(int clients, int dimension) {
    int k = sharesFor(clients);
    int t = thresholdFor(clients);
    if (t > k) {
      throw new IllegalArgumentException(
          "the threshold " + t + " is above the " + k + " shares of a round of " + clients);
    }
    if (2 * t <= k) {
      throw new IllegalArgumentException(
          "the threshold "
              + t
              + " must be more than half the "
              + k
              + " shares, or a coordinator could gather both secrets of one client");
    }
    if (clients < minSurvivors) {
      throw new IllegalArgumentException(
          "a round of " + clients + " cannot reach secagg.min-survivors " + minSurvivors);
    }
    double half = modulusBits == 64 ? 0x1p63 : (double) (1L << (modulusBits - 1));
    double needed = Math.max(sumBound(clients, dimension), (double) clients * maxWeight);
    if (needed >= half) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "a sum of %d inputs can reach %.3g, more than a %d-bit ring holds (%.3g): lower"
                  + " secagg.levels or secagg.max-weight, or raise secagg.modulus-bits",
              clients,
              needed,
              modulusBits,
              half));
    }
  }
}
