package io.truststram.ml.model;

import io.truststram.ml.data.Dataset;
import java.util.Arrays;

/**
 * Evaluation of a classifier on a data set: accuracy, mean log-loss, ROC AUC and F1. For two
 * classes, AUC and F1 are those of class 1 (the positive class); for more, their unweighted means
 * over classes, one class against the rest (macro averages).
 *
 * @param examples rows evaluated
 * @param accuracy the share of rows whose most probable class is the label
 * @param logLoss the mean of −log p(label)
 * @param rocAuc the probability that a random positive ranks above a random negative (ties half)
 * @param f1 the harmonic mean of precision and recall
 */
public record Metrics(int examples, double accuracy, double logLoss, double rocAuc, double f1) {

  /** Evaluates {@code parameters} of {@code model} on every row of {@code data}. */
  public static Metrics evaluate(Classifier model, float[] parameters, Dataset data) {
    int n = data.rows();
    int k = model.classes();
    double[][] p = new double[n][k];
    for (int row = 0; row < n; row++) {
      model.probabilities(parameters, data, row, p[row]);
    }
    return of(p, data.labels());
  }

  /** The metrics of predicted class probabilities {@code p} against {@code labels}. */
  public static Metrics of(double[][] p, int[] labels) {
    int n = labels.length;
    if (n == 0) {
      return new Metrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    int k = p[0].length;
    int correct = 0;
    double logLoss = 0;
    int[] predicted = new int[n];
    for (int row = 0; row < n; row++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (p[row][c] > p[row][best]) {
          best = c;
        }
      }
      predicted[row] = best;
      if (best == labels[row]) {
        correct++;
      }
      logLoss -= Math.log(Math.max(p[row][labels[row]], 1e-15));
    }
    double auc;
    double f1;
    if (k == 2) {
      auc = auc(p, labels, 1);
      f1 = f1(predicted, labels, 1);
    } else {
      double aucSum = 0;
      double f1Sum = 0;
      for (int c = 0; c < k; c++) {
        aucSum += auc(p, labels, c);
        f1Sum += f1(predicted, labels, c);
      }
      auc = aucSum / k;
      f1 = f1Sum / k;
    }
    return new Metrics(n, (double) correct / n, logLoss / n, auc, f1);
  }

  /** AUC of class {@code c} against the rest, by ranks (Mann-Whitney U), ties counted half. */
  static double auc(double[][] p, int[] labels, int c) {
    int n = labels.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(p[a][c], p[b][c]));
    double rankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && p[order[j + 1]][c] == p[order[i]][c]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        if (labels[order[t]] == c) {
          rankSum += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  static double f1(int[] predicted, int[] labels, int c) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == c && labels[i] == c) {
        tp++;
      } else if (predicted[i] == c) {
        fp++;
      } else if (labels[i] == c) {
        fn++;
      }
    }
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }
}
