package io.truststram.explain.fairness;

/**
 * Weighted confusion counts of one group, and the rates Fairlearn computes from them. A rate whose
 * denominator is zero (no positives, no negatives, no predicted positives) is NaN here and {@code
 * null} in reports: it is undefined, not 0.
 *
 * @param tp true positives
 * @param fp false positives
 * @param tn true negatives
 * @param fn false negatives
 * @param count the rows (unweighted)
 */
public record Confusion(double tp, double fp, double tn, double fn, long count) {

  /** The empty table. */
  public static final Confusion EMPTY = new Confusion(0, 0, 0, 0, 0);

  /** This table with one more row of weight w. */
  public Confusion add(boolean label, boolean predicted, double w) {
    return new Confusion(
        tp + (label && predicted ? w : 0),
        fp + (!label && predicted ? w : 0),
        tn + (!label && !predicted ? w : 0),
        fn + (label && !predicted ? w : 0),
        count + 1);
  }

  /** This table and {@code other} together: the table of both sets of rows. */
  public Confusion plus(Confusion other) {
    return new Confusion(
        tp + other.tp, fp + other.fp, tn + other.tn, fn + other.fn, count + other.count);
  }

  /** This table less {@code other}'s rows (a subset of this table's). */
  public Confusion minus(Confusion other) {
    return new Confusion(
        tp - other.tp, fp - other.fp, tn - other.tn, fn - other.fn, count - other.count);
  }

  /** The total weight. */
  public double weight() {
    return tp + fp + tn + fn;
  }

  /** P(ŷ = 1). */
  public double selectionRate() {
    return ratio(tp + fp, weight());
  }

  /** P(ŷ = 1 | y = 1), recall. */
  public double truePositiveRate() {
    return ratio(tp, tp + fn);
  }

  /** P(ŷ = 1 | y = 0). */
  public double falsePositiveRate() {
    return ratio(fp, fp + tn);
  }

  /** P(ŷ = 0 | y = 1). */
  public double falseNegativeRate() {
    return ratio(fn, tp + fn);
  }

  /** P(ŷ = 0 | y = 0). */
  public double trueNegativeRate() {
    return ratio(tn, fp + tn);
  }

  /** P(y = 1 | ŷ = 1). */
  public double precision() {
    return ratio(tp, tp + fp);
  }

  /** P(ŷ = y). */
  public double accuracy() {
    return ratio(tp + tn, weight());
  }

  /** P(y = 1), the base rate. */
  public double baseRate() {
    return ratio(tp + fn, weight());
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }
}
