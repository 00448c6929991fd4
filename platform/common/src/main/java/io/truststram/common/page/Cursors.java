package io.truststram.common.page;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque cursors: a list's position, versioned and base64url-encoded so clients treat it as a
 * token.
 *
 * <p>The version prefix lets the position format change later while old cursors are still
 * recognised (and rejected clearly) rather than misread.
 */
public final class Cursors {

  private static final String VERSION = "v1:";
  private static final int MAX_CURSOR_LENGTH = 1024;

  private Cursors() {}

  /** Encodes a position as a cursor. */
  public static String encode(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((VERSION + position).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a cursor made by {@link #encode}.
   *
   * @throws ProblemException of type invalid-parameter for anything else
   */
  public static String decode(String cursor) {
    if (cursor.isEmpty() || cursor.length() > MAX_CURSOR_LENGTH) {
      throw invalid();
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!text.startsWith(VERSION) || text.length() == VERSION.length()) {
      throw invalid();
    }
    return text.substring(VERSION.length());
  }

  /** The error for a cursor that is not one of ours, or no longer points anywhere valid. */
  public static ProblemException invalid() {
    return new ProblemException(
        ProblemTypes.INVALID_PARAMETER,
        "cursor is not valid: pass back the nextCursor of a previous page unchanged");
  }
}
