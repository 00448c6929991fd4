package io.truststram.cli;

import io.truststram.platform.testing.TestTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of the {@code truststram} command line, with what it printed.
 *
 * @param exit its exit code
 * @param out what it printed to standard output
 * @param err what it printed to standard error
 */
record CliRun(int exit, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = TrustStramCli.commandLine();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int exit = line.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** The last line printed, as JSON (what {@code --json} prints); asserts the run succeeded. */
  tools.jackson.databind.JsonNode lastJson() {
    org.assertj.core.api.Assertions.assertThat(exit).as(err).isZero();
    return tools.jackson.databind.json.JsonMapper.builder()
        .build()
        .readTree(out.lines().toList().getLast());
  }

  /** Signs in as an API client, keeping the credentials in {@code configDir}; asserts success. */
  static void login(int port, TestTokens.TestClient client, String configDir) {
    CliRun run =
        of(
            "login",
            "--server",
            "http://localhost:" + port,
            "--client-id",
            client.clientId(),
            "--client-secret",
            client.secret(),
            "--config-dir",
            configDir);
    if (run.exit() != 0) {
      throw new AssertionError("login failed: " + run.err());
    }
  }
}
