package io.truststram.federation.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads an analysis's parameters (parsed JSON), with errors that name the field. */
final class Specs {

  private Specs() {}

  /** A list of non-blank strings under {@code field}, required. */
  static List<String> strings(Map<String, Object> spec, String field) {
    Object value = spec.get(field);
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException("'" + field + "' is a non-empty list of names");
    }
    return names(list, field);
  }

  /** An object of lists of non-blank strings under {@code field}, required. */
  static Map<String, List<String>> stringLists(Map<String, Object> spec, String field) {
    Object value = spec.get(field);
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "'" + field + "' is an object: each name with its list of values");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      if (!(entry.getValue() instanceof List<?> list)) {
        throw new IllegalArgumentException("'" + field + "." + key + "' is a list of values");
      }
      out.put(key, names(list, field + "." + key));
    }
    return out;
  }

  /** A string under {@code field}, or {@code fallback} when absent. */
  static String string(Map<String, Object> spec, String field, String fallback) {
    String value = optionalString(spec, field);
    return value == null ? fallback : value;
  }

  static @Nullable String optionalString(Map<String, Object> spec, String field) {
    Object value = spec.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is a non-blank string");
    }
    return text;
  }

  /** A whole number under {@code field} within [min, max], or {@code fallback} when absent. */
  static int integer(Map<String, Object> spec, String field, int fallback, int min, int max) {
    Object value = spec.get(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer number) || number < min || number > max) {
      throw new IllegalArgumentException(
          "'" + field + "' is a whole number from " + min + " to " + max);
    }
    return number;
  }

  private static List<String> names(List<?> list, String field) {
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String text) || text.isBlank() || text.length() > 200) {
        throw new IllegalArgumentException(
            "'" + field + "' holds non-blank strings of at most 200 characters");
      }
      out.add(text);
    }
    return out;
  }
}
