package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.BrowserLogin;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Adding a passkey, a credential that signs in alone, needs a recently proved factor: a session
 * signed in longer ago than the window confirms the password first (here a 2 s window).
 */
@TestPropertySource(properties = "truststram.identity.webauthn.reauthenticate-after=2s")
class PasskeyStepUpIntegrationTest extends ServerIntegrationTest {

  private static final String PASSWORD = "difference engine no 2";

  @Test
  void anOldSessionConfirmsThePasswordBeforeAddingAPasskey() {
    String username = "stepup-" + System.nanoTime();
    context
        .getBean(UserService.class)
        .newUser(
            TestTokens.systemTenant(context),
            username,
            "Step Up",
            Set.of(Role.VIEWER),
            PASSWORD,
            false);
    BrowserLogin browser = BrowserLogin.signedIn("http://localhost:" + port, username, PASSWORD);

    var page = browser.get("/account/passkeys");
    assertThat(page.body()).contains("id=\"passkey-register\"");
    assertThat(options(browser).status()).isEqualTo(200);

    // Once the sign-in is older than the window, neither the page nor the endpoint offers it.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> options(browser).status() == 403);
    var stale = browser.get("/account/passkeys");
    assertThat(stale.body())
        .contains("confirm your password")
        .doesNotContain("id=\"passkey-register\"");
    assertThat(options(browser).body()).contains("reauthentication_required");

    var wrong =
        browser.post(
            "/account/passkeys/confirm",
            Map.of("password", "not it at all", "_csrf", BrowserLogin.csrf(stale)));
    assertThat(wrong.status()).isEqualTo(400);
    var right =
        browser.post(
            "/account/passkeys/confirm",
            Map.of("password", PASSWORD, "_csrf", BrowserLogin.csrf(stale)));
    assertThat(right.location()).endsWith("/account/passkeys");
    var fresh = browser.get("/account/passkeys");
    assertThat(fresh.body()).contains("id=\"passkey-register\"");
    assertThat(options(browser).status()).isEqualTo(200);
  }

  /** Asks for registration options, as the page's script does (the CSRF token from /account). */
  private static BrowserLogin.Page options(BrowserLogin browser) {
    return browser.post(
        "/webauthn/register/options", Map.of("_csrf", BrowserLogin.csrf(browser.get("/account"))));
  }
}
