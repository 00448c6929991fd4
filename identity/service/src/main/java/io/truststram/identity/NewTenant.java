package io.truststram.identity;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What it takes to create a tenant.
 *
 * @param slug 3 to 63 lower-case letters, digits and inner hyphens; unique across the installation
 * @param name 1 to 200 characters, not blank
 */
public record NewTenant(String slug, String name) {

  /** The form of a slug, as a regular expression: a DNS label of at least three characters. */
  public static final String SLUG_REGEX = "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$";

  /** What a slug must look like, in words, for error messages. */
  public static final String SLUG_RULE = "must be 3-63 lower-case letters, digits or inner hyphens";

  private static final Pattern SLUG = Pattern.compile(SLUG_REGEX);

  /** Longest accepted name, in characters. */
  public static final int MAX_NAME_LENGTH = 200;

  /**
   * What a name may contain, as a regular expression: no control characters (the Unicode Cc
   * category: NUL, line breaks and the like, which PostgreSQL or a log line would choke on), and a
   * character that is not a space. Written in the subset that Java and ECMA-262 regular expressions
   * share, so the OpenAPI schema publishes a pattern clients can use as-is. Names that are blank
   * only in Unicode terms (ideographic spaces) and lone surrogates are refused by the constructor.
   */
  public static final String NAME_REGEX = "^(?=.*\\S)[^\\u0000-\\u001F\\u007F-\\u009F]*$";

  /** What a name must look like, in words, for error messages. */
  public static final String NAME_RULE =
      "must be 1-" + MAX_NAME_LENGTH + " characters, not blank, without control characters";

  private static final Pattern NAME = Pattern.compile(NAME_REGEX);

  public NewTenant {
    if (slug == null || !SLUG.matcher(slug).matches()) {
      throw invalid("slug", SLUG_RULE);
    }
    if (name == null
        || name.length() > MAX_NAME_LENGTH
        || name.isBlank()
        || !NAME.matcher(name).matches()
        || hasLoneSurrogate(name)) {
      throw invalid("name", NAME_RULE);
    }
    name = name.strip();
  }

  /** True when the text is not valid UTF-16, and so could not be stored as UTF-8 faithfully. */
  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static ProblemException invalid(String field, String message) {
    return new ProblemException(
        ProblemTypes.VALIDATION_FAILED,
        field + " " + message,
        Map.of("errors", java.util.List.of(Map.of("field", field, "message", message))));
  }
}
