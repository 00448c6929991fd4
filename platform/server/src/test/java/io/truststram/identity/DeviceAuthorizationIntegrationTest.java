package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.internal.client.ClientService;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.BrowserLogin;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The device authorization grant (RFC 8628) for the CLI: the device gets a code, polls, and gets
 * tokens once the user approved that code on the device page; a link alone approves nothing.
 */
class DeviceAuthorizationIntegrationTest extends ServerIntegrationTest {

  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  private static final String PASSWORD = "punched cards of the loom";

  @Test
  void theCliGetsTokensOnceTheUserApprovesItsCodeOnTheDevicePage() throws Exception {
    String username = "device-" + System.nanoTime();
    context
        .getBean(UserService.class)
        .newUser(
            TestTokens.systemTenant(context),
            username,
            "Device User",
            Set.of(Role.DATA_SCIENTIST),
            PASSWORD,
            false);

    var authorization = deviceAuthorization("truststram-cli");
    assertThat(authorization.status()).as(authorization.body()).isEqualTo(200);
    JsonNode grant = authorization.json();
    String deviceCode = grant.path("device_code").asString();
    String userCode = grant.path("user_code").asString();
    assertThat(userCode).matches("[A-Z0-9]{4}-[A-Z0-9]{4}");
    assertThat(grant.path("verification_uri").asString()).endsWith("/device");
    assertThat(grant.path("verification_uri_complete").asString())
        .endsWith("/device?user_code=" + userCode);

    assertThat(poll(deviceCode).json().path("error").asString()).isEqualTo("authorization_pending");

    BrowserLogin browser = BrowserLogin.signedIn("http://localhost:" + port, username, PASSWORD);

    // A link straight to the verification endpoint (one an attacker could send) approves nothing.
    var link = browser.get("/oauth2/device_verification?user_code=" + userCode);
    assertThat(link.location()).endsWith("/device?user_code=" + userCode);
    // Nor does one whose path is percent-encoded to look different from the endpoint's.
    var encoded = browser.get("/oauth2/device%5Fverification?user_code=" + userCode);
    assertThat(encoded.location())
        .as("status " + encoded.status())
        .endsWith("/device?user_code=" + userCode);
    assertThat(poll(deviceCode).json().path("error").asString()).isEqualTo("authorization_pending");

    URI complete = URI.create(grant.path("verification_uri_complete").asString());
    var page = browser.get(complete.getRawPath() + "?" + complete.getRawQuery());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("value=\"" + userCode + "\"");
    // The page says who is asking, and for what (RFC 8628, section 5.4).
    assertThat(page.body()).contains("Asking: <b>TrustStram CLI</b>, for profile");
    var approve =
        browser.post("/device", Map.of("user_code", userCode, "_csrf", BrowserLogin.csrf(page)));
    var verified = browser.get(approve.location());
    assertThat(verified.location())
        .as(verified.status() + " " + verified.body())
        .endsWith("/device?approved");

    var tokens = poll(deviceCode);
    assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
    JsonNode claims = claims(tokens.json().path("access_token").asString());
    assertThat(claims.path("sub").asString()).isEqualTo(username);
    assertThat(claims.path("client_id").asString()).isEqualTo("truststram-cli");
    assertThat(claims.path("roles").toString()).isEqualTo("[\"data-scientist\"]");
    assertThat(claims.path("amr").toString()).isEqualTo("[\"pwd\"]");
    // A device code works once.
    var again = poll(deviceCode);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().has("access_token")).isFalse();
    assertThat(again.json().path("error").asString()).isEqualTo("access_denied");
  }

  @Test
  void onlyClientsRegisteredForTheGrantWithoutASecretMayUseItThatWay() {
    assertThat(deviceAuthorization("no-such-client").status()).isEqualTo(401);
    // The console is public but not registered for this grant.
    var console = deviceAuthorization("truststram-console");
    assertThat(console.status()).as(console.body()).isEqualTo(401);
    assertThat(console.json().path("error").asString()).isEqualTo("invalid_client");

    // A confidential client cannot skip its secret by using this grant.
    ClientService.Created confidential =
        context
            .getBean(ClientService.class)
            .register(
                TestTokens.setupCaller(TestTokens.systemTenant(context)),
                TestTokens.systemTenant(context),
                "confidential",
                Set.of(Role.VIEWER),
                List.of("https://app.example/callback"));
    assertThat(deviceAuthorization(confidential.client().clientId()).status()).isEqualTo(401);
  }

  @Test
  void aMistypedCodeOnTheDevicePageIsRefusedPlainly() {
    String username = "device-typo-" + System.nanoTime();
    context
        .getBean(UserService.class)
        .newUser(
            TestTokens.systemTenant(context),
            username,
            "Typo",
            Set.of(Role.VIEWER),
            PASSWORD,
            false);
    BrowserLogin browser = BrowserLogin.signedIn("http://localhost:" + port, username, PASSWORD);
    var page = browser.get("/device");
    var tooShort =
        browser.post("/device", Map.of("user_code", "ABC", "_csrf", BrowserLogin.csrf(page)));
    assertThat(tooShort.status()).isEqualTo(400);
    var unknown =
        browser.post("/device", Map.of("user_code", "ZZZZ-ZZZZ", "_csrf", BrowserLogin.csrf(page)));
    assertThat(browser.get(unknown.location()).location()).endsWith("/device?error");
  }

  private HttpTestClient.Response deviceAuthorization(String clientId) {
    return http.anonymous()
        .post(
            "/oauth2/device_authorization",
            "application/x-www-form-urlencoded",
            "client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8) + "&scope=profile");
  }

  private HttpTestClient.Response poll(String deviceCode) {
    return http.anonymous()
        .post(
            "/oauth2/token",
            "application/x-www-form-urlencoded",
            "grant_type="
                + URLEncoder.encode(DEVICE_GRANT, StandardCharsets.UTF_8)
                + "&client_id=truststram-cli&device_code="
                + URLEncoder.encode(deviceCode, StandardCharsets.UTF_8));
  }

  private static JsonNode claims(String jwt) {
    return JsonMapper.builder()
        .build()
        .readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }
}
