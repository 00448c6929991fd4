package io.truststram.ml.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text fields read from a CSV file (RFC 4180 quoting; fields trimmed), with their column
 * names: from the first line, or given when the file has no header. Every row must have as many
 * fields as there are columns; a line that does not is an error naming the line.
 *
 * @param columns the column names
 * @param rows the rows, each with one field per column
 */
public record CsvTable(List<String> columns, List<String[]> rows) {

  public CsvTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /**
   * How to read a file.
   *
   * @param delimiter the field separator
   * @param header whether the first line names the columns
   * @param commentPrefix lines starting with it are skipped (empty: none are)
   */
  public record Format(char delimiter, boolean header, String commentPrefix) {
    /** Comma-separated, with a header line. */
    public static final Format CSV = new Format(',', true, "");
  }

  /** Reads {@code reader} whole; {@code columns} names them when the format has no header. */
  public static CsvTable read(Reader reader, Format format, List<String> columns)
      throws IOException {
    BufferedReader lines = new BufferedReader(reader);
    List<String> names = columns;
    List<String[]> rows = new ArrayList<>();
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()
          || (!format.commentPrefix().isEmpty() && line.startsWith(format.commentPrefix()))) {
        continue;
      }
      List<String> fields = split(line, format.delimiter(), number);
      if (format.header() && names.isEmpty()) {
        names = fields;
        continue;
      }
      if (fields.size() != names.size()) {
        throw new IllegalArgumentException(
            "line " + number + " has " + fields.size() + " fields; expected " + names.size());
      }
      rows.add(fields.toArray(String[]::new));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no header and no column names");
    }
    return new CsvTable(names, rows);
  }

  /** The index of column {@code name}. */
  public int indexOf(String name) {
    int index = columns.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("no column " + name + " in " + columns);
    }
    return index;
  }

  /** Every row's value of column {@code name}. */
  public String[] column(String name) {
    int index = indexOf(name);
    String[] values = new String[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = rows.get(i)[index];
    }
    return values;
  }

  private static List<String> split(String line, char delimiter, int number) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"' && field.toString().isBlank()) {
        quoted = true;
        wasQuoted = true;
        field.setLength(0);
      } else if (c == delimiter) {
        fields.add(wasQuoted ? field.toString() : field.toString().strip());
        field.setLength(0);
        wasQuoted = false;
      } else if (!wasQuoted) {
        field.append(c);
      } else if (!Character.isWhitespace(c)) {
        throw new IllegalArgumentException("line " + number + ": text after a closing quote");
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("line " + number + ": a quote is never closed");
    }
    fields.add(wasQuoted ? field.toString() : field.toString().strip());
    return fields;
  }
}
