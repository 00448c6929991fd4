package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.internal.mfa.Totp;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.BrowserLogin;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * People signing in through the browser flow (authorization code with PKCE): the one-time password
 * that must be changed, lock-out after failures, TOTP enrolment and its use at sign-in (with replay
 * and recovery codes), disabled accounts, and refresh-token rotation.
 */
class SignInFlowIntegrationTest extends ServerIntegrationTest {

  private static final String CLI = "truststram-cli";
  private static final String LOOPBACK = "http://127.0.0.1/callback";
  private static final String CHOSEN = "a long chosen passphrase 7";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TenantId tenant;
  private String username;
  private String oneTimePassword;
  private String userId;

  @BeforeEach
  void aUser() {
    tenant = TestTokens.systemTenant(context);
    username = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    Caller setup = TestTokens.setupCaller(tenant);
    var registered =
        context
            .getBean(UserService.class)
            .register(setup, tenant, username, "Ada", Set.of(Role.DATA_SCIENTIST));
    oneTimePassword = registered.oneTimePassword();
    userId = registered.user().id().toString();
  }

  private BrowserLogin browser() {
    return new BrowserLogin("http://localhost:" + port);
  }

  private static JsonNode claims(String jwt) {
    return JSON.readTree(
        new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  void aNewUserMustChooseAPasswordThenGetsTokensForTheirTenantAndRoles() {
    var outcome = browser().signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null);
    assertThat(outcome.visited()).anyMatch(step -> step.startsWith("GET /account/password"));
    JsonNode access = claims(outcome.accessToken());
    assertThat(access.path("sub").asString()).isEqualTo(username);
    assertThat(access.path("tenant").asString()).isEqualTo(tenant.toString());
    assertThat(access.path("roles").toString()).isEqualTo("[\"data-scientist\"]");
    assertThat(access.path("amr").toString()).isEqualTo("[\"pwd\"]");
    assertThat(outcome.tokens().path("id_token").asString()).isNotBlank();
    var me = http.anonymous().withToken(outcome.accessToken()).get("/api/v1/identity/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().path("permissions").toString()).contains("model:deploy");
    // The one-time password no longer works; the chosen one does, without another change.
    assertThat(browser().signIn(CLI, LOOPBACK, username, oneTimePassword, null, null).tokens())
        .isNull();
    assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, null).accessToken())
        .isNotBlank();
  }

  @Test
  void aWeakNewPasswordIsRefusedAndTheUserStaysOnThePasswordPage() {
    var outcome = browser().signIn(CLI, LOOPBACK, username, oneTimePassword, "password1234", null);
    assertThat(outcome.tokens()).isNull();
    assertThat(outcome.status()).isEqualTo(400);
  }

  @Test
  void repeatedFailuresLockTheAccountEvenForTheRightPasswordUntilAnAdminUnlocksIt() {
    for (int i = 0; i < 5; i++) {
      assertThat(
              browser()
                  .signIn(CLI, LOOPBACK, username, "wrong password " + i, null, null)
                  .lastPage())
          .contains("/login?error");
    }
    var locked = browser().signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null);
    assertThat(locked.tokens()).isNull();
    assertThat(locked.lastPage()).contains("/login?error");
    assertThat(http.get("/api/v1/identity/users/" + userId).json().path("locked").asBoolean())
        .isTrue();

    assertThat(
            http.post("/api/v1/identity/users/" + userId + "/unlock", "application/json", "")
                .status())
        .isEqualTo(200);
    assertThat(
            browser().signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null).accessToken())
        .isNotBlank();
  }

  @Test
  void totpEnrolmentThenSignInNeedsACodeThatWorksOnceAndRecoveryCodesWorkOnce() {
    BrowserLogin enrolling = browser();
    enrolling.signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null).accessToken();
    var enrolPage = enrolling.get("/account/totp");
    assertThat(enrolPage.body()).contains("<svg").contains("otpauth").doesNotContain("<script");
    byte[] seed = base32(match(enrolPage.body(), "Key: <code>([A-Z2-7]+)</code>"));
    long step = Totp.step(Instant.now());
    var enabled =
        enrolling.post(
            "/account/totp",
            Map.of("code", Totp.code(seed, step), "_csrf", BrowserLogin.csrf(enrolPage)));
    assertThat(enabled.status()).isEqualTo(200);
    List<String> recovery = matches(enabled.body(), "<li>([a-zA-Z0-9]{5}-[a-zA-Z0-9]{5})</li>");
    assertThat(recovery).hasSize(10);

    // The enrolment code's step is spent; the next step's code (within the drift window) works.
    String next = Totp.code(seed, step + 1);
    var withTotp = browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, () -> next);
    assertThat(withTotp.visited()).anyMatch(s -> s.startsWith("GET /login/totp"));
    assertThat(claims(withTotp.accessToken()).path("amr").toString())
        .contains("\"pwd\"", "\"otp\"", "\"mfa\"");

    var replay = browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, () -> next);
    assertThat(replay.tokens()).as("a replayed code").isNull();
    assertThat(replay.status()).isEqualTo(400);

    assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, () -> "000000").tokens())
        .isNull();
    assertThat(
            browser()
                .signIn(CLI, LOOPBACK, username, CHOSEN, null, recovery::getFirst)
                .accessToken())
        .isNotBlank();
    assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, recovery::getFirst).tokens())
        .as("a spent recovery code")
        .isNull();
  }

  @Test
  void aTenantThatRequiresASecondFactorMakesItsUsersEnrolBeforeTheyGetATokenAndUseItAfter() {
    TenantId strict =
        context
            .getBean(Tenants.class)
            .create(
                new NewTenant("strict-" + UUID.randomUUID().toString().substring(0, 8), "Strict"))
            .id();
    var policy =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/identity/mfa-policy"))
                .header("Content-Type", "application/json")
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"requiredForRoles\":[\"data-scientist\"],\"tenantId\":\""
                            + strict
                            + "\"}")));
    assertThat(policy.status()).isEqualTo(200);
    assertThat(
            http.get("/api/v1/identity/mfa-policy?tenantId=" + strict)
                .json()
                .path("requiredForRoles")
                .toString())
        .isEqualTo("[\"data-scientist\"]");
    String name = "grace-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    var grace =
        context
            .getBean(UserService.class)
            .register(
                TestTokens.setupCaller(strict), strict, name, "Grace", Set.of(Role.DATA_SCIENTIST));

    byte[][] seed = new byte[1][];
    var enrolled =
        browser()
            .onEnrolment(
                key -> {
                  seed[0] = base32(key);
                  return Totp.code(seed[0], Totp.step(Instant.now()));
                })
            .signIn(CLI, LOOPBACK, name, grace.oneTimePassword(), CHOSEN, null);
    assertThat(enrolled.visited()).anyMatch(step -> step.startsWith("GET /account/totp"));
    assertThat(claims(enrolled.accessToken()).path("amr").toString()).contains("\"mfa\"");

    // From now on the code is asked for at every sign-in.
    String next = Totp.code(seed[0], Totp.step(Instant.now()) + 1);
    var again = browser().signIn(CLI, LOOPBACK, name, CHOSEN, null, () -> next);
    assertThat(again.visited()).anyMatch(step -> step.startsWith("GET /login/totp"));
    assertThat(again.accessToken()).isNotBlank();
    // Without a code there is no token.
    assertThat(browser().signIn(CLI, LOOPBACK, name, CHOSEN, null, null).tokens()).isNull();
  }

  @Test
  void wrongCodesCountTowardsTheLockOutEvenAcrossSessionsWithTheRightPassword() {
    BrowserLogin enrolling = browser();
    enrolling.signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null).accessToken();
    var enrolPage = enrolling.get("/account/totp");
    byte[] seed = base32(match(enrolPage.body(), "Key: <code>([A-Z2-7]+)</code>"));
    long step = Totp.step(Instant.now());
    assertThat(
            enrolling
                .post(
                    "/account/totp",
                    Map.of("code", Totp.code(seed, step), "_csrf", BrowserLogin.csrf(enrolPage)))
                .status())
        .isEqualTo(200);
    String wrong = Totp.code(seed, step + 1).equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) {
      // A fresh session each time: the right password, then one wrong code.
      assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, () -> wrong).tokens())
          .isNull();
    }
    String right = Totp.code(seed, step + 1);
    var locked = browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, () -> right);
    assertThat(locked.tokens()).isNull();
    assertThat(locked.lastPage()).contains("/login?error");
    assertThat(
            http.post("/api/v1/identity/users/" + userId + "/unlock", "application/json", "")
                .status())
        .isEqualTo(200);
    assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, () -> right).accessToken())
        .isNotBlank();
  }

  @Test
  void aDisabledUserCannotSignInAndTheirTokensStopWorkingAtOnce() {
    String access =
        browser().signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null).accessToken();
    assertThat(http.withToken(access).get("/api/v1/identity/me").status()).isEqualTo(200);
    var disable =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v1/identity/users/"
                            + userId
                            + "/status"))
                .header("Content-Type", "application/json")
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"status\":\"disabled\"}")));
    assertThat(disable.status()).isEqualTo(200);
    assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, null).tokens()).isNull();
    // The access token issued before is revoked, not left to run out its ten minutes.
    assertThat(http.withToken(access).get("/api/v1/identity/me").status()).isEqualTo(401);
  }

  @Test
  void aConfidentialWebClientGetsRefreshTokensThatRotateOnEveryUse() {
    var created =
        http.postJson(
            "/api/v1/identity/clients",
            "{\"name\":\"console backend\",\"roles\":[\"viewer\"],"
                + "\"redirectUris\":[\"https://console.example/callback\"]}");
    assertThat(created.status()).isEqualTo(201);
    String clientId = created.json().path("client").path("clientId").asString();
    String secret = created.json().path("clientSecret").asString();
    var outcome =
        browser()
            .signIn(
                clientId,
                secret,
                "https://console.example/callback",
                username,
                oneTimePassword,
                CHOSEN,
                null);
    String refresh = outcome.tokens().path("refresh_token").asString();
    assertThat(refresh).isNotBlank();

    HttpTestClient anonymous = http.anonymous();
    String form = "grant_type=refresh_token&client_id=" + clientId + "&client_secret=" + secret;
    var first =
        anonymous.post(
            "/oauth2/token",
            "application/x-www-form-urlencoded",
            form + "&refresh_token=" + refresh);
    assertThat(first.status()).isEqualTo(200);
    String rotated = first.json().path("refresh_token").asString();
    assertThat(rotated).isNotBlank().isNotEqualTo(refresh);
    assertThat(claims(first.json().path("access_token").asString()).path("sub").asString())
        .isEqualTo(username);
    var reused =
        anonymous.post(
            "/oauth2/token",
            "application/x-www-form-urlencoded",
            form + "&refresh_token=" + refresh);
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.body()).contains("invalid_grant");
    assertThat(
            anonymous
                .post(
                    "/oauth2/token",
                    "application/x-www-form-urlencoded",
                    form + "&refresh_token=" + rotated)
                .status())
        .isEqualTo(200);
  }

  @Test
  void aTenantAdminCreatesAnApiClientFromTheAccountPagesAndADataScientistCannot() {
    BrowserLogin scientist = browser();
    scientist.signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null).accessToken();
    var form = scientist.get("/account/clients");
    var refused =
        scientist.post(
            "/account/clients",
            Map.of("name", "mine", "roles", "viewer", "_csrf", BrowserLogin.csrf(form)));
    assertThat(refused.status()).isEqualTo(403);

    Caller setup = TestTokens.setupCaller(tenant);
    String adminName = "root-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    var admin =
        context
            .getBean(UserService.class)
            .register(setup, tenant, adminName, "Admin", Set.of(Role.TENANT_ADMIN));
    BrowserLogin tenantAdmin = browser();
    tenantAdmin
        .signIn(CLI, LOOPBACK, adminName, admin.oneTimePassword(), CHOSEN, null)
        .accessToken();
    var page = tenantAdmin.get("/account/clients");
    assertThat(page.body()).doesNotContain("value=\"platform-admin\"");
    var created =
        tenantAdmin.post(
            "/account/clients",
            Map.of("name", "scripts", "roles", "viewer", "_csrf", BrowserLogin.csrf(page)));
    assertThat(created.status()).isEqualTo(200);
    String clientId = match(created.body(), "Client id: <code>([^<]+)</code>");
    String secret = match(created.body(), "Secret: <code>([^<]+)</code>");
    var token = TestTokens.tokenResponse(port, clientId, secret);
    assertThat(token.status()).isEqualTo(200);
    assertThat(claims(token.json().path("access_token").asString()).path("tenant").asString())
        .isEqualTo(tenant.toString());
  }

  @Test
  void aTenantsClientCannotSignInAnotherTenantsUsers() {
    var created =
        http.postJson(
            "/api/v1/identity/clients",
            "{\"name\":\"system app\",\"roles\":[\"viewer\"],"
                + "\"redirectUris\":[\"https://app.example/callback\"]}");
    String clientId = created.json().path("client").path("clientId").asString();
    String secret = created.json().path("clientSecret").asString();
    TenantId other =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("other-" + UUID.randomUUID().toString().substring(0, 8), "Other"))
            .id();
    String name = "eve-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
    var eve =
        context
            .getBean(UserService.class)
            .register(TestTokens.setupCaller(other), other, name, "Eve", Set.of(Role.TENANT_ADMIN));
    var outcome =
        browser()
            .signIn(
                clientId,
                secret,
                "https://app.example/callback",
                name,
                eve.oneTimePassword(),
                CHOSEN,
                null);
    assertThat(outcome.status()).isEqualTo(400);
    assertThat(outcome.tokens().path("access_token").isMissingNode()).isTrue();
    assertThat(outcome.tokens().path("error").asString()).isEqualTo("invalid_grant");
  }

  @Test
  void aPasswordAloneDoesNotReachTheAccountPagesWhenASecondFactorIsDue() {
    enrolTotp();

    BrowserLogin passwordOnly = browser();
    assertThat(passwordOnly.signIn(CLI, LOOPBACK, username, CHOSEN, null, null).tokens()).isNull();
    for (String page :
        List.of("/account", "/account/clients", "/account/password", "/account/passkeys")) {
      assertThat(passwordOnly.get(page).location()).as(page).endsWith("/login/totp");
    }
    // Nor can it register a passkey of its own and so step round the TOTP code.
    var secondFactor = passwordOnly.get("/login/totp");
    var options =
        passwordOnly.post(
            "/webauthn/register/options", Map.of("_csrf", BrowserLogin.csrf(secondFactor)));
    assertThat(options.status()).isEqualTo(302);
    assertThat(options.location()).endsWith("/login/totp");
  }

  @Test
  void anAdminRemovesALostSecondFactorAndThePasswordSignsInAgain() {
    enrolTotp();
    assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, null).tokens()).isNull();

    var reset = http.method("DELETE", "/api/v1/identity/users/" + userId + "/second-factors");
    assertThat(reset.status()).isEqualTo(200);
    assertThat(browser().signIn(CLI, LOOPBACK, username, CHOSEN, null, null).accessToken())
        .isNotBlank();
  }

  /** Signs the test user in (choosing their password) and turns TOTP on; the TOTP seed. */
  private byte[] enrolTotp() {
    BrowserLogin enrolling = browser();
    enrolling.signIn(CLI, LOOPBACK, username, oneTimePassword, CHOSEN, null).accessToken();
    var enrolPage = enrolling.get("/account/totp");
    byte[] seed = base32(match(enrolPage.body(), "Key: <code>([A-Z2-7]+)</code>"));
    enrolling.post(
        "/account/totp",
        Map.of(
            "code",
            Totp.code(seed, Totp.step(Instant.now())),
            "_csrf",
            BrowserLogin.csrf(enrolPage)));
    return seed;
  }

  @Test
  void noUserDetailsServiceBeanLetsSpringAddAPasswordCheckThatSkipsTheLockOut() {
    assertThat(
            context.getBeanNamesForType(
                org.springframework.security.core.userdetails.UserDetailsService.class))
        .isEmpty();
  }

  @Test
  void aTenantAdminCannotTakeOverAPlatformAdminsAccount() {
    String admin =
        context.getBean(UserService.class).findByUsername("admin").orElseThrow().id().toString();
    var tenantAdmin =
        http.anonymous()
            .withToken(
                TestTokens.token(port, TestTokens.client(context, tenant, Role.TENANT_ADMIN)));
    for (String action : List.of("/password-reset", "/unlock")) {
      var response =
          tenantAdmin.post("/api/v1/identity/users/" + admin + action, "application/json", "");
      assertThat(response.status()).as(action).isEqualTo(403);
    }
  }

  @Test
  void badRedirectUrisAreRefused() {
    var response =
        http.postJson(
            "/api/v1/identity/clients",
            "{\"name\":\"x\",\"roles\":[\"viewer\"],\"redirectUris\":[\"http://evil.example/cb\"]}");
    assertThat(response.status()).isEqualTo(400);
  }

  private static String match(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex + " in " + text).isTrue();
    return matcher.group(1);
  }

  private static List<String> matches(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    List<String> found = new java.util.ArrayList<>();
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  private static byte[] base32(String text) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : text.toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
