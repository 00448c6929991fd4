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
   * The model a {@link Classifier#describe()} text describes: {@code logistic(108)}, {@code
   * softmax(108 -> 2)}, {@code mlp(108 -> 32 -> 2)}, as model files record it.
   *
   * @throws IllegalArgumentException for any other text, saying what was expected
   */
  public static Classifier fromDescription(String description) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("(logistic|softmax|mlp)\\(([0-9 >-]+)\\)")
            .matcher(description.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "the model description is logistic(n), softmax(n -> k) or mlp(n -> ... -> k), not '"
              + description
              + "'");
    }
    String kind = matcher.group(1);
    int[] sizes;
    try {
      sizes =
          java.util.Arrays.stream(matcher.group(2).split("->"))
              .map(String::strip)
              .mapToInt(Integer::parseInt)
              .toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the layer sizes in '" + description + "' are not numbers");
    }
    if (kind.equals("logistic")) {
      if (sizes.length != 1) {
        throw new IllegalArgumentException("logistic(n) has one size, not '" + description + "'");
      }
      return create(kind, sizes[0], 2, List.of());
    }
    if (sizes.length < 2 || (kind.equals("softmax") && sizes.length != 2)) {
      throw new IllegalArgumentException("'" + description + "' has too few or too many sizes");
    }
    List<Integer> hidden = new java.util.ArrayList<>();
    for (int i = 1; i < sizes.length - 1; i++) {
      hidden.add(sizes[i]);
    }
    return create(kind, sizes[0], sizes[sizes.length - 1], hidden);
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
