package io.truststram.ml.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The Synthetic(α, β) federated data of FedProx (Li et al., MLSys 2020), generated as its reference
 * code does: each device k has its own softmax model and its own input distribution, so that α
 * controls how much the models differ between devices and β how much the inputs do.
 *
 * <ul>
 *   <li>samples per device: {@code int(LogNormal(4, 2)) + 50}, split 90/10 into train and test;
 *   <li>u_k ~ N(0, α); W_k ~ N(u_k, 1) element-wise (60 × 10); b_k ~ N(u_k, 1);
 *   <li>B_k ~ N(0, β); v_k,j ~ N(B_k, 1); x ~ N(v_k, Σ) with Σ diagonal, Σ_jj = j^(-1.2);
 *   <li>y = argmax(softmax(x W_k + b_k)).
 * </ul>
 *
 * <p>Synthetic-IID shares one W and b (element-wise N(0, 1)) between devices and sets v = 0. Normal
 * distributions are given by their standard deviation, as numpy's are.
 */
public final class Synthetic {

  public static final int DIMENSION = 60;
  public static final int CLASSES = 10;

  private Synthetic() {}

  /** One device's data. */
  public record Device(Dataset train, Dataset test) {}

  /** Synthetic(α, β) for {@code devices} devices (the paper uses 30). */
  public static List<Device> generate(double alpha, double beta, int devices, long seed) {
    return generate(alpha, beta, devices, seed, false);
  }

  /** Synthetic-IID for {@code devices} devices. */
  public static List<Device> generateIid(int devices, long seed) {
    return generate(0, 0, devices, seed, true);
  }

  private static List<Device> generate(
      double alpha, double beta, int devices, long seed, boolean iid) {
    if (devices < 1 || alpha < 0 || beta < 0) {
      throw new IllegalArgumentException("devices must be positive and α, β not negative");
    }
    Random random = new Random(seed);
    int[] samples = new int[devices];
    for (int k = 0; k < devices; k++) {
      samples[k] = (int) Math.exp(4 + 2 * random.nextGaussian()) + 50;
    }
    double[] meanW = new double[devices];
    double[] meanX = new double[devices];
    for (int k = 0; k < devices; k++) {
      meanW[k] = alpha * random.nextGaussian();
    }
    for (int k = 0; k < devices; k++) {
      meanX[k] = beta * random.nextGaussian();
    }
    double[] std = new double[DIMENSION];
    for (int j = 0; j < DIMENSION; j++) {
      std[j] = Math.sqrt(Math.pow(j + 1, -1.2));
    }
    double[][] v = new double[devices][DIMENSION];
    if (!iid) {
      for (int k = 0; k < devices; k++) {
        for (int j = 0; j < DIMENSION; j++) {
          v[k][j] = meanX[k] + random.nextGaussian();
        }
      }
    }
    double[] sharedW = iid ? normal(random, 0, DIMENSION * CLASSES) : null;
    double[] sharedB = iid ? normal(random, 0, CLASSES) : null;
    List<String> features = IntStream.range(0, DIMENSION).mapToObj(j -> "x" + j).toList();
    List<String> classes = IntStream.range(0, CLASSES).mapToObj(c -> "class " + c).toList();
    List<Device> out = new ArrayList<>(devices);
    for (int k = 0; k < devices; k++) {
      double[] w = iid ? sharedW : normal(random, meanW[k], DIMENSION * CLASSES);
      double[] b = iid ? sharedB : normal(random, meanW[k], CLASSES);
      int n = samples[k];
      float[] x = new float[n * DIMENSION];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < DIMENSION; j++) {
          x[i * DIMENSION + j] = (float) (v[k][j] + std[j] * random.nextGaussian());
        }
        y[i] = argmax(x, i, w, b);
      }
      Dataset all = new Dataset(x, y, features, classes);
      int trainRows = (int) (0.9 * n);
      out.add(
          new Device(
              all.subset(IntStream.range(0, trainRows).toArray()),
              all.subset(IntStream.range(trainRows, n).toArray())));
    }
    return out;
  }

  /** The class of largest logit (softmax is monotone, so argmax of the logits is the same). */
  private static int argmax(float[] x, int row, double[] w, double[] b) {
    int best = 0;
    double bestLogit = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < CLASSES; c++) {
      double logit = b[c];
      for (int j = 0; j < DIMENSION; j++) {
        logit += x[row * DIMENSION + j] * w[j * CLASSES + c];
      }
      if (logit > bestLogit) {
        bestLogit = logit;
        best = c;
      }
    }
    return best;
  }

  private static double[] normal(Random random, double mean, int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = mean + random.nextGaussian();
    }
    return values;
  }
}
