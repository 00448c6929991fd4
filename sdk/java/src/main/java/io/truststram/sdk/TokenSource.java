package io.truststram.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Where the SDK gets the access tokens it sends. */
public interface TokenSource {

  /** A current access token. */
  String token() throws IOException;

  /** Forgets the current token (the server refused it); the next {@link #token} gets a new one. */
  default void invalidate() {}

  /** Always the same token (from {@code truststram login}, say). */
  static TokenSource bearer(String token) {
    return () -> token;
  }

  /**
   * Tokens of an OAuth client (a node's own client id and secret) from the server's token endpoint
   * with the client-credentials grant, renewed a minute before they expire.
   */
  static TokenSource clientCredentials(URI server, String clientId, String clientSecret) {
    return new ClientCredentials(server, clientId, clientSecret, Clock.systemUTC());
  }

  /** The client-credentials grant, with the token cached until shortly before it expires. */
  final class ClientCredentials implements TokenSource {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final URI endpoint;
    private final String authorization;
    private final Clock clock;
    private final HttpClient http = Http.SHARED;
    private @Nullable String token;
    private Instant renewAt = Instant.MIN;

    ClientCredentials(URI server, String clientId, String clientSecret, Clock clock) {
      this.endpoint = server.resolve("/oauth2/token");
      this.authorization =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                              + ":"
                              + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8))
                          .getBytes(StandardCharsets.UTF_8));
      this.clock = clock;
    }

    @Override
    public synchronized String token() throws IOException {
      if (token != null && clock.instant().isBefore(renewAt)) {
        return token;
      }
      HttpRequest request =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", authorization)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
              .build();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while getting a token");
      }
      if (response.statusCode() != 200) {
        throw new TrustStramException(
            response.statusCode(),
            "invalid_client",
            "the token endpoint refused the client credentials (HTTP "
                + response.statusCode()
                + ")",
            null);
      }
      JsonNode body = JSON.readTree(response.body());
      token = body.path("access_token").asString();
      long expiresIn = body.path("expires_in").asLong(300);
      renewAt = clock.instant().plusSeconds(Math.max(1, expiresIn - 60));
      return token;
    }

    @Override
    public synchronized void invalidate() {
      token = null;
    }
  }
}
