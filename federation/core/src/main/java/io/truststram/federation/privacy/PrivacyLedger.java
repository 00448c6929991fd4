package io.truststram.federation.privacy;

import java.util.Arrays;

/**
 * What a federation has spent so far: the total Rényi DP of its rounds at each of the accountant's
 * default orders, so that rounds with different sampling rates compose exactly (RDP adds up), and
 * the ε of any δ follows at once. Immutable; {@link #spend} gives the ledger after one more round.
 */
public final class PrivacyLedger {

  private final double[] rdp;
  private final int rounds;

  private PrivacyLedger(double[] rdp, int rounds) {
    this.rdp = rdp;
    this.rounds = rounds;
  }

  /** Nothing spent. */
  public static PrivacyLedger empty() {
    return new PrivacyLedger(new double[RdpAccountant.DEFAULT_ORDERS.length], 0);
  }

  /**
   * A ledger as {@link #rdp} and {@link #rounds} saved it.
   *
   * @throws IllegalArgumentException when it does not have one finite, non-negative value per
   *     default order
   */
  public static PrivacyLedger restore(double[] rdp, int rounds) {
    if (rdp.length != RdpAccountant.DEFAULT_ORDERS.length || rounds < 0) {
      throw new IllegalArgumentException(
          "a ledger has " + RdpAccountant.DEFAULT_ORDERS.length + " RDP values, not " + rdp.length);
    }
    for (double value : rdp) {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("RDP values are finite and not negative");
      }
    }
    return new PrivacyLedger(rdp.clone(), rounds);
  }

  /** The ledger after one more round sampling at rate {@code q} with noise multiplier σ. */
  /** This ledger after {@code steps} more steps at rate q and multiplier σ. */
  public PrivacyLedger spend(double q, double sigma, long steps) {
    if (steps < 0 || steps > Integer.MAX_VALUE - rounds) {
      throw new IllegalArgumentException("steps must be between 0 and 2^31, not " + steps);
    }
    double[] next = rdp.clone();
    for (int i = 0; i < next.length; i++) {
      next[i] += steps * RdpAccountant.rdp(q, sigma, RdpAccountant.DEFAULT_ORDERS[i]);
    }
    return new PrivacyLedger(next, rounds + (int) steps);
  }

  public PrivacyLedger spend(double q, double sigma) {
    double[] next = rdp.clone();
    for (int i = 0; i < next.length; i++) {
      next[i] += RdpAccountant.rdp(q, sigma, RdpAccountant.DEFAULT_ORDERS[i]);
    }
    return new PrivacyLedger(next, rounds + 1);
  }

  /** The ε spent for {@code delta}. */
  public PrivacySpent spent(double delta, Conversion conversion) {
    return RdpAccountant.epsilon(rdp, RdpAccountant.DEFAULT_ORDERS, delta, conversion);
  }

  /** The total RDP per default order (a copy). */
  public double[] rdp() {
    return rdp.clone();
  }

  /** How many rounds it holds. */
  public int rounds() {
    return rounds;
  }

  @Override
  public String toString() {
    return "PrivacyLedger[" + rounds + " rounds, rdp " + Arrays.toString(rdp) + "]";
  }
}
