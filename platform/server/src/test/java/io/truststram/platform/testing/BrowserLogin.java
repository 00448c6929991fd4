package io.truststram.platform.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signs in the way a browser does, without one: the authorization-code flow with PKCE through the
 * login form, the password-change and second-factor pages when they come, then the code exchange.
 * Keeps cookies, follows redirects itself and records every page it passed.
 */
public final class BrowserLogin {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

  private final String base;
  private final HttpClient client;
  private java.util.function.@Nullable Function<String, String> enrolment;
  private final List<String> visited = new ArrayList<>();

  /** A login against the server at {@code base}, e.g. {@code http://localhost:8080}. */
  public BrowserLogin(String base) {
    this.base = base;
    this.client =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * A browser session at {@code base} signed in with the password form (no second step), for tests
   * that go on to other pages.
   */
  public static BrowserLogin signedIn(String base, String username, String password) {
    BrowserLogin browser = new BrowserLogin(base);
    Page login = browser.get("/login");
    browser.post(
        "/login", Map.of("username", username, "password", password, "_csrf", csrf(login)));
    return browser;
  }

  /** What the sign-in produced. */
  public record Outcome(
      int status, @Nullable JsonNode tokens, String lastPage, List<String> visited) {
    public String accessToken() {
      if (tokens == null) {
        throw new IllegalStateException("no tokens; stopped at " + lastPage + " after " + visited);
      }
      return tokens.get("access_token").asString();
    }
  }

  /**
   * Runs the flow for the public client {@code clientId}.
   *
   * @param newPassword the password to choose if the server asks for a change
   * @param secondFactor supplies a code if the server asks for one
   */
  public Outcome signIn(
      String clientId,
      String redirectUri,
      String username,
      String password,
      @Nullable String newPassword,
      @Nullable Supplier<String> secondFactor) {
    return signIn(clientId, null, redirectUri, username, password, newPassword, secondFactor);
  }

  /** The same for a confidential client, which authenticates at the token endpoint. */
  public Outcome signIn(
      String clientId,
      @Nullable String clientSecret,
      String redirectUri,
      String username,
      String password,
      @Nullable String newPassword,
      @Nullable Supplier<String> secondFactor) {
    String verifier = randomToken();
    String challenge = s256(verifier);
    String authorize =
        "/oauth2/authorize?"
            + form(
                Map.of(
                    "response_type",
                    "code",
                    "client_id",
                    clientId,
                    "redirect_uri",
                    redirectUri,
                    "scope",
                    "openid profile",
                    "state",
                    "s" + randomToken().substring(0, 8),
                    "code_challenge",
                    challenge,
                    "code_challenge_method",
                    "S256"));
    Page page = get(authorize);
    Page login = get("/login");
    page = post("/login", Map.of("username", username, "password", password, "_csrf", csrf(login)));
    for (int hops = 0; hops < 12; hops++) {
      String location = page.location();
      if (location != null && location.startsWith(redirectUri)) {
        String code = query(location).get("code");
        if (code == null) {
          return new Outcome(page.status, null, location, visited);
        }
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", code);
        exchange.put("redirect_uri", redirectUri);
        exchange.put("client_id", clientId);
        exchange.put("code_verifier", verifier);
        if (clientSecret != null) {
          exchange.put("client_secret", clientSecret);
        }
        Page token = post("/oauth2/token", exchange);
        return new Outcome(token.status, JSON.readTree(token.body), "/oauth2/token", visited);
      }
      if (location != null) {
        page = get(location);
        continue;
      }
      if (page.status == 200
          && page.body.contains("action=\"/account/password\"")
          && newPassword != null) {
        page =
            post(
                "/account/password",
                Map.of(
                    "current", password,
                    "password", newPassword,
                    "confirm", newPassword,
                    "_csrf", csrf(page)));
        continue;
      }
      if (page.status == 200
          && page.body.contains("action=\"/account/totp\"")
          && enrolment != null) {
        Matcher key = Pattern.compile("Key: <code>([A-Z2-7]+)</code>").matcher(page.body);
        if (!key.find()) {
          return new Outcome(page.status, null, page.url, visited);
        }
        Page done =
            post(
                "/account/totp",
                Map.of("code", enrolment.apply(key.group(1)), "_csrf", csrf(page)));
        Matcher next = Pattern.compile("id=\"continue\" href=\"([^\"]+)\"").matcher(done.body);
        if (done.status != 200 || !next.find()) {
          return new Outcome(done.status, null, done.url, visited);
        }
        page = get(next.group(1).replace("&amp;", "&"));
        continue;
      }
      if (page.status == 200
          && page.body.contains("action=\"/login/totp\"")
          && secondFactor != null) {
        page = post("/login/totp", Map.of("code", secondFactor.get(), "_csrf", csrf(page)));
        continue;
      }
      return new Outcome(page.status, null, page.url, visited);
    }
    return new Outcome(page.status, null, page.url, visited);
  }

  /**
   * Answers a TOTP enrolment page met during sign-in: {@code codeForKey} gets the base32 key shown
   * and returns the code to enter.
   */
  public BrowserLogin onEnrolment(java.util.function.Function<String, String> codeForKey) {
    this.enrolment = codeForKey;
    return this;
  }

  /** GETs {@code pathOrUrl} in this browser's session. */
  public Page get(String pathOrUrl) {
    return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Accept", "text/html").GET());
  }

  /** POSTs a form in this browser's session. */
  public Page post(String pathOrUrl, Map<String, String> fields) {
    return send(
        HttpRequest.newBuilder(uri(pathOrUrl))
            .header("Accept", "text/html")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
  }

  /** A response with the URL it answered. */
  public record Page(String url, int status, Map<String, List<String>> headers, String body) {
    public @Nullable String location() {
      List<String> values = headers.get("location");
      return values == null || values.isEmpty() ? null : values.getFirst();
    }
  }

  /** The CSRF token of a form on {@code page}. */
  public static String csrf(Page page) {
    Matcher matcher = CSRF.matcher(page.body);
    if (!matcher.find()) {
      throw new IllegalStateException("no CSRF token on " + page.url + ": " + page.body);
    }
    return matcher.group(1);
  }

  private Page send(HttpRequest.Builder request) {
    HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
    try {
      HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
      visited.add(built.method() + " " + built.uri().getPath() + " -> " + response.statusCode());
      return new Page(
          built.uri().toString(), response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String pathOrUrl) {
    return URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl);
  }

  static String form(Map<String, String> fields) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (!out.isEmpty()) {
        out.append('&');
      }
      out.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  static Map<String, String> query(String url) {
    Map<String, String> values = new LinkedHashMap<>();
    String query = URI.create(url).getRawQuery();
    if (query == null) {
      return values;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        values.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
