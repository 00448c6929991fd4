package io.truststram.ml.model;

/** Numerically stable activation functions. */
public final class Activations {

  private Activations() {}

  /** Replaces logits by their softmax, shifting by the maximum first so nothing overflows. */
  public static void softmaxInPlace(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.exp(logits[i] - max);
      sum += logits[i];
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] /= sum;
    }
  }

  /** The logistic function, without overflow for large |z|. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }
}
