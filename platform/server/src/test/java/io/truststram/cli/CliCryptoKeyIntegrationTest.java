package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code truststram crypto key ...} against the server signed in to. */
class CliCryptoKeyIntegrationTest extends ServerIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  private JsonNode json(CliRun run) {
    assertThat(run.exit()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    return JSON.readTree(lines.getLast());
  }

  @Test
  void keysAreCreatedUsedAndRotatedFromTheCommandLine() throws Exception {
    var tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("cli-crypto-" + System.nanoTime(), "CLI crypto"))
            .id();
    var administrator = TestTokens.client(context, tenant, Role.TENANT_ADMIN);
    String config = work.resolve("config").toString();
    CliRun.login(port, administrator, config);

    JsonNode created =
        json(
            CliRun.of(
                "crypto",
                "key",
                "create",
                "backups",
                "--type",
                "AES-256-GCM",
                "--auto-rotate",
                "PT720H",
                "--config-dir",
                config,
                "--json"));
    assertThat(created.path("latestVersion").asInt()).isEqualTo(1);
    Path plain = work.resolve("plain.txt");
    Files.writeString(plain, "nightly backup key");
    String ciphertext =
        json(CliRun.of(
                "crypto",
                "key",
                "encrypt",
                "backups",
                "--in",
                plain.toString(),
                "--context",
                "db-1",
                "--config-dir",
                config,
                "--json"))
            .path("ciphertext")
            .asString();
    assertThat(ciphertext).startsWith("ts:v1:");
    assertThat(
            json(CliRun.of("crypto", "key", "rotate", "backups", "--config-dir", config, "--json"))
                .path("latestVersion")
                .asInt())
        .isEqualTo(2);
    Path decrypted = work.resolve("decrypted.txt");
    json(
        CliRun.of(
            "crypto",
            "key",
            "decrypt",
            "backups",
            "--ciphertext",
            ciphertext,
            "--out",
            decrypted.toString(),
            "--context",
            "db-1",
            "--config-dir",
            config,
            "--json"));
    assertThat(Files.readString(decrypted)).isEqualTo("nightly backup key");

    CliRun wrongContext =
        CliRun.of(
            "crypto",
            "key",
            "decrypt",
            "backups",
            "--ciphertext",
            ciphertext,
            "--out",
            decrypted.toString(),
            "--context",
            "db-2",
            "--config-dir",
            config);
    assertThat(wrongContext.exit()).isEqualTo(1);
    assertThat(wrongContext.err())
        .contains("decryption failed")
        .contains("crypto-decryption-failed");

    JsonNode signer =
        json(
            CliRun.of(
                "crypto",
                "key",
                "create",
                "releases",
                "--type",
                "ML-DSA-65",
                "--config-dir",
                config,
                "--json"));
    assertThat(signer.path("publicKey").asString()).isNotEmpty();
    String signature =
        json(CliRun.of(
                "crypto",
                "key",
                "sign",
                "releases",
                "--message-file",
                plain.toString(),
                "--context",
                "release",
                "--config-dir",
                config,
                "--json"))
            .path("signature")
            .asString();
    assertThat(
            CliRun.of(
                    "crypto",
                    "key",
                    "verify",
                    "releases",
                    "--message-file",
                    plain.toString(),
                    "--signature",
                    signature,
                    "--context",
                    "release",
                    "--config-dir",
                    config)
                .exit())
        .isZero();
    // The raw public key and signature verify offline, with no server.
    Path message = plain;
    assertThat(
            CliRun.of(
                    "crypto",
                    "verify",
                    "--alg",
                    "ML-DSA-65",
                    "--public-key",
                    signer.path("publicKey").asString(),
                    "--message-file",
                    message.toString(),
                    "--signature",
                    signature.substring(signature.lastIndexOf(':') + 1),
                    "--context",
                    "release")
                .exit())
        .isZero();

    // Attested for the agent that signs releases; the attestation verifies until it is altered.
    Path attestation = work.resolve("attestation.json");
    JsonNode attested =
        json(
            CliRun.of(
                "crypto",
                "key",
                "attest",
                "releases",
                "--subject",
                "release-bot",
                "--subject-type",
                "agent",
                "--out",
                attestation.toString(),
                "--config-dir",
                config,
                "--json"));
    assertThat(attested.path("signature").asString()).startsWith("ts:v1:");
    JsonNode checked = json(verifyAttestation(attestation, config));
    assertThat(checked.path("valid").asBoolean()).isTrue();
    assertThat(checked.path("current").asBoolean()).isTrue();
    Files.writeString(
        attestation, Files.readString(attestation).replace("release-bot", "release-bow"));
    CliRun forged = verifyAttestation(attestation, config);
    assertThat(forged.exit()).isEqualTo(1);
    assertThat(forged.out()).contains("\"valid\":false");
    Files.writeString(attestation, "not json");
    CliRun garbage = verifyAttestation(attestation, config);
    assertThat(garbage.exit()).isNotZero();
    assertThat(garbage.err()).contains("not JSON").doesNotContain("Exception");
  }

  private static CliRun verifyAttestation(Path attestation, String config) {
    return CliRun.of(
        "crypto",
        "key",
        "verify-attestation",
        "--attestation",
        attestation.toString(),
        "--config-dir",
        config,
        "--json");
  }
}
