package io.truststram.federation.sharding;

/** A message between a coordinator and a shard that cannot be read or does not make sense. */
public final class InvalidShardMessageException extends RuntimeException {

  public InvalidShardMessageException(String message) {
    super(message);
  }
}
