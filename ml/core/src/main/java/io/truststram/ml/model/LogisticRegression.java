package io.truststram.ml.model;

import io.truststram.ml.data.Dataset;
import io.truststram.ml.tensor.Kernels;

/**
 * Binary logistic regression: {@code P(class 1) = σ(x·w + b)}. Parameters: w (one per input) then
 * b.
 */
public final class LogisticRegression implements Classifier {

  private final int inputs;

  public LogisticRegression(int inputs) {
    if (inputs < 1) {
      throw new IllegalArgumentException("needs at least one input");
    }
    this.inputs = inputs;
  }

  @Override
  public int parameterCount() {
    return inputs + 1;
  }

  @Override
  public int inputs() {
    return inputs;
  }

  @Override
  public int classes() {
    return 2;
  }

  @Override
  public float[] initialParameters(long seed) {
    return new float[parameterCount()];
  }

  @Override
  public double lossAndGradient(float[] w, Dataset data, int[] rows, float[] gradient) {
    java.util.Arrays.fill(gradient, 0f);
    float[] x = data.features();
    double loss = 0;
    for (int row : rows) {
      double z = w[inputs];
      int base = row * inputs;
      for (int j = 0; j < inputs; j++) {
        z += x[base + j] * w[j];
      }
      int y = data.labels()[row];
      // log(1 + e^z) - y z, computed stably.
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y * z;
      double error = Activations.sigmoid(z) - y;
      for (int j = 0; j < inputs; j++) {
        gradient[j] += (float) (error * x[base + j]);
      }
      gradient[inputs] += (float) error;
    }
    Kernels.scale(1f / rows.length, gradient);
    return loss / rows.length;
  }

  @Override
  public void probabilities(float[] w, Dataset data, int row, double[] out) {
    double z = w[inputs];
    int base = row * inputs;
    float[] x = data.features();
    for (int j = 0; j < inputs; j++) {
      z += x[base + j] * w[j];
    }
    out[1] = Activations.sigmoid(z);
    out[0] = 1 - out[1];
  }

  @Override
  public void probabilities(float[] w, double[] x, double[] out) {
    out[1] = Activations.sigmoid(logit(w, x));
    out[0] = 1 - out[1];
  }

  @Override
  public void inputGradient(
      float[] w, double[] x, int output, double[] probabilities, double[] gradient) {
    probabilities(w, x, probabilities);
    // dσ(z)/dx = σ(z)(1 − σ(z)) w; class 0's probability moves the other way.
    double scale = probabilities[1] * probabilities[0] * (output == 1 ? 1 : -1);
    for (int j = 0; j < inputs; j++) {
      gradient[j] = scale * w[j];
    }
  }

  private double logit(float[] w, double[] x) {
    if (x.length != inputs) {
      throw new IllegalArgumentException(x.length + " inputs for a model of " + inputs);
    }
    double z = w[inputs];
    for (int j = 0; j < inputs; j++) {
      z += x[j] * w[j];
    }
    return z;
  }

  @Override
  public String describe() {
    return "logistic(" + inputs + ")";
  }
}
