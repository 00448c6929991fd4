package io.truststram.ml.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns text tables into {@link Dataset}s by a {@link Schema}, with every statistic fitted on the
 * training table only: numeric columns are standardised by the training mean and standard deviation
 * (missing values become the training mean, so 0 after standardising), categorical columns become
 * one-hot indicators of the categories seen in training (a missing or unseen value sets none of
 * them), and the label column's classes are those seen in training.
 */
public final class TabularEncoder {

  /** A column's role in a table. */
  public sealed interface Column {
    String name();
  }

  /** A number, standardised. */
  public record Numeric(String name) implements Column {}

  /** One of a set of values, one-hot encoded. */
  public record Categorical(String name) implements Column {}

  /**
   * The class; {@code stripSuffix} is removed from values first (Adult's test labels end in ".").
   */
  public record Label(String name, String stripSuffix) implements Column {}

  /** A column left out. */
  public record Ignored(String name) implements Column {}

  /**
   * The columns' roles, in any order, and the values that mean "missing".
   *
   * @param columns one entry per column used; columns of the table not listed are ignored
   * @param missing values that mean missing, e.g. {@code ?} or the empty string
   */
  public record Schema(List<Column> columns, Set<String> missing) {
    public Schema {
      columns = List.copyOf(columns);
      missing = Set.copyOf(missing);
      long labels = columns.stream().filter(c -> c instanceof Label).count();
      if (labels != 1) {
        throw new IllegalArgumentException("a schema needs exactly one label column");
      }
    }

    Label label() {
      return (Label) columns.stream().filter(c -> c instanceof Label).findFirst().orElseThrow();
    }
  }

  private final Schema schema;
  private final Map<String, double[]> standardisation = new TreeMap<>();
  private final Map<String, List<String>> categories = new TreeMap<>();
  private final List<String> classes;
  private final List<String> featureNames = new ArrayList<>();

  private TabularEncoder(Schema schema, CsvTable training) {
    this.schema = schema;
    for (Column column : schema.columns()) {
      String[] values = training.column(column.name());
      switch (column) {
        case Numeric numeric -> {
          double sum = 0;
          int count = 0;
          for (String value : values) {
            if (!schema.missing().contains(value)) {
              sum += parse(numeric.name(), value);
              count++;
            }
          }
          double mean = count == 0 ? 0 : sum / count;
          double squares = 0;
          for (String value : values) {
            if (!schema.missing().contains(value)) {
              double d = parse(numeric.name(), value) - mean;
              squares += d * d;
            }
          }
          double std = count < 2 ? 1 : Math.sqrt(squares / (count - 1));
          standardisation.put(numeric.name(), new double[] {mean, std == 0 ? 1 : std});
          featureNames.add(numeric.name());
        }
        case Categorical categorical -> {
          Set<String> seen = new TreeSet<>();
          for (String value : values) {
            if (!schema.missing().contains(value)) {
              seen.add(value);
            }
          }
          categories.put(categorical.name(), List.copyOf(seen));
          seen.forEach(value -> featureNames.add(categorical.name() + "=" + value));
        }
        case Label label -> {
          // handled below, once
        }
        case Ignored ignored -> {
          // nothing to learn
        }
      }
    }
    Label label = schema.label();
    Set<String> seen = new TreeSet<>();
    for (String value : training.column(label.name())) {
      seen.add(labelValue(label, value));
    }
    this.classes = List.copyOf(seen);
    if (classes.size() < 2) {
      throw new IllegalArgumentException("the training labels hold fewer than two classes");
    }
  }

  /** Fits the encoder's statistics on {@code training}. */
  public static TabularEncoder fit(Schema schema, CsvTable training) {
    return new TabularEncoder(schema, training);
  }

  /** The feature names, in column order: numeric names and {@code name=value} indicators. */
  public List<String> featureNames() {
    return List.copyOf(featureNames);
  }

  /** The class names, sorted; a label's index is its position here. */
  public List<String> classes() {
    return classes;
  }

  /**
   * Encodes {@code table} with the fitted statistics.
   *
   * @throws IllegalArgumentException for a row whose label is missing or was not seen in training,
   *     or whose number does not parse
   */
  public Dataset transform(CsvTable table) {
    int d = featureNames.size();
    int n = table.rows().size();
    float[] x = new float[n * d];
    int[] y = new int[n];
    Label label = schema.label();
    int labelIndex = table.indexOf(label.name());
    List<int[]> layout = new ArrayList<>();
    int offset = 0;
    for (Column column : schema.columns()) {
      if (column instanceof Numeric || column instanceof Categorical) {
        layout.add(new int[] {table.indexOf(column.name()), offset});
        offset += column instanceof Numeric ? 1 : categories.get(column.name()).size();
      }
    }
    List<Column> featureColumns =
        schema.columns().stream()
            .filter(c -> c instanceof Numeric || c instanceof Categorical)
            .toList();
    for (int row = 0; row < n; row++) {
      String[] fields = table.rows().get(row);
      String value = labelValue(label, fields[labelIndex]);
      int cls = classes.indexOf(value);
      if (cls < 0) {
        throw new IllegalArgumentException(
            "row " + (row + 1) + ": label '" + value + "' was not seen in training");
      }
      y[row] = cls;
      for (int c = 0; c < featureColumns.size(); c++) {
        Column column = featureColumns.get(c);
        String field = fields[layout.get(c)[0]];
        int at = row * d + layout.get(c)[1];
        if (column instanceof Numeric) {
          double[] stats = standardisation.get(column.name());
          double v = schema.missing().contains(field) ? stats[0] : parse(column.name(), field);
          x[at] = (float) ((v - stats[0]) / stats[1]);
        } else {
          int category = categories.get(column.name()).indexOf(field);
          if (category >= 0) {
            x[at + category] = 1f;
          }
        }
      }
    }
    return new Dataset(x, y, featureNames, classes);
  }

  private String labelValue(Label label, String value) {
    if (schema.missing().contains(value)) {
      throw new IllegalArgumentException("a row has no label (" + label.name() + ")");
    }
    return !label.stripSuffix().isEmpty() && value.endsWith(label.stripSuffix())
        ? value.substring(0, value.length() - label.stripSuffix().length())
        : value;
  }

  private static double parse(String column, String value) {
    try {
      double v = Double.parseDouble(value);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "column " + column + ": '" + value + "' is not a finite number");
    }
  }
}
