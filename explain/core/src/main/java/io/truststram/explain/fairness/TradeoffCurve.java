package io.truststram.explain.fairness;

import io.truststram.explain.fairness.ThresholdOptimizer.Interpolation;
import io.truststram.explain.fairness.ThresholdOptimizer.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One group's trade-off between two rates over every threshold on its scores, the upper convex hull
 * of those points, and the hull interpolated on a grid: the curves {@link ThresholdOptimizer} picks
 * its thresholds from, computed as Fairlearn's postprocessing does. Stateless.
 */
final class TradeoffCurve {

  /** Confusion counts; fractional where a point mixes two operations. */
  record Counts(double tp, double fp, double tn, double fn) {
    double n() {
      return tp + tn + fp + fn;
    }

    double positives() {
      return tp + fn;
    }

    double negatives() {
      return tn + fp;
    }
  }

  /**
   * A reachable point: the x and y rates of a threshold operation.
   *
   * @param x the constraint's rate
   * @param y the objective (the true positive rate for equalized odds)
   * @param operation the rule that reaches it
   */
  record Point(double x, double y, Operation operation) {}

  /**
   * A hull interpolated on a grid: per grid point the two operations mixed, their weights, and the
   * y reached.
   */
  record Curve(
      double[] y, double[] p0, Operation[] operation0, double[] p1, Operation[] operation1) {

    /** The rule at grid point i, replaced by the constant with probability pIgnore. */
    Interpolation at(int i, double pIgnore, double predictionConstant) {
      return new Interpolation(
          p0[i], operation0[i], p1[i], operation1[i], pIgnore, predictionConstant);
    }
  }

  private TradeoffCurve() {}

  /**
   * A rate or objective of the counts, by Fairlearn's name, with its formula's order of operations
   * (so that ties between grid points break as Fairlearn's do). NaN when undefined.
   */
  static double metric(String name, Counts c) {
    return switch (name) {
      case "selection_rate" -> (c.tp() + c.fp()) / c.n();
      case "false_positive_rate" -> c.fp() / c.negatives();
      case "false_negative_rate" -> c.fn() / c.positives();
      case "true_positive_rate" -> c.tp() / c.positives();
      case "true_negative_rate" -> c.tn() / c.negatives();
      case "accuracy_score" -> (c.tp() + c.tn()) / c.n();
      case "balanced_accuracy_score" -> 0.5 * c.tp() / c.positives() + 0.5 * c.tn() / c.negatives();
      default -> throw new IllegalArgumentException("no metric is named '" + name + "'");
    };
  }

  /** {@code size + 1} evenly spaced values from 0 to 1, as numpy's {@code linspace}. */
  static double[] grid(int size) {
    double[] out = new double[size + 1];
    double step = 1.0 / size;
    for (int i = 0; i < size; i++) {
      out[i] = i * step;
    }
    out[size] = 1.0;
    return out;
  }

  /**
   * The points of every operation {@code score > t}, for t above the highest score, between each
   * two neighbouring distinct scores and below the lowest; with {@code flip} also {@code score < t}
   * for the same t. Sorted by x, then y (stable).
   *
   * @throws IllegalArgumentException if the group's labels are all positive or all negative
   */
  static List<Point> points(
      double[] scores,
      boolean[] labels,
      String group,
      boolean flip,
      String xMetric,
      String yMetric) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    double positives = 0;
    for (int r = 0; r < n; r++) {
      order[r] = r;
      positives += labels[r] ? 1 : 0;
    }
    double negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException(
          "the group '"
              + group
              + "' has only "
              + (positives == 0 ? "negative" : "positive")
              + " labels: its true and false positive rates are not both defined, so no"
              + " threshold can be chosen for it (Fairlearn refuses it too)");
    }
    // Adding 0.0 turns -0.0 into 0.0, which the sort would otherwise order apart.
    Arrays.sort(order, (a, b) -> Double.compare(scores[b] + 0.0, scores[a] + 0.0));
    List<Point> out = new ArrayList<>();
    double tp = 0;
    double fp = 0;
    add(
        out,
        Double.POSITIVE_INFINITY,
        new Counts(0, 0, negatives, positives),
        flip,
        xMetric,
        yMetric);
    int i = 0;
    while (i < n) {
      double score = scores[order[i]];
      while (i < n && scores[order[i]] == score) {
        if (labels[order[i]]) {
          tp++;
        } else {
          fp++;
        }
        i++;
      }
      double threshold = i < n ? midpoint(score, scores[order[i]]) : Double.NEGATIVE_INFINITY;
      add(
          out,
          threshold,
          new Counts(tp, fp, negatives - fp, positives - tp),
          flip,
          xMetric,
          yMetric);
    }
    out.sort(Comparator.comparingDouble(Point::x).thenComparingDouble(Point::y));
    return out;
  }

  private static void add(
      List<Point> out,
      double threshold,
      Counts above,
      boolean flip,
      String xMetric,
      String yMetric) {
    out.add(
        new Point(metric(xMetric, above), metric(yMetric, above), new Operation(">", threshold)));
    if (flip) {
      Counts below = new Counts(above.fn(), above.tn(), above.fp(), above.tp());
      out.add(
          new Point(metric(xMetric, below), metric(yMetric, below), new Operation("<", threshold)));
    }
  }

  private static double midpoint(double a, double b) {
    double mid = (a + b) / 2;
    return Double.isInfinite(mid) ? a / 2 + b / 2 : mid;
  }

  /**
   * The upper convex hull of points sorted by x then y (Andrew's monotone chain): a point on or
   * below the segment between its neighbours is dropped.
   */
  static List<Point> upperHull(List<Point> sorted) {
    List<Point> hull = new ArrayList<>();
    for (Point r2 : sorted) {
      while (hull.size() >= 2) {
        Point r1 = hull.get(hull.size() - 1);
        Point r0 = hull.get(hull.size() - 2);
        if ((r1.y() - r0.y()) * (r2.x() - r0.x()) <= (r2.y() - r0.y()) * (r1.x() - r0.x())) {
          hull.remove(hull.size() - 1);
        } else {
          break;
        }
      }
      hull.add(r2);
    }
    return hull;
  }

  /**
   * The hull at each grid value g: the two hull points around g, the left one below g (at or below
   * it for the first grid value) and the right one at or above it, mixed so that their x is g.
   */
  static Curve interpolate(List<Point> hull, double[] grid) {
    int m = hull.size();
    double[] xs = new double[m];
    double[] ys = new double[m];
    for (int j = 0; j < m; j++) {
      xs[j] = hull.get(j).x();
      ys[j] = hull.get(j).y();
    }
    int size = grid.length;
    double[] y = new double[size];
    double[] p0 = new double[size];
    double[] p1 = new double[size];
    Operation[] operation0 = new Operation[size];
    Operation[] operation1 = new Operation[size];
    for (int k = 0; k < size; k++) {
      double g = grid[k];
      int i = upperBound(xs, g) - 1;
      if (k > 0 && i >= 0 && xs[i] == g) {
        i--;
      }
      i = Math.max(0, Math.min(i, m - 2));
      p0[k] = (xs[i + 1] - g) / (xs[i + 1] - xs[i]);
      p1[k] = 1 - p0[k];
      y[k] = p0[k] * ys[i] + p1[k] * ys[i + 1];
      operation0[k] = hull.get(i).operation();
      operation1[k] = hull.get(i + 1).operation();
    }
    return new Curve(y, p0, operation0, p1, operation1);
  }

  /** The first index whose value exceeds x (numpy's {@code searchsorted}, side right). */
  private static int upperBound(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
