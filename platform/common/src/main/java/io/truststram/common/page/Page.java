package io.truststram.common.page;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One page of a list, in the list's stable order.
 *
 * @param items the items of this page, at most the requested limit
 * @param nextCursor the opaque cursor for the next page, or null when this is the last page
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

  public Page {
    items = List.copyOf(items);
  }

  /**
   * Builds a page from up to {@code limit + 1} rows read in order: the extra row, when present,
   * only proves there is a next page and is dropped.
   *
   * @param rows rows read with limit {@code request.limit() + 1}
   * @param positionOf the position of an item, as {@link PageRequest#after()} will receive it back
   */
  public static <T> Page<T> fromLookahead(
      List<T> rows, PageRequest request, Function<T, String> positionOf) {
    if (rows.size() <= request.limit()) {
      return new Page<>(rows, null);
    }
    List<T> items = rows.subList(0, request.limit());
    return new Page<>(items, Cursors.encode(positionOf.apply(items.getLast())));
  }

  /** The same page with each item mapped. */
  public <R> Page<R> map(Function<T, R> mapper) {
    return new Page<>(items.stream().map(mapper).toList(), nextCursor);
  }
}
