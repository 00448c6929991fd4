package io.truststram.ml.data;

import java.util.List;
import java.util.Objects;

/**
 * Examples ready for training: a row-major matrix of {@code float} features, one integer class
 * label per row, and the names of the feature columns (after one-hot encoding).
 *
 * @param features {@code rows × columns} values, row after row
 * @param labels each row's class, in {@code 0 .. classes - 1}
 * @param featureNames one name per feature column, e.g. {@code age} or {@code sex=Female}
 * @param classNames one name per class, e.g. {@code <=50K}, {@code >50K}
 */
public record Dataset(
    float[] features, int[] labels, List<String> featureNames, List<String> classNames) {

  public Dataset {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    featureNames = List.copyOf(featureNames);
    classNames = List.copyOf(classNames);
    if (featureNames.isEmpty() && features.length > 0) {
      throw new IllegalArgumentException("features without feature names");
    }
    if (!featureNames.isEmpty() && features.length != labels.length * featureNames.size()) {
      throw new IllegalArgumentException(
          features.length
              + " feature values do not make "
              + labels.length
              + " rows of "
              + featureNames.size());
    }
    for (int label : labels) {
      if (label < 0 || label >= classNames.size()) {
        throw new IllegalArgumentException(
            "label " + label + " outside 0.." + (classNames.size() - 1));
      }
    }
  }

  /** The number of examples. */
  public int rows() {
    return labels.length;
  }

  /** The number of features per example. */
  public int columns() {
    return featureNames.size();
  }

  /** The number of classes. */
  public int classes() {
    return classNames.size();
  }

  /** Row {@code row}'s features (a copy). */
  public float[] row(int row) {
    float[] out = new float[columns()];
    System.arraycopy(features, row * columns(), out, 0, columns());
    return out;
  }

  /** The examples at {@code indices}, in that order (a copy). */
  public Dataset subset(int[] indices) {
    int d = columns();
    float[] x = new float[indices.length * d];
    int[] y = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(features, indices[i] * d, x, i * d, d);
      y[i] = labels[indices[i]];
    }
    return new Dataset(x, y, featureNames, classNames);
  }

  /** How many examples each class has. */
  public int[] classCounts() {
    int[] counts = new int[classes()];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }
}
