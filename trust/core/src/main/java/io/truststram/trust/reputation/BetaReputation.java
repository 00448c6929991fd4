package io.truststram.trust.reputation;

import java.time.Duration;
import java.time.Instant;

/**
 * The Beta reputation system (Jøsang and Ismail, Bled eCommerce 2002): positive evidence r and
 * negative evidence s make a Beta(r + 1, s + 1) belief about how an entity behaves; its expected
 * value (r + 1) / (r + s + 2) is the reputation, and subjective logic's uncertainty 2 / (r + s + 2)
 * says how little evidence there is. Older evidence counts less: each piece is weighed by λ^(age /
 * period) (the forgetting factor λ per period), so reputation follows an entity's recent behaviour.
 *
 * <p>Immutable: {@link #observe} gives the reputation with one more piece of evidence, aged to its
 * time (the incremental update is O(1)).
 *
 * @param positive r, aged to {@code at}
 * @param negative s, aged to {@code at}
 * @param at the time the sums are aged to
 */
public record BetaReputation(double positive, double negative, Instant at) {

  public BetaReputation {
    if (!(positive >= 0) || !(negative >= 0) || Double.isInfinite(positive + negative)) {
      throw new IllegalArgumentException("evidence sums are finite and not negative");
    }
  }

  /** No evidence yet: reputation ½, uncertainty 1. */
  public static BetaReputation none(Instant at) {
    return new BetaReputation(0, 0, at);
  }

  /**
   * The forgetting.
   *
   * @param lambda the weight left to evidence one period old, in (0, 1] (1: never forget)
   * @param period the period λ applies to
   */
  public record Forgetting(double lambda, Duration period) {
    public static final Forgetting NONE = new Forgetting(1, Duration.ofDays(1));

    public Forgetting {
      if (!(lambda > 0 && lambda <= 1)) {
        throw new IllegalArgumentException("the forgetting factor lies in (0, 1], not " + lambda);
      }
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("the forgetting period is positive");
      }
    }

    /** The weight left to evidence {@code age} old: λ^(age / period). */
    public double weight(Duration age) {
      if (lambda == 1) {
        return 1;
      }
      return Math.pow(lambda, (double) age.toNanos() / period.toNanos());
    }
  }

  /**
   * This reputation with evidence of weight {@code weight} (positive or negative) at {@code when},
   * the sums aged to the later of the two times.
   *
   * @throws IllegalArgumentException for a weight that is negative or not finite
   */
  public BetaReputation observe(boolean good, double weight, Instant when, Forgetting forgetting) {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("evidence weighs a finite amount, not negative");
    }
    Instant now = when.isAfter(at) ? when : at;
    double keep = forgetting.weight(Duration.between(at, now));
    double fresh = weight * forgetting.weight(Duration.between(when, now));
    return new BetaReputation(
        positive * keep + (good ? fresh : 0), negative * keep + (good ? 0 : fresh), now);
  }

  /** This reputation aged to {@code now} (no new evidence). */
  public BetaReputation at(Instant now, Forgetting forgetting) {
    if (!now.isAfter(at)) {
      return this;
    }
    double keep = forgetting.weight(Duration.between(at, now));
    return new BetaReputation(positive * keep, negative * keep, now);
  }

  /** The expected value of the Beta belief: (r + 1) / (r + s + 2). */
  public double expected() {
    return (positive + 1) / (positive + negative + 2);
  }

  /** Subjective logic's uncertainty: 2 / (r + s + 2), 1 without evidence. */
  public double uncertainty() {
    return 2 / (positive + negative + 2);
  }

  /** Subjective logic's belief: r / (r + s + 2). */
  public double belief() {
    return positive / (positive + negative + 2);
  }

  /** Subjective logic's disbelief: s / (r + s + 2). */
  public double disbelief() {
    return negative / (positive + negative + 2);
  }
}
