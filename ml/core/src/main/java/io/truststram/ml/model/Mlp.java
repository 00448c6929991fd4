package io.truststram.ml.model;

import io.truststram.ml.data.Dataset;
import io.truststram.ml.tensor.Kernels;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A multilayer perceptron: fully connected layers with ReLU between them and softmax at the end.
 * Parameters, layer after layer: W (fan-in × fan-out, row-major) then b.
 */
public final class Mlp implements Classifier {

  private final int[] sizes;
  private final int[] weightOffsets;
  private final int[] biasOffsets;
  private final int parameterCount;

  /** An MLP from {@code inputs} through {@code hidden} layers to {@code classes} outputs. */
  public Mlp(int inputs, int[] hidden, int classes) {
    if (inputs < 1 || classes < 2 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
      throw new IllegalArgumentException("layer sizes must be positive, with two classes or more");
    }
    sizes =
        IntStream.concat(
                IntStream.concat(IntStream.of(inputs), Arrays.stream(hidden)),
                IntStream.of(classes))
            .toArray();
    int layers = sizes.length - 1;
    weightOffsets = new int[layers];
    biasOffsets = new int[layers];
    int offset = 0;
    for (int l = 0; l < layers; l++) {
      weightOffsets[l] = offset;
      offset = Math.addExact(offset, Math.multiplyExact(sizes[l], sizes[l + 1]));
      biasOffsets[l] = offset;
      offset += sizes[l + 1];
    }
    parameterCount = offset;
  }

  @Override
  public int parameterCount() {
    return parameterCount;
  }

  @Override
  public int inputs() {
    return sizes[0];
  }

  @Override
  public int classes() {
    return sizes[sizes.length - 1];
  }

  /** He initialisation (normal, variance 2 / fan-in) for weights; zero biases. */
  @Override
  public float[] initialParameters(long seed) {
    Random random = new Random(seed);
    float[] w = new float[parameterCount];
    for (int l = 0; l < sizes.length - 1; l++) {
      double std = Math.sqrt(2.0 / sizes[l]);
      for (int i = 0; i < sizes[l] * sizes[l + 1]; i++) {
        w[weightOffsets[l] + i] = (float) (std * random.nextGaussian());
      }
    }
    return w;
  }

  @Override
  public double lossAndGradient(float[] w, Dataset data, int[] rows, float[] gradient) {
    Arrays.fill(gradient, 0f);
    int layers = sizes.length - 1;
    double[][] activations = new double[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      activations[l] = new double[sizes[l]];
    }
    double[][] deltas = new double[sizes.length][];
    for (int l = 1; l < sizes.length; l++) {
      deltas[l] = new double[sizes[l]];
    }
    double loss = 0;
    for (int row : rows) {
      forward(w, data, row, activations);
      double[] output = activations[layers];
      int label = data.labels()[row];
      loss -= Math.log(Math.max(output[label], 1e-300));
      System.arraycopy(output, 0, deltas[layers], 0, output.length);
      deltas[layers][label] -= 1;
      for (int l = layers - 1; l >= 0; l--) {
        int in = sizes[l];
        int out = sizes[l + 1];
        double[] a = activations[l];
        double[] delta = deltas[l + 1];
        for (int i = 0; i < in; i++) {
          double ai = a[i];
          if (ai != 0) {
            int at = weightOffsets[l] + i * out;
            for (int o = 0; o < out; o++) {
              gradient[at + o] += (float) (ai * delta[o]);
            }
          }
        }
        for (int o = 0; o < out; o++) {
          gradient[biasOffsets[l] + o] += (float) delta[o];
        }
        if (l > 0) {
          double[] previous = deltas[l];
          for (int i = 0; i < in; i++) {
            if (a[i] <= 0) {
              previous[i] = 0; // ReLU's derivative
              continue;
            }
            double sum = 0;
            int at = weightOffsets[l] + i * out;
            for (int o = 0; o < out; o++) {
              sum += w[at + o] * delta[o];
            }
            previous[i] = sum;
          }
        }
      }
    }
    Kernels.scale(1f / rows.length, gradient);
    return loss / rows.length;
  }

  @Override
  public void probabilities(float[] w, Dataset data, int row, double[] out) {
    double[][] activations = new double[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      activations[l] = new double[sizes[l]];
    }
    forward(w, data, row, activations);
    System.arraycopy(activations[sizes.length - 1], 0, out, 0, out.length);
  }

  @Override
  public void probabilities(float[] w, double[] x, double[] out) {
    double[][] activations = activations(x);
    forward(w, activations);
    System.arraycopy(activations[sizes.length - 1], 0, out, 0, out.length);
  }

  @Override
  public void inputGradient(
      float[] w, double[] x, int output, double[] probabilities, double[] gradient) {
    double[][] activations = activations(x);
    forward(w, activations);
    int layers = sizes.length - 1;
    double[] p = activations[layers];
    System.arraycopy(p, 0, probabilities, 0, p.length);
    // d p_k / d z_o = p_k (δ_ko − p_o) at the softmax, then back through the layers.
    double[] delta = new double[p.length];
    for (int o = 0; o < p.length; o++) {
      delta[o] = p[output] * ((o == output ? 1 : 0) - p[o]);
    }
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      double[] previous = new double[in];
      for (int i = 0; i < in; i++) {
        if (l > 0 && activations[l][i] <= 0) {
          continue; // an inactive ReLU passes nothing back
        }
        double sum = 0;
        int at = weightOffsets[l] + i * out;
        for (int o = 0; o < out; o++) {
          sum += w[at + o] * delta[o];
        }
        previous[i] = sum;
      }
      delta = previous;
    }
    System.arraycopy(delta, 0, gradient, 0, delta.length);
  }

  private double[][] activations(double[] x) {
    if (x.length != sizes[0]) {
      throw new IllegalArgumentException(x.length + " inputs for a model of " + sizes[0]);
    }
    double[][] activations = new double[sizes.length][];
    activations[0] = x.clone();
    for (int l = 1; l < sizes.length; l++) {
      activations[l] = new double[sizes[l]];
    }
    return activations;
  }

  private void forward(float[] w, Dataset data, int row, double[][] activations) {
    float[] x = data.features();
    int d = sizes[0];
    for (int j = 0; j < d; j++) {
      activations[0][j] = x[row * d + j];
    }
    forward(w, activations);
  }

  /** Fills every layer's activations from the input layer's. */
  private void forward(float[] w, double[][] activations) {
    int layers = sizes.length - 1;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      double[] a = activations[l];
      double[] z = activations[l + 1];
      for (int o = 0; o < out; o++) {
        z[o] = w[biasOffsets[l] + o];
      }
      for (int i = 0; i < in; i++) {
        double ai = a[i];
        if (ai != 0) {
          int at = weightOffsets[l] + i * out;
          for (int o = 0; o < out; o++) {
            z[o] += ai * w[at + o];
          }
        }
      }
      if (l < layers - 1) {
        for (int o = 0; o < out; o++) {
          z[o] = Math.max(0, z[o]);
        }
      } else {
        Activations.softmaxInPlace(z);
      }
    }
  }

  @Override
  public String describe() {
    return "mlp("
        + Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(" -> "))
        + ")";
  }
}
