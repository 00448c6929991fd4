package io.truststram.identity.internal.policy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A test of one attribute: {@code principal.*}, {@code resource.*} or {@code request.*}.
 *
 * <ul>
 *   <li>{@code equals}, {@code notEquals}: the attribute equals the value (numbers, booleans and
 *       strings compare as text)
 *   <li>{@code in}, {@code notIn}: the attribute is one of the values (a list)
 *   <li>{@code contains}: the attribute, a list, contains the value
 *   <li>{@code present}: the attribute is set (value {@code true}) or not ({@code false})
 *   <li>{@code sameAs}: the attribute equals another attribute, named by the value
 *   <li>{@code hourBetween}: the attribute, an instant, falls between two UTC times of day {@code
 *       ["08:00", "18:00"]} (the end excluded; may wrap past midnight)
 * </ul>
 *
 * @param attribute the attribute tested, e.g. {@code resource.region}
 * @param operator one of the operators above
 * @param value what it is compared with
 */
public record Condition(String attribute, String operator, @Nullable Object value) {

  private static final Pattern ATTRIBUTE =
      Pattern.compile("(principal|resource|request)\\.[a-zA-Z][a-zA-Z0-9_]{0,40}");
  private static final List<String> OPERATORS =
      List.of("equals", "notEquals", "in", "notIn", "contains", "present", "sameAs", "hourBetween");

  public Condition {
    if (!ATTRIBUTE.matcher(attribute).matches()) {
      throw new IllegalArgumentException(
          "attribute must be principal.<name>, resource.<name> or request.<name>: " + attribute);
    }
    if (!OPERATORS.contains(operator)) {
      throw new IllegalArgumentException(
          "operator of " + attribute + " must be one of " + OPERATORS + ": " + operator);
    }
    switch (operator) {
      case "in", "notIn" -> requireList(attribute, operator, value, -1);
      case "hourBetween" -> {
        requireList(attribute, operator, value, 2);
        for (Object time : (List<?>) value) {
          LocalTime.parse(String.valueOf(time));
        }
      }
      case "present" -> {
        if (!(value instanceof Boolean)) {
          throw new IllegalArgumentException(attribute + " present needs true or false");
        }
      }
      case "sameAs" -> {
        if (!(value instanceof String other) || !ATTRIBUTE.matcher(other).matches()) {
          throw new IllegalArgumentException(attribute + " sameAs needs another attribute's name");
        }
      }
      default -> {
        if (value == null || value instanceof Map || value instanceof Collection) {
          throw new IllegalArgumentException(attribute + " " + operator + " needs a single value");
        }
      }
    }
  }

  private static void requireList(
      String attribute, String operator, @Nullable Object value, int size) {
    if (!(value instanceof List<?> list) || list.isEmpty() || (size > 0 && list.size() != size)) {
      throw new IllegalArgumentException(
          attribute + " " + operator + " needs a list" + (size > 0 ? " of " + size : ""));
    }
  }

  /** Whether the condition holds for {@code attributes}. */
  public boolean holds(Map<String, @Nullable Object> attributes) {
    Object actual = attributes.get(attribute);
    return switch (operator) {
      case "equals" -> actual != null && text(actual).equals(text(value));
      case "notEquals" -> actual == null || !text(actual).equals(text(value));
      case "in" ->
          actual != null
              && ((List<?>) Objects.requireNonNull(value))
                  .stream().map(Condition::text).anyMatch(text(actual)::equals);
      case "notIn" ->
          actual == null
              || ((List<?>) Objects.requireNonNull(value))
                  .stream().map(Condition::text).noneMatch(text(actual)::equals);
      case "contains" ->
          actual instanceof Collection<?> list
              && list.stream().map(Condition::text).anyMatch(text(value)::equals);
      case "present" -> (actual != null) == Boolean.TRUE.equals(value);
      case "sameAs" ->
          actual != null && text(actual).equals(text(attributes.get(String.valueOf(value))));
      case "hourBetween" -> actual != null && hourBetween(actual);
      default -> false;
    };
  }

  private boolean hourBetween(Object actual) {
    LocalTime time;
    try {
      time = Instant.parse(text(actual)).atOffset(ZoneOffset.UTC).toLocalTime();
    } catch (RuntimeException e) {
      return false;
    }
    List<?> range = (List<?>) Objects.requireNonNull(value);
    LocalTime from = LocalTime.parse(String.valueOf(range.get(0)));
    LocalTime to = LocalTime.parse(String.valueOf(range.get(1)));
    return from.isBefore(to)
        ? !time.isBefore(from) && time.isBefore(to)
        : !time.isBefore(from) || time.isBefore(to);
  }

  private static String text(@Nullable Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
