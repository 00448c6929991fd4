package io.truststram.platform.web;

import java.io.IOException;

/** A request body grew past the configured limit while it was being read. */
public final class RequestBodyTooLargeException extends IOException {

  RequestBodyTooLargeException(long limit) {
    super("Request body exceeds the limit of " + limit + " bytes");
  }
}
