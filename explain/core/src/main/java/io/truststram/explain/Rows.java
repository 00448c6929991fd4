package io.truststram.explain;

import io.truststram.ml.data.CsvTable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Rows for a model from a CSV table, checked, and their hash for provenance. */
public final class Rows {

  private Rows() {}

  /**
   * The table's rows as the model's {@code features}, in the model's order. When the model's
   * feature names are its own (not the generated f0, f1, …), the table's columns must be exactly
   * those names, in any order; otherwise it must have one column per feature, in order. An empty
   * field, {@code NA} or {@code NaN} is a missing value (NaN).
   *
   * @param what the table's role, for messages ("the data", "the background")
   * @throws IllegalArgumentException naming the column, row and value at fault: a column the model
   *     does not have or lacks, a field that is not a number, an infinite value, or no rows
   */
  public static double[][] read(CsvTable table, List<String> features, String what) {
    return read(table, features, what, java.util.Set.of());
  }

  /**
   * As {@link #read(CsvTable, List, String)}, with {@code ignored} columns (a label, a weight)
   * allowed beside the features.
   */
  public static double[][] read(
      CsvTable table, List<String> features, String what, java.util.Set<String> ignored) {
    int m = features.size();
    int[] source = new int[m];
    boolean generated = true;
    for (int i = 0; i < m; i++) {
      generated &= features.get(i).equals("f" + i);
    }
    List<String> columns = table.columns().stream().filter(c -> !ignored.contains(c)).toList();
    if (generated && !columns.containsAll(features)) {
      if (columns.size() != m) {
        throw new IllegalArgumentException(
            what + " has " + columns.size() + " columns; the model takes " + m + " features");
      }
      for (int i = 0; i < m; i++) {
        // By position among the columns that are not ignored.
        source[i] = table.columns().indexOf(columns.get(i));
      }
    } else {
      for (String column : columns) {
        if (!features.contains(column)) {
          throw new IllegalArgumentException(
              what + " has a column '" + column + "' that is not one of the model's features");
        }
      }
      for (int i = 0; i < m; i++) {
        int at = table.columns().indexOf(features.get(i));
        if (at < 0) {
          throw new IllegalArgumentException(
              what + " lacks the model's feature '" + features.get(i) + "'");
        }
        source[i] = at;
      }
    }
    if (table.rows().isEmpty()) {
      throw new IllegalArgumentException(what + " has no rows");
    }
    double[][] out = new double[table.rows().size()][m];
    for (int r = 0; r < out.length; r++) {
      String[] fields = table.rows().get(r);
      for (int i = 0; i < m; i++) {
        out[r][i] = number(fields[source[i]], what, r + 1, features.get(i));
      }
    }
    return out;
  }

  private static double number(String field, String what, int row, String feature) {
    String text = field.strip();
    String lower = text.toLowerCase(Locale.ROOT);
    if (text.isEmpty() || lower.equals("na") || lower.equals("nan")) {
      return Double.NaN;
    }
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          what + ", row " + row + ", '" + feature + "': '" + text + "' is not a number");
    }
    if (Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          what + ", row " + row + ", '" + feature + "': infinite values are not taken");
    }
    return value;
  }

  /** SHA-256 of rows (their values as IEEE doubles, row after row), in hex. */
  public static String sha256(double[][] rows) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[8];
      for (double[] row : rows) {
        for (double v : row) {
          long bits = Double.doubleToLongBits(v);
          for (int b = 0; b < 8; b++) {
            buffer[b] = (byte) (bits >>> (56 - 8 * b));
          }
          digest.update(buffer);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
