package io.truststram.bench;

import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.sdk.KeyManagerApi;
import io.truststram.sdk.TokenSource;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The key manager's service overhead: AES-256-GCM encryption of 1 KiB messages as the raw library
 * call, then through the REST API one message a request and in batches, each for the same time in
 * the same run against a running server. Prints one JSON object.
 *
 * <p>Arguments: server URL, API client id and secret (with key:manage), seconds per measurement,
 * concurrent requests, batch size.
 */
public final class KeyManagerOverhead {

  private KeyManagerOverhead() {}

  public static void main(String[] args) throws Exception {
    URI server = URI.create(args[0]);
    KeyManagerApi keys =
        KeyManagerApi.connect(server, TokenSource.clientCredentials(server, args[1], args[2]));
    Duration each = Duration.ofSeconds(Long.parseLong(args[3]));
    int concurrency = Integer.parseInt(args[4]);
    int batch = Integer.parseInt(args[5]);
    String key = "overhead-" + System.nanoTime();
    keys.createKey(key, "AES-256-GCM", false, false, null);
    byte[] message = new byte[1024];
    new SecureRandom().nextBytes(message);
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      messages.add(message);
    }

    // Warm up all three paths as long as they are measured: 3 s left the server's JIT half done
    // (single requests ran at a third of their warm rate).
    rawRate(message, each);
    Rates.perSecond(
        concurrency,
        each,
        () -> {
          keys.encrypt(key, message, null);
          return 1;
        });
    Rates.perSecond(concurrency, each, () -> keys.encryptBatch(key, messages).size());

    double raw = rawRate(message, each);
    double single =
        Rates.perSecond(
            concurrency,
            each,
            () -> {
              keys.encrypt(key, message, null);
              return 1;
            });
    double batched =
        Rates.perSecond(concurrency, each, () -> keys.encryptBatch(key, messages).size());
    System.out.printf(
        "{\"messageBytes\":1024,\"seconds\":%d,\"concurrency\":%d,\"batch\":%d,"
            + "\"rawOpsPerSecond\":%.0f,\"restSingleOpsPerSecond\":%.0f,"
            + "\"restBatchOpsPerSecond\":%.0f,\"rawOverSingle\":%.2f,\"rawOverBatch\":%.2f}%n",
        each.toSeconds(), concurrency, batch, raw, single, batched, raw / single, raw / batched);
  }

  /** Raw AES-256-GCM encryptions per second on one thread. */
  private static double rawRate(byte[] message, Duration duration) {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    random.nextBytes(key);
    long end = System.nanoTime() + duration.toNanos();
    long count = 0;
    long start = System.nanoTime();
    while (System.nanoTime() < end) {
      Aes256Gcm.encrypt(key, message, new byte[0], random);
      count++;
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }
}
