package io.truststram.ml.model;

import java.util.List;

/**
 * Classifiers by name ({@code logistic}, {@code softmax}, {@code mlp}), as configurations and
 * federations name them: one place that checks a shape and builds the model.
 */
public final class Classifiers {

  private Classifiers() {}

  /**
   * The number of parameters of a {@code kind} model of this shape, computed without building it.
   *
   * @throws IllegalArgumentException for an unknown kind or an impossible shape, saying which
   */
  public static long parameterCount(String kind, int inputs, int classes, List<Integer> hidden) {
    if (inputs < 1 || classes < 2) {
      throw new IllegalArgumentException("a model needs at least 1 input and 2 classes");
    }
    if (!kind.equals("mlp") && !hidden.isEmpty()) {
      throw new IllegalArgumentException("only an mlp has hidden layers");
    }
    return switch (kind) {
      case "logistic" -> {
        if (classes != 2) {
          throw new IllegalArgumentException(
              "a logistic model has exactly 2 classes, not " + classes);
        }
        yield inputs + 1L;
      }
      case "softmax" -> (long) inputs * classes + classes;
      case "mlp" -> {
        long count = 0;
        long previous = inputs;
        for (int width : hidden) {
          if (width < 1) {
            throw new IllegalArgumentException("hidden layers must have at least one unit");
          }
          count += previous * width + width;
          previous = width;
        }
        yield count + previous * classes + classes;
      }
      default ->
          throw new IllegalArgumentException(
              "the model kind must be logistic, softmax or mlp, not '" + kind + "'");
    };
  }

  /**
   * A {@code kind} model of this shape.
   *
   * @throws IllegalArgumentException for an unknown kind, an impossible shape, or more parameters
   *     than one array holds
   */
  public static Classifier create(String kind, int inputs, int classes, List<Integer> hidden) {
    long parameters = parameterCount(kind, inputs, classes, hidden);
    if (parameters > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "the model would have " + parameters + " parameters, more than one array holds");
    }
    return switch (kind) {
      case "logistic" -> new LogisticRegression(inputs);
      case "softmax" -> new SoftmaxRegression(inputs, classes);
      default -> new Mlp(inputs, hidden.stream().mapToInt(Integer::intValue).toArray(), classes);
    };
  }
}
