package io.truststram.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys wrapped by the local KEK survive a restart of the packaged server: a ciphertext and a
 * signature made before it decrypt and verify after it. A KEK file others may read stops the server
 * at start with a message saying why.
 */
class KeyManagerRestartE2ETest {

  @TempDir Path work;

  @Test
  void keysSurviveARestartAndALeakyKekFileStopsTheStart() throws Exception {
    String ciphertext;
    String signature;
    int port;
    try (ServerProcess first = ServerProcess.start(work, "first", Map.of())) {
      port = first.port();
      assertThat(
              first
                  .http()
                  .postJson(
                      "/api/v1/crypto/keys", "{\"name\":\"archive\",\"type\":\"AES-256-GCM\"}")
                  .status())
          .isEqualTo(201);
      assertThat(
              first
                  .http()
                  .postJson("/api/v1/crypto/keys", "{\"name\":\"release\",\"type\":\"ML-DSA-87\"}")
                  .status())
          .isEqualTo(201);
      ciphertext =
          first
              .http()
              .postJson("/api/v1/crypto/keys/archive/encrypt", "{\"plaintext\":\"c2VjcmV0\"}")
              .json()
              .path("ciphertext")
              .asString();
      signature =
          first
              .http()
              .postJson("/api/v1/crypto/keys/release/sign", "{\"input\":\"bW9kZWw=\"}")
              .json()
              .path("signature")
              .asString();
      first.stopGracefully();
    }
    Path kek = work.resolve("data/crypto/kek");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kek)))
        .isEqualTo("rw-------");

    try (ServerProcess second = ServerProcess.start(work, "second", Map.of(), port)) {
      assertThat(
              second
                  .http()
                  .postJson(
                      "/api/v1/crypto/keys/archive/decrypt",
                      "{\"ciphertext\":\"" + ciphertext + "\"}")
                  .json()
                  .path("plaintext")
                  .asString())
          .isEqualTo("c2VjcmV0");
      assertThat(
              second
                  .http()
                  .postJson(
                      "/api/v1/crypto/keys/release/verify",
                      "{\"input\":\"bW9kZWw=\",\"signature\":\"" + signature + "\"}")
                  .json()
                  .path("valid")
                  .asBoolean())
          .isTrue();
      second.stopGracefully();
    }

    Files.setPosixFilePermissions(kek, PosixFilePermissions.fromString("rw-r--r--"));
    ServerProcess refused = null;
    try {
      refused = ServerProcess.start(work, "third", Map.of(), port);
      throw new AssertionError("the server started with a KEK others may read");
    } catch (AssertionError expected) {
      assertThat(Files.readString(work.resolve("third.log")))
          .contains("is readable or writable by others (rw-r--r--)");
    } finally {
      if (refused != null) {
        refused.close();
      }
    }
  }

  @Test
  void keysWrappedByASoftHsmTokenSurviveARestart() throws Exception {
    Path library = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    if (!Files.exists(library)) {
      if ("required".equals(System.getenv("TRUSTSTRAM_HSM_TESTS"))) {
        throw new AssertionError("SoftHSM2 is required here (apt-get install softhsm2)");
      }
      org.junit.jupiter.api.Assumptions.abort("SoftHSM2 is not installed");
    }
    Path tokens = Files.createDirectories(work.resolve("tokens"));
    Path conf = work.resolve("softhsm2.conf");
    Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n");
    ProcessBuilder init =
        new ProcessBuilder(
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                "e2e",
                "--pin",
                "e2e-pin-1",
                "--so-pin",
                "e2e-so-pin-1")
            .redirectErrorStream(true);
    init.environment().put("SOFTHSM2_CONF", conf.toString());
    Process process = init.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(output).isZero();
    Map<String, String> env =
        Map.of(
            "SOFTHSM2_CONF", conf.toString(),
            "TRUSTSTRAM_CRYPTO_KEK_TYPE", "pkcs11",
            "TRUSTSTRAM_CRYPTO_KEK_PKCS11_PIN", "e2e-pin-1");

    String ciphertext;
    int port;
    try (ServerProcess first = ServerProcess.start(work, "hsm-first", env)) {
      port = first.port();
      assertThat(
              first
                  .http()
                  .postJson("/api/v1/crypto/keys", "{\"name\":\"vault\",\"type\":\"ML-KEM-1024\"}")
                  .status())
          .isEqualTo(201);
      ciphertext =
          first
              .http()
              .postJson("/api/v1/crypto/keys/vault/seal", "{\"plaintext\":\"c2VhbGVk\"}")
              .json()
              .path("ciphertext")
              .asString();
      first.stopGracefully();
    }
    // No key file: the KEK lives in the token.
    assertThat(work.resolve("data/crypto/kek")).doesNotExist();
    try (ServerProcess second = ServerProcess.start(work, "hsm-second", env, port)) {
      assertThat(
              second
                  .http()
                  .postJson(
                      "/api/v1/crypto/keys/vault/open", "{\"ciphertext\":\"" + ciphertext + "\"}")
                  .json()
                  .path("plaintext")
                  .asString())
          .isEqualTo("c2VhbGVk");
      second.stopGracefully();
    }
  }
}
