package io.truststram.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram login}: gets an access token from a TrustStram server and keeps it for the
 * other commands. A person signs in with the device authorization grant (RFC 8628): the command
 * shows a code and a page to approve it on, from any browser, and waits. A script or a client node
 * uses its client id and secret (client credentials).
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Sign in to a TrustStram server and keep the token for later commands.",
      "Without --client-id: shows a code to approve at the server's /device page (any browser)."
    })
final class LoginCommand implements Callable<Integer> {

  static final String CLI_CLIENT = "truststram-cli";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--server", description = "The server's address; default: ${DEFAULT-VALUE}.")
  URI server = URI.create("http://localhost:8080");

  @Option(names = "--client-id", description = "Sign in as this API client (client credentials).")
  String clientId;

  @Option(
      names = "--client-secret",
      description =
          "The client's secret (visible to other users of this machine while the command runs:"
              + " prefer the environment variable TRUSTSTRAM_CLIENT_SECRET).")
  String clientSecret;

  @Option(
      names = "--allow-http",
      description =
          "Allow plain http:// to a server other than this machine (secrets and tokens then"
              + " travel unencrypted).")
  boolean allowHttp;

  @Option(
      names = "--config-dir",
      description = "Where the token is kept; default: ~/.config/truststram.",
      hidden = true)
  Path configDir;

  @Option(
      names = "--poll-seconds",
      description = "Seconds between checks while waiting.",
      hidden = true)
  Integer pollSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    String base = server.toString().replaceAll("/+$", "");
    if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
      throw new IllegalArgumentException("--server must be an http(s) address: " + server);
    }
    if ("http".equals(server.getScheme()) && !loopback(server.getHost()) && !allowHttp) {
      throw new IllegalArgumentException(
          "refusing to sign in over plain http to "
              + server.getHost()
              + ": use https, or --allow-http if you must");
    }
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      JsonNode tokens = clientId != null ? clientCredentials(http, base) : deviceFlow(http, base);
      Credentials.save(
          Credentials.directory(configDir),
          new Credentials(
              base,
              tokens.path("access_token").asString(),
              Instant.now().plusSeconds(tokens.path("expires_in").asLong(600))));
      spec.commandLine()
          .getOut()
          .println(
              "Signed in to "
                  + base
                  + "; the token is valid for "
                  + tokens.path("expires_in").asLong(600) / 60
                  + " minutes.");
      return 0;
    }
  }

  private JsonNode clientCredentials(HttpClient http, String base)
      throws IOException, InterruptedException {
    String secret = clientSecret != null ? clientSecret : System.getenv("TRUSTSTRAM_CLIENT_SECRET");
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException(
          "--client-id needs --client-secret or TRUSTSTRAM_CLIENT_SECRET");
    }
    HttpResponse<String> response =
        post(
            http,
            base + "/oauth2/token",
            Map.of("grant_type", "client_credentials"),
            clientId,
            secret);
    if (response.statusCode() != 200) {
      throw new IOException("the server refused the client's credentials: " + error(response));
    }
    return JSON.readTree(response.body());
  }

  private JsonNode deviceFlow(HttpClient http, String base)
      throws IOException, InterruptedException {
    HttpResponse<String> started =
        post(
            http,
            base + "/oauth2/device_authorization",
            Map.of("client_id", CLI_CLIENT, "scope", "profile"),
            null,
            null);
    if (started.statusCode() != 200) {
      throw new IOException("the server did not start a device sign-in: " + error(started));
    }
    JsonNode grant = JSON.readTree(started.body());
    var out = spec.commandLine().getOut();
    out.println("To sign in, open " + grant.path("verification_uri").asString());
    out.println("and approve the code " + grant.path("user_code").asString());
    out.println("(or open " + grant.path("verification_uri_complete").asString() + ")");
    out.flush();
    long interval = pollSeconds != null ? pollSeconds : grant.path("interval").asLong(5);
    Instant deadline = Instant.now().plusSeconds(grant.path("expires_in").asLong(300));
    while (Instant.now().isBefore(deadline)) {
      Thread.sleep(Duration.ofSeconds(Math.max(1, interval)));
      HttpResponse<String> polled =
          post(
              http,
              base + "/oauth2/token",
              Map.of(
                  "grant_type",
                  "urn:ietf:params:oauth:grant-type:device_code",
                  "client_id",
                  CLI_CLIENT,
                  "device_code",
                  grant.path("device_code").asString()),
              null,
              null);
      if (polled.statusCode() == 200) {
        return JSON.readTree(polled.body());
      }
      String code = errorCode(polled);
      if (code.equals("slow_down")) {
        interval += 5;
      } else if (!code.equals("authorization_pending")) {
        throw new IOException("sign-in ended: " + error(polled));
      }
    }
    throw new IOException("the code expired before it was approved; run 'truststram login' again");
  }

  private static HttpResponse<String> post(
      HttpClient http, String url, Map<String, String> form, String user, String password)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      String basic =
          java.util.Base64.getEncoder()
              .encodeToString(
                  (URLEncoder.encode(user, StandardCharsets.UTF_8)
                          + ":"
                          + URLEncoder.encode(password, StandardCharsets.UTF_8))
                      .getBytes(StandardCharsets.UTF_8));
      request.header("Authorization", "Basic " + basic);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IOException("cannot reach " + url + " (is the server up?)");
    }
  }

  private static boolean loopback(String host) {
    return host != null
        && (host.equals("localhost")
            || host.equals("127.0.0.1")
            || host.equals("[::1]")
            || host.equals("::1"));
  }

  /** The OAuth error code of an answer; an IOException when it is not OAuth's JSON. */
  private static String errorCode(HttpResponse<String> response) throws IOException {
    try {
      return JSON.readTree(response.body()).path("error").asString("HTTP " + response.statusCode());
    } catch (RuntimeException notJson) {
      throw new IOException("unexpected answer from the server: HTTP " + response.statusCode());
    }
  }

  private static String error(HttpResponse<String> response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      String description = body.path("error_description").asString("");
      return body.path("error").asString("HTTP " + response.statusCode())
          + (description.isEmpty() ? "" : " (" + description + ")");
    } catch (RuntimeException notJson) {
      return "HTTP " + response.statusCode();
    }
  }

  /** The token kept between commands, in {@code credentials.json} (readable by its owner only). */
  record Credentials(String server, String accessToken, Instant expiresAt) {

    static Path directory(Path configured) {
      if (configured != null) {
        return configured;
      }
      String xdg = System.getenv("XDG_CONFIG_HOME");
      return (xdg != null && !xdg.isBlank()
              ? Path.of(xdg)
              : Path.of(System.getProperty("user.home"), ".config"))
          .resolve("truststram");
    }

    static void save(Path directory, Credentials credentials) throws IOException {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, "credentials", ".part");
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the user profile's own permissions apply.
      }
      Map<String, String> json = new LinkedHashMap<>();
      json.put("server", credentials.server());
      json.put("accessToken", credentials.accessToken());
      json.put("expiresAt", credentials.expiresAt().toString());
      Files.writeString(temporary, JSON.writeValueAsString(json));
      Files.move(
          temporary,
          directory.resolve("credentials.json"),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }

    static Credentials load(Path directory) throws IOException {
      Path file = directory.resolve("credentials.json");
      if (!Files.isRegularFile(file)) {
        throw new IOException("not signed in; run 'truststram login' first");
      }
      JsonNode json = JSON.readTree(Files.readString(file));
      Credentials credentials =
          new Credentials(
              json.path("server").asString(),
              json.path("accessToken").asString(),
              Instant.parse(json.path("expiresAt").asString()));
      if (Instant.now().isAfter(credentials.expiresAt())) {
        throw new IOException("the sign-in has expired; run 'truststram login' again");
      }
      return credentials;
    }
  }
}
