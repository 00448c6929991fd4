package io.truststram.federation.secagg;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What a node requires of a secure round before it takes part: floors that the coordinator, which
 * chooses a round's parameters, cannot lower. A coordinator that wants to see more than the sum
 * could run a round among few clients, lower the threshold so that few colluding neighbours rebuild
 * a client's secrets, drop the distributed noise, or (under Paillier) hand nodes a public key whose
 * private key it holds. The node checks each round against its policy and sits out a round that
 * falls short, with the reason; the protocol itself already refuses to unmask a sum of fewer inputs
 * than the round's {@code min-survivors}, which the policy bounds from below.
 *
 * @param protocols the protocols the node takes part in ({@code secagg+}, {@code secagg}, {@code
 *     paillier})
 * @param minClients the fewest clients a round may be run among
 * @param minSurvivors the lowest {@code min-survivors} the node accepts: no sum of fewer inputs is
 *     ever unmasked with its help
 * @param minThreshold the fewest shares that may rebuild one of its secrets (SecAgg+ and SecAgg)
 * @param minNoiseMultiplier the least distributed noise, in units of the sensitivity (SecAgg+ and
 *     SecAgg); 0 for no requirement
 * @param paillierKeys SHA-256 fingerprints ({@link #fingerprint}, hex) of the Paillier keys the
 *     node encrypts to; empty to accept the first key a federation shows and refuse any other after
 */
public record SecAggPolicy(
    Set<String> protocols,
    int minClients,
    int minSurvivors,
    int minThreshold,
    double minNoiseMultiplier,
    Set<String> paillierKeys) {

  /** Every protocol; nothing above the protocols' own minimums; the first Paillier key pinned. */
  public static final SecAggPolicy DEFAULT =
      new SecAggPolicy(Set.of("secagg+", "secagg", "paillier"), 2, 2, 2, 0, Set.of());

  public SecAggPolicy {
    Set<String> known = Set.of("secagg+", "secagg", "paillier");
    for (String protocol : protocols) {
      if (!known.contains(protocol)) {
        throw new IllegalArgumentException(
            "the protocols are secagg+, secagg and paillier, not '" + protocol + "'");
      }
    }
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException("a node takes part in at least one protocol");
    }
    if (minClients < 2 || minSurvivors < 2 || minThreshold < 2) {
      throw new IllegalArgumentException(
          "the minimum clients, survivors and threshold are 2 or more");
    }
    if (!(minNoiseMultiplier >= 0) || Double.isInfinite(minNoiseMultiplier)) {
      throw new IllegalArgumentException(
          "the minimum noise multiplier is 0 or more, not " + minNoiseMultiplier);
    }
    Set<String> keys = new TreeSet<>();
    for (String key : paillierKeys) {
      String hex = key.strip().toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "a Paillier key fingerprint is 64 hex digits (SHA-256), not '" + key + "'");
      }
      keys.add(hex);
    }
    protocols = Set.copyOf(protocols);
    paillierKeys = Set.copyOf(keys);
  }

  /** Why a node sits out a round: the first floor the round falls below. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason);
    }
  }

  /**
   * Checks a SecAgg+ or SecAgg round.
   *
   * @throws Refused with the reason, when the round falls below a floor
   */
  public void check(SecAggRound round) {
    SecAggParameters parameters = round.parameters();
    requireProtocol(parameters.protocol());
    requireClients(round.clients().size());
    requireSurvivors(parameters.minSurvivors());
    if (round.threshold() < minThreshold) {
      throw new Refused(
          "the round rebuilds a secret from "
              + round.threshold()
              + " shares; this node requires at least "
              + minThreshold);
    }
    if (parameters.noiseMultiplier() < minNoiseMultiplier) {
      throw new Refused(
          "the round's noise multiplier is "
              + parameters.noiseMultiplier()
              + "; this node requires at least "
              + minNoiseMultiplier);
    }
  }

  /**
   * Checks a Paillier round of at most {@code clients} inputs, whose key's fingerprint is not in
   * {@link #paillierKeys} unless {@code pinned} (the key this node already accepted for the
   * federation) matches it.
   *
   * @throws Refused with the reason, when the round falls below a floor or the key is not trusted
   */
  public void check(PaillierSettings settings, int clients, @Nullable String pinned) {
    requireProtocol("paillier");
    requireClients(clients);
    requireSurvivors(settings.minSurvivors());
    String fingerprint = fingerprint(settings.publicKey());
    boolean trusted =
        paillierKeys.isEmpty()
            ? pinned == null || pinned.equals(fingerprint)
            : paillierKeys.contains(fingerprint);
    if (!trusted) {
      throw new Refused(
          "the federation's Paillier key "
              + fingerprint
              + " is not one this node encrypts to"
              + (paillierKeys.isEmpty() ? " (it accepted " + pinned + " before)" : ""));
    }
  }

  private void requireProtocol(String protocol) {
    if (!protocols.contains(protocol)) {
      throw new Refused(
          "the round aggregates with " + protocol + "; this node takes part in " + protocols);
    }
  }

  private void requireClients(int clients) {
    if (clients < minClients) {
      throw new Refused(
          "the round has " + clients + " clients; this node takes part among " + minClients);
    }
  }

  private void requireSurvivors(int roundMinimum) {
    if (roundMinimum < minSurvivors) {
      throw new Refused(
          "the round would sum as few as "
              + roundMinimum
              + " inputs; this node requires at least "
              + minSurvivors);
    }
  }

  /** A Paillier public key's fingerprint: SHA-256 of the modulus, big-endian, in hex. */
  public static String fingerprint(io.truststram.crypto.homomorphic.Paillier.PublicKey key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.n().toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
