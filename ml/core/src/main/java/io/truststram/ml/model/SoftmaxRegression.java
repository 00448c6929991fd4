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
  public void probabilities(float[] w, double[] x, double[] out) {
    if (x.length != inputs) {
      throw new IllegalArgumentException(x.length + " inputs for a model of " + inputs);
    }
    int bias = inputs * classes;
    for (int c = 0; c < classes; c++) {
      out[c] = w[bias + c];
    }
    for (int j = 0; j < inputs; j++) {
      double xj = x[j];
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
  public void inputGradient(
      float[] w, double[] x, int output, double[] probabilities, double[] gradient) {
    probabilities(w, x, probabilities);
    // dp_k/dx_j = p_k (W[j,k] − Σ_c p_c W[j,c]).
    double pk = probabilities[output];
    for (int j = 0; j < inputs; j++) {
      int at = j * classes;
      double mean = 0;
      for (int c = 0; c < classes; c++) {
        mean += probabilities[c] * w[at + c];
      }
      gradient[j] = pk * (w[at + output] - mean);
    }
  }

  @Override
  public String describe() {
    return "softmax(" + inputs + " -> " + classes + ")";
  }
}
