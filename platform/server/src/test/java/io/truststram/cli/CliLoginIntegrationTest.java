package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.BrowserLogin;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code truststram login} and {@code whoami} against a running server. */
class CliLoginIntegrationTest extends ServerIntegrationTest {

  @TempDir Path config;

  @Test
  void aClientSignsInWithItsCredentials() {
    var client = TestTokens.client(context, TestTokens.systemTenant(context), Role.VIEWER);
    CliRun login =
        CliRun.of(
            "login",
            "--server",
            "http://localhost:" + port,
            "--client-id",
            client.clientId(),
            "--client-secret",
            client.secret(),
            "--config-dir",
            config.toString());
    assertThat(login.exit()).as(login.err()).isZero();
    assertThat(login.out()).contains("Signed in to http://localhost:" + port);

    CliRun whoami = CliRun.of("whoami", "--config-dir", config.toString());
    assertThat(whoami.exit()).as(whoami.err()).isZero();
    assertThat(whoami.out())
        .contains("subject: " + client.clientId())
        .contains("tenant:  " + TestTokens.systemTenant(context))
        .contains("viewer");
  }

  @Test
  void aPersonSignsInByApprovingTheDeviceCodeInABrowser() throws Exception {
    String username = "cli-" + System.nanoTime();
    context
        .getBean(UserService.class)
        .newUser(
            TestTokens.systemTenant(context),
            username,
            "CLI User",
            Set.of(Role.DATA_SCIENTIST),
            "a long cli passphrase",
            false);
    StringWriter out = new StringWriter();
    CommandLine line = TrustStramCli.commandLine();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(new StringWriter(), true));
    CompletableFuture<Integer> login =
        CompletableFuture.supplyAsync(
            () ->
                line.execute(
                    "login",
                    "--server",
                    "http://localhost:" + port,
                    "--poll-seconds",
                    "1",
                    "--config-dir",
                    config.toString()));
    Pattern shown = Pattern.compile("approve the code ([A-Z0-9]{4}-[A-Z0-9]{4})");
    Matcher code =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .until(() -> shown.matcher(out.toString()), Matcher::find);
    String userCode = code.group(1);

    BrowserLogin browser =
        BrowserLogin.signedIn("http://localhost:" + port, username, "a long cli passphrase");
    var page = browser.get("/device?user_code=" + userCode);
    var approve =
        browser.post("/device", Map.of("user_code", userCode, "_csrf", BrowserLogin.csrf(page)));
    assertThat(browser.get(approve.location()).location()).endsWith("/device?approved");

    assertThat(login.get(30, TimeUnit.SECONDS)).isZero();
    CliRun whoami = CliRun.of("whoami", "--config-dir", config.toString());
    assertThat(whoami.out()).contains("subject: " + username).contains("data-scientist");
  }

  @Test
  void wrongCredentialsAndMissingSignInsAreClearErrors() {
    CliRun wrong =
        CliRun.of(
            "login",
            "--server",
            "http://localhost:" + port,
            "--client-id",
            "nobody",
            "--client-secret",
            "wrong",
            "--config-dir",
            config.toString());
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("refused the client's credentials");
    CliRun whoami = CliRun.of("whoami", "--config-dir", config.toString());
    assertThat(whoami.exit()).isEqualTo(1);
    assertThat(whoami.err()).contains("not signed in");
  }
}
