package io.truststram.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Sends API requests with a token, and turns problem responses into exceptions. */
final class Http {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final URI server;
  private final TokenSource tokens;
  private final HttpClient client;

  /**
   * The client every node of this JVM shares unless given its own: one selector thread and one
   * connection pool however many nodes a process runs.
   */
  static final HttpClient SHARED =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  Http(URI server, TokenSource tokens) {
    this(server, tokens, SHARED);
  }

  Http(URI server, TokenSource tokens, HttpClient client) {
    this.server = server;
    this.tokens = tokens;
    this.client = client;
  }

  URI server() {
    return server;
  }

  /** A request to {@code path} (absolute, starting with /), with the token added on send. */
  HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(server.resolve(path)).timeout(timeout);
  }

  /**
   * Sends, retrying once with a fresh token on 401; a status of 400 or more throws. The caller
   * closes the body.
   */
  HttpResponse<InputStream> stream(HttpRequest.Builder request) throws IOException {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<InputStream> response = raw(request, tokens.token());
      if (response.statusCode() == 401 && attempt == 0) {
        response.body().close();
        tokens.invalidate();
        continue;
      }
      if (response.statusCode() >= 400) {
        throw problem(response);
      }
      return response;
    }
  }

  /** Sends and reads a JSON body (null for 204 or an empty body). */
  @Nullable JsonNode json(HttpRequest.Builder request) throws IOException {
    HttpResponse<InputStream> response = stream(request.header("Accept", "application/json"));
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readAllBytes();
    }
    return response.statusCode() == 204 || body.length == 0 ? null : JSON.readTree(body);
  }

  static HttpRequest.BodyPublisher jsonBody(Object value) {
    return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(value));
  }

  private HttpResponse<InputStream> raw(HttpRequest.Builder request, String token)
      throws IOException {
    try {
      return client.send(
          request.copy().setHeader("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  static TrustStramException problem(HttpResponse<InputStream> response) throws IOException {
    String text;
    try (InputStream in = response.body()) {
      text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    }
    String type = "about:blank";
    String detail = text.isBlank() ? "HTTP " + response.statusCode() : text;
    try {
      JsonNode problem = JSON.readTree(text);
      String uri = problem.path("type").asString("about:blank");
      type = uri.substring(uri.lastIndexOf('/') + 1);
      detail = problem.path("detail").asString(problem.path("title").asString(detail));
    } catch (RuntimeException notJson) {
      // keep the raw text
    }
    Duration retryAfter =
        response
            .headers()
            .firstValue("Retry-After")
            .flatMap(
                value -> {
                  try {
                    return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
                  } catch (NumberFormatException e) {
                    return java.util.Optional.empty();
                  }
                })
            .orElse(null);
    return new TrustStramException(response.statusCode(), type, detail, retryAfter);
  }
}
