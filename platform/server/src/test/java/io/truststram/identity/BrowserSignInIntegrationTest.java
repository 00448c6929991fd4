package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.Instances;
import io.truststram.platform.testing.TestTokens;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sign-in driven through a real browser (Debian's Chromium, headless, through ChromeDriver):
 *
 * <ul>
 *   <li>a standard OpenID Connect relying party (Spring Security's OAuth 2.0 client, inside a
 *       second TrustStram configured with this one as its provider) completes the authorization
 *       code flow with PKCE against us, the browser following every redirect and submitting our
 *       sign-in form;
 *   <li>a user registers a passkey on Chromium's virtual authenticator (CTAP2, user verification),
 *       signs in with it alone, and uses it as the second factor after a password in an OAuth
 *       authorization, whose tokens then say {@code amr: [pwd, hwk, mfa]}.
 * </ul>
 *
 * <p>Where Chromium is not installed the tests are skipped, unless {@code
 * TRUSTSTRAM_BROWSER_TESTS=required} (as {@code .ci/run} sets, after installing it) makes that a
 * failure.
 */
class BrowserSignInIntegrationTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String PASSWORD = "analytical engine 1843";
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ConfigurableApplicationContext provider;
  private static ConfigurableApplicationContext relyingParty;
  private static String providerUrl;
  private static String relyingPartyUrl;

  private ChromeDriver browser;
  private WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      if ("required".equals(System.getenv("TRUSTSTRAM_BROWSER_TESTS"))) {
        fail(
            "browser tests are required here, but "
                + CHROMIUM
                + " or "
                + CHROMEDRIVER
                + " is missing");
      }
      Assumptions.abort("Chromium and ChromeDriver are not installed");
    }
    int providerPort = Instances.freePort();
    int relyingPartyPort = Instances.freePort();
    // The provider on "localhost" (a secure context, so WebAuthn works over http), the relying
    // party on 127.0.0.1: two hosts, so the browser keeps their sessions apart.
    providerUrl = "http://localhost:" + providerPort;
    relyingPartyUrl = "http://127.0.0.1:" + relyingPartyPort;
    provider =
        Instances.start(
            "--server.port=" + providerPort, "--truststram.security.issuer=" + providerUrl);
    var tenant = TestTokens.systemTenant(provider);
    UserService users = provider.getBean(UserService.class);
    users.newUser(tenant, "grace", "Grace Hopper", Set.of(Role.VIEWER), PASSWORD, false);
    users.newUser(tenant, "ada", "Ada Lovelace", Set.of(Role.DATA_SCIENTIST), PASSWORD, false);
    ClientService.Created client =
        provider
            .getBean(ClientService.class)
            .register(
                TestTokens.setupCaller(tenant),
                tenant,
                "Relying party",
                Set.of(Role.VIEWER),
                List.of(relyingPartyUrl + "/login/oauth2/code/partner"));
    relyingParty =
        Instances.start(
            Instances.partnerProvider(
                providerUrl,
                client.client().clientId(),
                client.clientSecret(),
                "viewer",
                "--server.port=" + relyingPartyPort,
                "--truststram.security.issuer=" + relyingPartyUrl));
  }

  @AfterAll
  static void stop() {
    if (relyingParty != null) {
      relyingParty.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @BeforeEach
  void openBrowser() throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + Files.createTempDirectory("truststram-chromium"));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, PATIENCE);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void aStandardRelyingPartyCompletesCodeWithPkceThroughTheBrowser() {
    browser.get(relyingPartyUrl + "/account");
    wait.until(ExpectedConditions.urlToBe(relyingPartyUrl + "/login"));
    browser.findElement(By.linkText("Sign in with partner")).click();

    wait.until(ExpectedConditions.urlToBe(providerUrl + "/login"));
    signInWithPassword("grace");

    wait.until(ExpectedConditions.urlContains(relyingPartyUrl + "/account"));
    assertThat(browser.findElement(By.tagName("body")).getText())
        .contains("Signed in as grace@partner");
  }

  @Test
  void aPasskeySignsInAloneAndAsTheSecondFactorAfterAPassword() throws Exception {
    VirtualAuthenticator authenticator =
        ((HasVirtualAuthenticator) browser)
            .addVirtualAuthenticator(
                new VirtualAuthenticatorOptions()
                    .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                    .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                    .setHasResidentKey(true)
                    .setHasUserVerification(true)
                    .setIsUserVerified(true));

    // Register a passkey on the account page, signed in with the password.
    browser.get(providerUrl + "/login");
    signInWithPassword("ada");
    wait.until(ExpectedConditions.urlToBe(providerUrl + "/account"));
    browser.get(providerUrl + "/account/passkeys");
    browser.findElement(By.id("label")).sendKeys("test laptop");
    browser.findElement(By.id("passkey-register")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("ul"), "test laptop"));
    assertThat(authenticator.getCredentials()).hasSize(1);

    // The passkey alone signs in (a discoverable credential: no name typed).
    signOut();
    browser.get(providerUrl + "/login");
    browser.findElement(By.id("passkey-sign-in")).click();
    wait.until(ExpectedConditions.urlToBe(providerUrl + "/account"));
    assertThat(browser.findElement(By.tagName("body")).getText()).contains("Signed in as ada");

    // After a password, the passkey is the second factor the authorization server asks for.
    signOut();
    try (Callback callback = new Callback()) {
      String verifier = "browser-test-verifier-" + System.nanoTime();
      browser.get(
          providerUrl
              + "/oauth2/authorize?response_type=code&client_id=truststram-cli&scope=openid"
              + "&redirect_uri="
              + URLEncoder.encode(callback.uri(), StandardCharsets.UTF_8)
              + "&code_challenge="
              + challenge(verifier)
              + "&code_challenge_method=S256");
      wait.until(ExpectedConditions.urlToBe(providerUrl + "/login"));
      signInWithPassword("ada");
      wait.until(ExpectedConditions.urlToBe(providerUrl + "/login/totp"));
      browser.findElement(By.id("passkey-second-factor")).click();
      String code = callback.code().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

      JsonNode tokens = exchange(code, callback.uri(), verifier);
      JsonNode claims =
          JSON.readTree(
              Base64.getUrlDecoder()
                  .decode(tokens.path("access_token").asString().split("\\.")[1]));
      assertThat(claims.path("sub").asString()).isEqualTo("ada");
      assertThat(claims.path("amr").toString()).isEqualTo("[\"pwd\",\"hwk\",\"mfa\"]");
    }
  }

  private void signInWithPassword(String username) {
    browser.findElement(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector("form[action='/login'] button[type=submit]")).click();
  }

  private void signOut() {
    browser.get(providerUrl + "/account");
    browser.findElement(By.cssSelector("form[action='/logout'] button")).click();
    wait.until(ExpectedConditions.urlToBe(providerUrl + "/login?logout"));
  }

  private JsonNode exchange(String code, String redirectUri, String verifier) throws Exception {
    String form =
        "grant_type=authorization_code&client_id=truststram-cli&code="
            + URLEncoder.encode(code, StandardCharsets.UTF_8)
            + "&redirect_uri="
            + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8)
            + "&code_verifier="
            + verifier;
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(providerUrl + "/oauth2/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    }
  }

  private static String challenge(String verifier) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A loopback redirect target, as a native app (the CLI) would listen on, catching the code. */
  private static final class Callback implements AutoCloseable {
    private final HttpServer server;
    private final CompletableFuture<String> code = new CompletableFuture<>();

    Callback() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/callback",
          exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String value = query == null ? null : query.replaceAll("(^|.*&)code=([^&]+).*", "$2");
            if (value != null && !value.equals(query)) {
              code.complete(java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
            } else {
              code.completeExceptionally(new AssertionError("no code in " + query));
            }
            byte[] body = "Signed in; you can close this window.".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
    }

    String uri() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
    }

    CompletableFuture<String> code() {
      return code;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
