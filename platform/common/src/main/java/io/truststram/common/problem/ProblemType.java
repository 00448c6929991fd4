package io.truststram.common.problem;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One kind of error a client can receive, as an RFC 9457 problem type.
 *
 * <p>The {@link #uri()} is the stable, machine-readable identity of the error: clients branch on
 * it, never on the human-readable title or detail. Each type is documented in {@code
 * docs/problems.md} under its slug. Generic types live in {@link ProblemTypes}; a service declares
 * its own beside its API.
 *
 * @param slug lower-case kebab-case name, unique across TrustStram, e.g. {@code tenant-slug-taken}
 * @param status the HTTP status code this problem is served with (400..599)
 * @param title a short summary that does not change between occurrences
 */
public record ProblemType(String slug, int status, String title) {

  /** Base of every TrustStram problem type URI. */
  public static final String BASE_URI = "https://truststram.io/problems/";

  private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  public ProblemType {
    Objects.requireNonNull(slug, "slug");
    Objects.requireNonNull(title, "title");
    if (!SLUG.matcher(slug).matches()) {
      throw new IllegalArgumentException("problem slug must be kebab-case: " + slug);
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("problem status must be 4xx or 5xx: " + status);
    }
  }

  /** The stable type URI, {@link #BASE_URI} followed by the slug. */
  public URI uri() {
    return URI.create(BASE_URI + slug);
  }
}
