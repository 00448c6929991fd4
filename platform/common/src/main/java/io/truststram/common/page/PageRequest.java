package io.truststram.common.page;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import org.jspecify.annotations.Nullable;

/**
 * A request for one page of a list: at most {@code limit} items after the position {@code after}.
 *
 * @param limit the page size, 1..{@link #MAX_LIMIT}
 * @param after the decoded cursor of the previous page's last item, or null for the first page
 */
public record PageRequest(int limit, @Nullable String after) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ProblemException(
          ProblemTypes.INVALID_PARAMETER, "limit must be between 1 and " + MAX_LIMIT);
    }
  }

  /**
   * A page request from the wire form of the parameters.
   *
   * @param limit the requested size, or null for {@link #DEFAULT_LIMIT}
   * @param cursor the opaque cursor a previous page returned, or null for the first page
   * @throws ProblemException of type invalid-parameter for a bad limit or a cursor not made by
   *     {@link Cursors}
   */
  public static PageRequest of(@Nullable Integer limit, @Nullable String cursor) {
    return new PageRequest(
        limit == null ? DEFAULT_LIMIT : limit, cursor == null ? null : Cursors.decode(cursor));
  }

  /** The first page with the default size. */
  public static PageRequest first() {
    return new PageRequest(DEFAULT_LIMIT, null);
  }
}
