package io.truststram.crypto.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Extra entropy mixed into the key manager's DRBG at start and at every reseed, beside the
 * operating system's entropy that the DRBG always draws on.
 *
 * <p>The bytes go in as the DRBG's additional input (NIST SP 800-90A), so a source can only add
 * unpredictability: a weak or hostile source cannot make the output more predictable than the
 * operating system's entropy alone. That is also why such a source, a quantum random number
 * generator included, is not a claim of "quantum randomness" for the keys: it strengthens the seed,
 * it does not replace it.
 *
 * <p>Sources: {@code os} (nothing extra, the default), {@code file:PATH} (a device such as {@code
 * /dev/hwrng} or a QRNG's character device), and an {@code http://} or {@code https://} URL that
 * answers a GET with at least the requested number of raw bytes ({@code application/octet-stream});
 * {@code {bytes}} in the URL is replaced by that number.
 */
interface EntropySource {

  /** How many bytes are mixed in at a time: 384 bits, the DRBG's seed length for SHA-512. */
  int BYTES = 48;

  /** {@code bytes} from the source. */
  byte[] read(int bytes) throws IOException;

  /** What it is, for logs and metrics. */
  String describe();

  /** The source {@code truststram.crypto.entropy.source} names. */
  static EntropySource parse(String value) {
    String source = value.strip();
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.isEmpty() || lower.equals("os")) {
      return new None();
    }
    if (lower.startsWith("file:")) {
      return new Device(Path.of(source.substring("file:".length())));
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new Endpoint(source);
    }
    throw new IllegalStateException(
        "truststram.crypto.entropy.source must be os, file:PATH or an http(s) URL, not '"
            + value
            + "'");
  }

  /** The operating system's entropy only. */
  final class None implements EntropySource {
    @Override
    public byte[] read(int bytes) {
      return new byte[0];
    }

    @Override
    public String describe() {
      return "os";
    }
  }

  /** A device file. */
  record Device(Path path) implements EntropySource {
    @Override
    public byte[] read(int bytes) throws IOException {
      try (InputStream in = Files.newInputStream(path)) {
        byte[] read = in.readNBytes(bytes);
        if (read.length < bytes) {
          throw new IOException(path + " gave " + read.length + " of " + bytes + " bytes");
        }
        return read;
      }
    }

    @Override
    public String describe() {
      return "file:" + path;
    }
  }

  /** An HTTP endpoint answering raw bytes. */
  final class Endpoint implements EntropySource {
    private static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;

    Endpoint(String url) {
      this.url = url;
    }

    @Override
    public byte[] read(int bytes) throws IOException {
      URI uri = URI.create(url.replace("{bytes}", Integer.toString(bytes)));
      HttpResponse<byte[]> response;
      try {
        response =
            CLIENT.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/octet-stream")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading entropy from " + describe());
      }
      if (response.statusCode() != 200) {
        throw new IOException(describe() + " answered " + response.statusCode());
      }
      if (response.body().length < bytes) {
        throw new IOException(
            describe() + " gave " + response.body().length + " of " + bytes + " bytes");
      }
      return Arrays.copyOf(response.body(), bytes);
    }

    @Override
    public String describe() {
      // Never the query string: it may carry an API key.
      int query = url.indexOf('?');
      return query < 0 ? url : url.substring(0, query);
    }
  }
}
