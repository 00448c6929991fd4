package io.truststram.ml.model;

import io.truststram.ml.data.Dataset;
import io.truststram.ml.tensor.Kernels;

/**
 * Multinomial logistic regression: {@code p = softmax(x W + b)}. Parameters: W (inputs × classes,
 * row-major) then b. With two classes it is logistic regression written with two outputs; {@link
 * LogisticRegression} is the one-output form.
 */
public final class SoftmaxRegression implements Classifier {

  private final int inputs;
  private final int classes;

  public SoftmaxRegression(int inputs, int classes) {
    if (inputs < 1 || classes < 2) {
      throw new IllegalArgumentException("needs at least one input and two classes");
    }
    this.inputs = inputs;
    this.classes = classes;
  }

  @Override
  public int parameterCount() {
    return inputs * classes + classes;
  }

  @Override
  public int inputs() {
    return inputs;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public float[] initialParameters(long seed) {
    return new float[parameterCount()];
  }

  @Override
  public double lossAndGradient(float[] w, Dataset data, int[] rows, float[] gradient) {
    java.util.Arrays.fill(gradient, 0f);
    double[] p = new double[classes];
    double loss = 0;
    float[] x = data.features();
    int bias = inputs * classes;
    for (int row : rows) {
      probabilities(w, data, row, p);
      int label = data.labels()[row];
      loss -= Math.log(Math.max(p[label], 1e-300));
      p[label] -= 1; // d loss / d logits
      int base = row * inputs;
      for (int j = 0; j < inputs; j++) {
        float xj = x[base + j];
        if (xj != 0) {
          int at = j * classes;
          for (int c = 0; c < classes; c++) {
            gradient[at + c] += (float) (xj * p[c]);
          }
        }
      }
      for (int c = 0; c < classes; c++) {
        gradient[bias + c] += (float) p[c];
      }
    }
    Kernels.scale(1f / rows.length, gradient);
    return loss / rows.length;
  }

  @Override
  public void probabilities(float[] w, Dataset data, int row, double[] out) {
    float[] x = data.features();
    int base = row * inputs;
    int bias = inputs * classes;
    for (int c = 0; c < classes; c++) {
      out[c] = w[bias + c];
    }
    for (int j = 0; j < inputs; j++) {
      float xj = x[base + j];
      if (xj != 0) {
        int at = j * classes;
        for (int c = 0; c < classes; c++) {
          out[c] += xj * w[at + c];
        }
      }
    }
    Activations.softmaxInPlace(out);
  }

  @Override
  public String describe() {
    return "softmax(" + inputs + " -> " + classes + ")";
  }
}
