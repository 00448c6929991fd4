/** Cursor paging for list operations: opaque cursors, bounded page sizes. */
@NullMarked
package io.truststram.common.page;

import org.jspecify.annotations.NullMarked;
