package io.truststram.federation.sharding;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * How a coordinator reaches its aggregation shards, numbered 0 to {@code shards() - 1}: over HTTP
 * between processes, or in memory in tests. A future that completes exceptionally means the shard
 * did not take the message (it is down, restarted and lost the session, or refused it).
 */
public interface ShardTransport {

  /** How many shards there are. */
  int shards();

  CompletableFuture<Void> begin(int shard, ShardMessages.Begin begin);

  CompletableFuture<Void> fold(int shard, ShardMessages.Fold fold);

  /** The session's result; {@code length} is the length of its range. */
  CompletableFuture<ShardMessages.Result> finish(int shard, UUID session, int length);

  /** Drops a session, best effort: shards also drop sessions a newer one replaces. */
  void cancel(int shard, UUID session);
}
