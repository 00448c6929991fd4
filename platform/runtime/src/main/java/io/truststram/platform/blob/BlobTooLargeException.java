package io.truststram.platform.blob;

import java.io.IOException;

/** A blob's content was longer than the caller allowed; nothing was stored. */
public final class BlobTooLargeException extends IOException {

  private final long limit;

  public BlobTooLargeException(long limit) {
    super("content exceeds the limit of " + limit + " bytes");
    this.limit = limit;
  }

  /** The limit that was passed. */
  public long limit() {
    return limit;
  }
}
