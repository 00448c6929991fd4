package io.truststram.federation.sharding;

import io.truststram.federation.strategy.Strategies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * Shards in memory, each its own {@link ShardSessions}, reached through the real message encoding
 * (every message is written to bytes and read back) so that tests cover the wire format too.
 */
final class InMemoryShards implements ShardTransport {

  final List<ShardSessions> shards = new ArrayList<>();

  /** Which shards refuse the next fold they get (once). */
  IntPredicate failNextFold = shard -> false;

  InMemoryShards(int count) {
    for (int i = 0; i < count; i++) {
      shards.add(
          new ShardSessions(Strategies.standard(), 8, Duration.ofHours(1), Clock.systemUTC()));
    }
  }

  @Override
  public int shards() {
    return shards.size();
  }

  @Override
  public CompletableFuture<Void> begin(int shard, ShardMessages.Begin begin) {
    return call(
        () -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          ShardMessages.write(begin, out);
          shards
              .get(shard)
              .begin(
                  ShardMessages.readBegin(
                      new ByteArrayInputStream(out.toByteArray()), Integer.MAX_VALUE / 16));
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> fold(int shard, ShardMessages.Fold fold) {
    if (failNextFold.test(shard)) {
      failNextFold = s -> false;
      return CompletableFuture.failedFuture(new IOException("shard " + shard + " is down"));
    }
    return call(
        () -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          ShardMessages.write(fold, out);
          shards
              .get(shard)
              .fold(
                  ShardMessages.readFold(
                      new ByteArrayInputStream(out.toByteArray()), Integer.MAX_VALUE / 16));
          return null;
        });
  }

  @Override
  public CompletableFuture<ShardMessages.Result> finish(int shard, UUID session, int length) {
    return call(
        () -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          ShardMessages.write(shards.get(shard).finish(session), out);
          return ShardMessages.readResult(new ByteArrayInputStream(out.toByteArray()), length);
        });
  }

  @Override
  public void cancel(int shard, UUID session) {
    shards.get(shard).cancel(session);
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  private static <T> CompletableFuture<T> call(Call<T> call) {
    try {
      return CompletableFuture.completedFuture(call.run());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new UncheckedIOException(e));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
