package io.truststram.common.problem;

import java.util.Map;
import java.util.Objects;

/**
 * An error that reaches the client as an RFC 9457 problem of a known {@link ProblemType}.
 *
 * <p>The detail is written for the client: it must never contain secrets, key material or internal
 * identifiers the caller may not see. Extension members in {@link #properties()} become top-level
 * members of the problem document.
 */
public class ProblemException extends RuntimeException {

  private final ProblemType type;
  private final Map<String, Object> properties;

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, Map.of());
  }

  public ProblemException(ProblemType type, String detail, Map<String, Object> properties) {
    super(detail);
    this.type = Objects.requireNonNull(type, "type");
    this.properties = Map.copyOf(properties);
  }

  public ProblemType type() {
    return type;
  }

  /** The human-readable explanation of this occurrence. */
  public String detail() {
    return Objects.requireNonNullElse(getMessage(), type.title());
  }

  /** Extension members of the problem document (immutable). */
  public Map<String, Object> properties() {
    return properties;
  }
}
