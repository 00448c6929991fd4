package io.truststram.common.cache;

/** The cache backend could not be reached or did not answer in time. */
public class CacheUnavailableException extends RuntimeException {

  public CacheUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
