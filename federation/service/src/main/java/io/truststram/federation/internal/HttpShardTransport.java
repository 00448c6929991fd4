package io.truststram.federation.internal;

import io.truststram.federation.sharding.ShardMessages;
import io.truststram.federation.sharding.ShardTransport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * Reaches aggregation shards ({@code truststram.services=aggregation}) over HTTP, presenting their
 * shared secret. Messages are safetensors bodies; a shard that answers anything but 2xx, or does
 * not answer within the timeout, fails the call.
 */
final class HttpShardTransport implements ShardTransport, AutoCloseable {

  private static final String PATH = "/internal/aggregation/v1/sessions/";

  private final List<URI> shards;
  private final String authorization;
  private final Duration timeout;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http;

  HttpShardTransport(List<URI> shards, String secret, Duration timeout) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("no aggregation shard given");
    }
    if (secret.isBlank()) {
      throw new IllegalArgumentException(
          "truststram.federation.aggregation.secret must be set when shards are configured");
    }
    this.shards = List.copyOf(shards);
    this.authorization = "Bearer " + secret;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(executor)
            .build();
  }

  @Override
  public int shards() {
    return shards.size();
  }

  @Override
  public CompletableFuture<Void> begin(int shard, ShardMessages.Begin begin) {
    return post(shard, begin.session().toString(), out -> ShardMessages.write(begin, out))
        .thenApply(body -> null);
  }

  @Override
  public CompletableFuture<Void> fold(int shard, ShardMessages.Fold fold) {
    return post(shard, fold.session() + "/updates", out -> ShardMessages.write(fold, out))
        .thenApply(body -> null);
  }

  @Override
  public CompletableFuture<ShardMessages.Result> finish(int shard, UUID session, int length) {
    return post(shard, session + "/finish", null)
        .thenApply(
            body -> {
              try {
                return ShardMessages.readResult(new ByteArrayInputStream(body), length);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  @Override
  public void cancel(int shard, UUID session) {
    HttpRequest request =
        HttpRequest.newBuilder(shards.get(shard).resolve(PATH + session))
            .timeout(timeout)
            .header("Authorization", authorization)
            .DELETE()
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
  }

  private interface Body {
    void write(ByteArrayOutputStream out) throws IOException;
  }

  private CompletableFuture<byte[]> post(int shard, String path, @Nullable Body body) {
    HttpRequest.BodyPublisher publisher;
    if (body == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        body.write(out);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
      publisher = HttpRequest.BodyPublishers.ofByteArray(out.toByteArray());
    }
    URI uri = shards.get(shard).resolve(PATH + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Content-Type", ShardMessages.MEDIA_TYPE)
            .POST(publisher)
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response -> {
              if (response.statusCode() / 100 != 2) {
                String detail = new String(response.body(), StandardCharsets.UTF_8);
                throw new ShardCallException(
                    "aggregation shard "
                        + shards.get(shard)
                        + " answered "
                        + response.statusCode()
                        + ": "
                        + (detail.length() > 300 ? detail.substring(0, 300) : detail));
              }
              return response.body();
            });
  }

  @Override
  public void close() {
    http.close();
    executor.close();
  }

  /** A shard refused a call. */
  static final class ShardCallException extends RuntimeException {
    ShardCallException(String message) {
      super(message);
    }
  }
}
