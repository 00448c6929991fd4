package io.truststram.explain.counterfactual;

/** The outcome a counterfactual must reach. */
public sealed interface Desired {

  /** Whether {@code outputs} (one row's) reach the outcome. */
  boolean reached(double[] outputs);

  /** How far {@code outputs} are from the outcome: 0 when reached, growing with the distance. */
  double shortfall(double[] outputs);

  /**
   * The target of a smooth loss on output {@code output()}: Wachter et al.'s (f(x') − y')².
   *
   * @return {output index, target value}
   */
  double[] target(int outputs);

  /** A short description for results and errors. */
  String describe();

  /**
   * The class a binary model's row does not have: with one output (a probability or a margin),
   * class 0 at or above {@code threshold} and 1 below; with two, the smaller one.
   *
   * @throws IllegalArgumentException for a model of more than two classes (name the class then)
   */
  static Desired opposite(double[] outputs, double threshold) {
    if (outputs.length == 1) {
      return new Class(outputs[0] >= threshold ? 0 : 1, threshold);
    }
    if (outputs.length == 2) {
      return new Class(outputs[1] > outputs[0] ? 0 : 1, threshold);
    }
    throw new IllegalArgumentException(
        "the model has " + outputs.length + " classes: say which class is asked for");
  }

  /**
   * A class: with several outputs, the one of index {@code cls} must be the largest; with one
   * output (a probability or a margin), class 1 is an output at or above {@code threshold} and
   * class 0 below it.
   */
  record Class(int cls, double threshold) implements Desired {
    public Class {
      if (cls < 0) {
        throw new IllegalArgumentException("the desired class is not negative");
      }
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("the decision threshold is finite");
      }
    }

    @Override
    public boolean reached(double[] outputs) {
      return shortfall(outputs) == 0 && (outputs.length > 1 || cls == 1 || outputs[0] < threshold);
    }

    @Override
    public double shortfall(double[] outputs) {
      if (outputs.length == 1) {
        if (cls > 1) {
          throw new IllegalArgumentException("a one-output model has classes 0 and 1");
        }
        return cls == 1 ? Math.max(0, threshold - outputs[0]) : Math.max(0, outputs[0] - threshold);
      }
      if (cls >= outputs.length) {
        throw new IllegalArgumentException(
            "class " + cls + " of a model of " + outputs.length + " outputs");
      }
      double best = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < outputs.length; c++) {
        if (c != cls) {
          best = Math.max(best, outputs[c]);
        }
      }
      // A tie is not a decision for the class: the shortfall is then positive but tiny.
      double gap = best - outputs[cls];
      return gap < 0 ? 0 : gap + 1e-12;
    }

    @Override
    public double[] target(int outputs) {
      if (outputs == 1) {
        return new double[] {0, cls == 1 ? Math.max(1, threshold + 1) : Math.min(0, threshold - 1)};
      }
      return new double[] {cls, 1};
    }

    @Override
    public String describe() {
      return "class " + cls;
    }
  }

  /** Output {@code output} within [low, high]. */
  record Range(int output, double low, double high) implements Desired {
    public Range {
      if (output < 0 || !(low <= high) || Double.isNaN(low) || Double.isNaN(high)) {
        throw new IllegalArgumentException("a desired range is low <= high of an output >= 0");
      }
    }

    @Override
    public boolean reached(double[] outputs) {
      return shortfall(outputs) == 0;
    }

    @Override
    public double shortfall(double[] outputs) {
      if (output >= outputs.length) {
        throw new IllegalArgumentException(
            "output " + output + " of a model of " + outputs.length + " outputs");
      }
      double y = outputs[output];
      return y < low ? low - y : y > high ? y - high : 0;
    }

    @Override
    public double[] target(int outputs) {
      double mid =
          Double.isInfinite(low) ? high - 1 : Double.isInfinite(high) ? low + 1 : (low + high) / 2;
      return new double[] {output, mid};
    }

    @Override
    public String describe() {
      return "output " + output + " in [" + low + ", " + high + "]";
    }
  }
}
