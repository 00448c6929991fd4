package io.truststram.federation.strategy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strategy's parameters as text (from a federation's configuration), read with defaults; the
 * registry refuses any the strategy did not read, so that a misspelt parameter is an error rather
 * than silently ignored.
 */
public final class StrategyParameters {

  private final Map<String, String> values;
  private final Set<String> read = new HashSet<>();

  public StrategyParameters(Map<String, String> values) {
    this.values = new TreeMap<>(values);
  }

  public double number(String name, double fallback) {
    read.add(name);
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.strip());
      if (!Double.isFinite(parsed)) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number: '" + value + "'");
    }
  }

  public int integer(String name, int fallback) {
    read.add(name);
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: '" + value + "'");
    }
  }

  public String text(String name, String fallback) {
    read.add(name);
    String value = values.get(name);
    return value == null ? fallback : value;
  }

  public boolean flag(String name, boolean fallback) {
    read.add(name);
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.strip()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be true or false: '" + value + "'");
    };
  }

  /** The common ones: {@code fraction}, {@code min-clients}. */
  public Sampling sampling() {
    return new Sampling(number("fraction", 1.0), integer("min-clients", 2));
  }

  /**
   * The common ones: {@code epochs}, {@code batch-size}, {@code learning-rate}, {@code momentum},
   * {@code mu}.
   */
  public LocalTraining training(double defaultMu) {
    return new LocalTraining(
        integer("epochs", 1),
        integer("batch-size", 32),
        number("learning-rate", 0.01),
        number("momentum", 0),
        number("mu", defaultMu));
  }

  Set<String> unread() {
    Set<String> unread = new HashSet<>(values.keySet());
    unread.removeAll(read);
    return unread;
  }
}
