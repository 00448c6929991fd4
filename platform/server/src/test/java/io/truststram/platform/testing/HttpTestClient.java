package io.truststram.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP client for tests that drive a running server over a real socket, so that everything
 * between the wire and the controller (filters, the servlet container, error pages) is exercised.
 */
public final class HttpTestClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private final String base;
  private final @Nullable String token;

  public HttpTestClient(String base) {
    this(base, null);
  }

  private HttpTestClient(String base, @Nullable String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  /** The same client, sending {@code Authorization: Bearer <token>} with every request. */
  public HttpTestClient withToken(String accessToken) {
    return new HttpTestClient(base, accessToken);
  }

  /** The access token it sends, if any. */
  public @Nullable String token() {
    return token;
  }

  /** The same client without a token. */
  public HttpTestClient anonymous() {
    return new HttpTestClient(base, null);
  }

  public static HttpTestClient onPort(int port) {
    return new HttpTestClient("http://127.0.0.1:" + port);
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response postJson(String path, String json) {
    return post(path, "application/json", json);
  }

  public Response putJson(String path, String json) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
  }

  public Response post(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  /** Posts a body without Content-Length (chunked transfer encoding). */
  public Response postChunked(String path, String contentType, byte[] body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> (InputStream) new java.io.ByteArrayInputStream(body))));
  }

  /**
   * Sends {@code body} with {@code method} (PUT, POST) and the given headers (name, value, ...).
   */
  public Response sendBytes(
      String method, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request);
  }

  /** GETs {@code path} and returns its body as bytes (asserting nothing about the status). */
  public byte[] getBytes(String path) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
      if (token != null) {
        request.setHeader("Authorization", "Bearer " + token);
      }
      return CLIENT
          .send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofByteArray())
          .body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response method(String method, String path) {
    return send(
        HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  public Response send(HttpRequest.Builder request) {
    try {
      if (token != null) {
        request.setHeader("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response =
          CLIENT.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  /** A response with its body as text, parsed as JSON on demand. */
  public record Response(int status, Map<String, java.util.List<String>> headers, String body) {

    public JsonNode json() {
      return JSON.readTree(body);
    }

    public Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }

    public String contentType() {
      return header("Content-Type").orElse("");
    }
  }
}
