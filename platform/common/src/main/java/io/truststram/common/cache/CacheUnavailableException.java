package io.truststram.common.cache;

import org.jspecify.annotations.Nullable;

/** The cache backend could not be reached or did not answer in time. */
public class CacheUnavailableException extends RuntimeException {

  public CacheUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
