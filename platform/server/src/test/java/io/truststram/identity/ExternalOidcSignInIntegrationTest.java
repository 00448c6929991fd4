package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.BrowserLogin;
import io.truststram.platform.testing.Instances;
import io.truststram.platform.testing.TestTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signing in to TrustStram with another OpenID Connect provider, here a second TrustStram instance
 * on another host name (127.0.0.1, so the two keep separate cookies): the user authenticates at the
 * provider, comes back with a code, becomes {@code <name>@partner} with the provider's default
 * role, and gets our tokens.
 */
class ExternalOidcSignInIntegrationTest {

  private static ConfigurableApplicationContext provider;
  private static ConfigurableApplicationContext app;
  private static int providerPort;
  private static int appPort;

  @BeforeAll
  static void start() throws Exception {
    providerPort = Instances.freePort();
    appPort = Instances.freePort();
    provider =
        Instances.start(
            "--server.port=" + providerPort,
            "--truststram.security.issuer=http://127.0.0.1:" + providerPort);
    var tenant = TestTokens.systemTenant(provider);
    provider
        .getBean(UserService.class)
        .newUser(
            tenant, "grace", "Grace Hopper", Set.of(Role.VIEWER), "cobol compiler 1952", false);
    ClientService.Created client =
        provider
            .getBean(ClientService.class)
            .register(
                TestTokens.setupCaller(tenant),
                tenant,
                "TrustStram A",
                Set.of(Role.VIEWER),
                List.of("http://localhost:" + appPort + "/login/oauth2/code/partner"));
    app =
        Instances.start(
            Instances.partnerProvider(
                "http://127.0.0.1:" + providerPort,
                client.client().clientId(),
                client.clientSecret(),
                "data-scientist",
                "--server.port=" + appPort));
  }

  @AfterAll
  static void stop() {
    app.close();
    provider.close();
  }

  @Test
  void aUserOfTheProviderSignsInAndGetsOurTokens() throws Exception {
    var claims = signInThroughPartner("grace", "cobol compiler 1952");
    assertThat(claims.path("sub").asString()).isEqualTo("grace@partner");
    assertThat(claims.path("iss").asString()).isEqualTo("http://localhost:" + appPort);
    assertThat(claims.path("roles").toString()).isEqualTo("[\"data-scientist\"]");
  }

  @Test
  void theProvidersIdentityIsLinkedByIssuerAndSubjectAndNeverTakesOverAnAccountByName()
      throws Exception {
    var tenant = TestTokens.systemTenant(provider);
    provider
        .getBean(UserService.class)
        .newUser(tenant, "alan", "Alan Turing", Set.of(Role.VIEWER), "bombe at bletchley", false);
    // Our instance already has an account of that name, with a password of its own.
    app.getBean(UserService.class)
        .newUser(
            TestTokens.systemTenant(app),
            "alan@partner",
            "Local Alan",
            Set.of(Role.TENANT_ADMIN),
            "a local password 1234",
            false);

    var first = signInThroughPartner("alan", "bombe at bletchley");
    assertThat(first.path("sub").asString()).isEqualTo("alan-2@partner");
    assertThat(first.path("roles").toString()).isEqualTo("[\"data-scientist\"]");
    // The next sign-in finds the same account through the link.
    assertThat(signInThroughPartner("alan", "bombe at bletchley").path("sub").asString())
        .isEqualTo("alan-2@partner");
  }

  /** Signs in at our instance through the provider as {@code username}; our token's claims. */
  private static tools.jackson.databind.JsonNode signInThroughPartner(
      String username, String password) throws Exception {
    BrowserLogin browser = new BrowserLogin("http://localhost:" + appPort);
    String verifier = "v".repeat(20) + System.nanoTime();
    String challenge =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    String redirect = "http://127.0.0.1/callback";
    var authorize =
        browser.get(
            "/oauth2/authorize?response_type=code&client_id=truststram-cli&scope=openid&redirect_uri="
                + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&code_challenge="
                + challenge
                + "&code_challenge_method=S256");
    assertThat(authorize.location()).endsWith("/login");
    assertThat(browser.get("/login").body()).contains("/oauth2/authorization/partner");

    var toProvider = browser.get("/oauth2/authorization/partner");
    assertThat(toProvider.location())
        .startsWith("http://127.0.0.1:" + providerPort + "/oauth2/authorize");
    assertThat(toProvider.location()).contains("code_challenge=");
    var providerLogin = browser.get(browser.get(toProvider.location()).location());
    var afterLogin =
        browser.post(
            "http://127.0.0.1:" + providerPort + "/login",
            Map.of(
                "username", username,
                "password", password,
                "_csrf", BrowserLogin.csrf(providerLogin)));
    String location = afterLogin.location();
    String code = null;
    for (int hop = 0; hop < 8 && location != null; hop++) {
      if (location.startsWith(redirect)) {
        code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
        break;
      }
      location = browser.get(location).location();
    }
    assertThat(code).as("our authorization code after the provider's sign-in").isNotNull();
    var tokens =
        browser.post(
            "/oauth2/token",
            Map.of(
                "grant_type", "authorization_code",
                "code", code,
                "redirect_uri", redirect,
                "client_id", "truststram-cli",
                "code_verifier", verifier));
    assertThat(tokens.status()).isEqualTo(200);
    String access =
        JsonMapper.builder().build().readTree(tokens.body()).path("access_token").asString();
    var claims =
        JsonMapper.builder()
            .build()
            .readTree(
                new String(
                    Base64.getUrlDecoder().decode(access.split("\\.")[1]), StandardCharsets.UTF_8));
    return claims;
  }
}
