package io.truststram.federation.sharding;

import org.jspecify.annotations.Nullable;

/** A round's sharded aggregation could not complete because a shard failed; fold it again. */
public final class ShardFailureException extends IllegalStateException {

  public ShardFailureException(String message, @Nullable Throwable cause) {
    super(cause == null ? message : message + ": " + cause.getMessage(), cause);
  }
}
