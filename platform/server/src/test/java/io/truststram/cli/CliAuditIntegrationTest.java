package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram audit ...} against the server signed in to: append, query, prove, export, and
 * verify the export offline with the public keys fetched once; an edited export fails.
 */
class CliAuditIntegrationTest extends ServerIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  private static JsonNode json(CliRun run) {
    return run.lastJson();
  }

  @Test
  void theLogIsQueriedProvedExportedAndVerifiedFromTheCommandLine() throws Exception {
    var tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("cli-audit-" + System.nanoTime(), "CLI audit"))
            .id();
    var administrator = TestTokens.client(context, tenant, Role.TENANT_ADMIN);
    String config = work.resolve("config").toString();
    CliRun.login(port, administrator, config);

    long index = 0;
    for (int i = 0; i < 5; i++) {
      index =
          json(CliRun.of(
                  "audit",
                  "append",
                  "--action",
                  "record.viewed",
                  "--resource",
                  "patients/" + i,
                  "--detail",
                  "ward=3",
                  "--config-dir",
                  config,
                  "--json"))
              .path("index")
              .asLong();
    }
    JsonNode log =
        json(
            CliRun.of(
                "audit", "log", "--action", "record.viewed", "--config-dir", config, "--json"));
    assertThat(log.path("entries")).hasSize(5);
    assertThat(log.path("entries").get(4).path("entry").path("details").path("ward").asString())
        .isEqualTo("3");

    JsonNode proved =
        json(
            CliRun.of(
                "audit",
                "prove",
                "--index",
                Long.toString(index),
                "--config-dir",
                config,
                "--json"));
    assertThat(proved.path("valid").asBoolean()).isTrue();

    Path keys = work.resolve("audit.pub");
    json(
        CliRun.of(
            "audit",
            "public-keys",
            "--pem",
            "--out",
            keys.toString(),
            "--config-dir",
            config,
            "--json"));
    assertThat(Files.readString(keys)).startsWith("-----BEGIN PUBLIC KEY-----");
    Path export = work.resolve("audit.jsonl");
    json(
        CliRun.of("audit", "export", "--out", export.toString(), "--config-dir", config, "--json"));

    JsonNode verified =
        json(
            CliRun.of(
                "audit", "verify", export.toString(), "--public-key", keys.toString(), "--json"));
    assertThat(verified.path("valid").asBoolean()).isTrue();
    assertThat(verified.path("entries").asLong()).isGreaterThan(index);

    // An edited export names the entry.
    String text = Files.readString(export);
    Files.writeString(export, text.replaceFirst("patients/2", "patients/9"));
    CliRun tampered =
        CliRun.of("audit", "verify", export.toString(), "--public-key", keys.toString(), "--json");
    assertThat(tampered.exit()).isEqualTo(1);
    JsonNode failure = JSON.readTree(tampered.out().lines().toList().getLast());
    assertThat(failure.path("valid").asBoolean()).isFalse();
    assertThat(failure.path("failure").asString()).contains("does not match its recorded hash");

    CliRun outOfRange =
        CliRun.of("audit", "prove", "--index", "999999", "--config-dir", config, "--json");
    assertThat(outOfRange.exit()).isNotZero();
    assertThat(outOfRange.err()).contains("audit-out-of-range").doesNotContain("Exception");
  }
}
