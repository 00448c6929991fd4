package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** {@code truststram crypto}, locally: every command's JSON, exit codes and bad input. */
class CryptoCommandTest extends CommandLineTestSupport {

  @ParameterizedTest
  @ValueSource(strings = {"ML-KEM-512", "Kyber768", "ML-KEM-1024", "X-Wing"})
  void keygenEncapsulateAndDecapsulateAgree(String alg) {
    JsonNode keys = json("crypto", "keygen", "--alg", alg, "--json");
    byte[] secretKey = Base64.getDecoder().decode(keys.path("secretKey").asString());
    if (alg.equals("Kyber768")) {
      // The FIPS 203 decapsulation key, not only its seed.
      assertThat(keys.path("algorithm").asString()).isEqualTo("ML-KEM-768");
      assertThat(secretKey).hasSize(2400);
    }
    JsonNode sent =
        json(
            "crypto",
            "encapsulate",
            "--alg",
            alg,
            "--public-key",
            keys.path("publicKey").asString(),
            "--json");
    JsonNode received =
        json(
            "crypto",
            "decapsulate",
            "--alg",
            alg,
            "--secret-key",
            keys.path("secretKey").asString(),
            "--ciphertext",
            sent.path("ciphertext").asString(),
            "--json");
    assertThat(received.path("sharedSecret").asString())
        .isEqualTo(sent.path("sharedSecret").asString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ML-DSA-65",
        "Dilithium2",
        "SLH-DSA-SHA2-128f",
        "Falcon-512",
        "ML-DSA-65+Ed25519",
        "ML-DSA-87+ECDSA-P384",
        "Ed25519",
        "ECDSA-P256"
      })
  void signaturesVerifyAndAChangedFileDoesNot(String alg, @TempDir Path temp) throws Exception {
    Path message = temp.resolve("model.safetensors");
    Files.writeString(message, "weights");
    JsonNode keys = json("crypto", "keygen", "--alg", alg, "--json");
    JsonNode signed =
        json(
            "crypto",
            "sign",
            "--alg",
            alg,
            "--secret-key",
            keys.path("secretKey").asString(),
            "--message-file",
            message.toString(),
            "--json");
    String[] verify = {
      "crypto",
      "verify",
      "--alg",
      alg,
      "--public-key",
      keys.path("publicKey").asString(),
      "--message-file",
      message.toString(),
      "--signature",
      signed.path("signature").asString(),
      "--json"
    };
    assertThat(json(verify).path("valid").asBoolean()).isTrue();
    Files.writeString(message, "weightz");
    assertThat(run(verify)).isEqualTo(1);
    assertThat(out.toString()).contains("\"valid\":false");
  }

  @Test
  void aContextStringMustMatchAndSchemesWithoutOneSaySo(@TempDir Path temp) throws Exception {
    Path message = temp.resolve("m");
    Files.writeString(message, "m");
    JsonNode keys = json("crypto", "keygen", "--alg", "ML-DSA-87", "--json");
    JsonNode signed =
        json(
            "crypto",
            "sign",
            "--alg",
            "ML-DSA-87",
            "--secret-key",
            keys.path("secretKey").asString(),
            "--message-file",
            message.toString(),
            "--context",
            "audit",
            "--json");
    String[] verify = {
      "crypto",
      "verify",
      "--alg",
      "ML-DSA-87",
      "--public-key",
      keys.path("publicKey").asString(),
      "--message-file",
      message.toString(),
      "--signature",
      signed.path("signature").asString(),
      "--context",
      "audit"
    };
    assertThat(run(verify)).isZero();
    verify[verify.length - 1] = "other";
    assertThat(run(verify)).isEqualTo(1);

    JsonNode p256 = json("crypto", "keygen", "--alg", "ECDSA-P256", "--json");
    assertThat(
            run(
                "crypto",
                "sign",
                "--alg",
                "ECDSA-P256",
                "--secret-key",
                p256.path("secretKey").asString(),
                "--message-file",
                message.toString(),
                "--context",
                "x"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("ECDSA-P256 has no context strings");
  }

  @Test
  void sealedBoxesOpenOnlyWithTheRightKeyAndAssociatedData(@TempDir Path temp) throws Exception {
    Path plain = temp.resolve("secret.txt");
    Files.writeString(plain, "the self-mask seed");
    JsonNode keys = json("crypto", "keygen", "--alg", "X-Wing", "--json");
    Path box = temp.resolve("box");
    json(
        "crypto",
        "seal",
        "--alg",
        "X-Wing",
        "--public-key",
        keys.path("publicKey").asString(),
        "--in",
        plain.toString(),
        "--out",
        box.toString(),
        "--aad",
        "round 3",
        "--json");
    Path opened = temp.resolve("opened.txt");
    String[] open = {
      "crypto",
      "open",
      "--alg",
      "X-Wing",
      "--secret-key",
      keys.path("secretKey").asString(),
      "--public-key",
      keys.path("publicKey").asString(),
      "--in",
      box.toString(),
      "--out",
      opened.toString(),
      "--aad",
      "round 3"
    };
    assertThat(run(open)).as(err.toString()).isZero();
    assertThat(Files.readString(opened)).isEqualTo("the self-mask seed");

    open[open.length - 1] = "round 4";
    assertThat(run(open)).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("truststram: decryption failed" + System.lineSeparator());
  }

  @Test
  void badInputGetsAMessageAndExitCode2() {
    assertThat(run("crypto", "keygen", "--alg", "RSA")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown algorithm 'RSA'");
    assertThat(run("crypto", "encapsulate", "--alg", "ML-KEM-768", "--public-key", "!!notb64"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--public-key is not valid base64");
    assertThat(run("crypto", "encapsulate", "--alg", "ML-KEM-768", "--public-key", "AAAA"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("ML-KEM-768 public key must be 1184 bytes, not 3");
    assertThat(run("crypto", "encapsulate", "--alg", "ML-DSA-65", "--public-key", "AAAA"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("ML-DSA-65 is a signature scheme, not a KEM");
    assertThat(
            run(
                "crypto",
                "verify",
                "--alg",
                "Ed25519",
                "--public-key",
                "AAAA",
                "--message-file",
                "/nonexistent/file",
                "--signature",
                "AAAA"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("is not a readable file");
  }

  @Test
  void benchMeasuresEveryImplementationOfTheChosenAlgorithms() {
    JsonNode bench =
        json(
            "crypto",
            "bench",
            "--alg",
            "Kyber768",
            "--alg",
            "ML-DSA-44",
            "--alg",
            "AES-256-GCM",
            "--seconds",
            "0.02",
            "--json");
    List<String> rows = new java.util.ArrayList<>();
    for (JsonNode row : bench.path("results")) {
      assertThat(row.path("opsPerSecond").asDouble()).as(row.toString()).isPositive();
      assertThat(row.path("operations").asLong()).isPositive();
      rows.add(
          row.path("algorithm").asString()
              + " "
              + row.path("implementation").asString()
              + " "
              + row.path("operation").asString());
    }
    assertThat(rows)
        .contains(
            "ML-KEM-768 jdk keygen",
            "ML-KEM-768 bouncy-castle decaps",
            "ML-DSA-44 jdk sign",
            "ML-DSA-44 bouncy-castle verify",
            "AES-256-GCM jdk encrypt",
            "HMAC-SHA-256 jdk mac")
        .noneMatch(row -> row.startsWith("SLH-DSA"));
    assertThat(run("crypto", "bench", "--alg", "RSA")).isNotZero();
    assertThat(err.toString()).contains("unknown algorithm 'RSA'");
    assertThat(run("crypto", "bench", "--seconds", "0")).isNotZero();
  }

  @Test
  void publicKeysAreAcceptedAsPemTextOrFileAndMustBeOfTheAlgorithm(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    JsonNode keys = json("crypto", "keygen", "--alg", "ML-DSA-44", "--json");
    String pem = keys.path("publicKeyPem").asString();
    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
    java.nio.file.Path message = dir.resolve("m.txt");
    java.nio.file.Files.writeString(message, "model v3");
    String signature =
        json(
                "crypto",
                "sign",
                "--alg",
                "ML-DSA-44",
                "--secret-key",
                keys.path("secretKey").asString(),
                "--message-file",
                message.toString(),
                "--json")
            .path("signature")
            .asString();
    java.nio.file.Path pemFile = dir.resolve("key.pem");
    java.nio.file.Files.writeString(pemFile, pem);
    for (String publicKey : List.of(pem, pemFile.toString())) {
      assertThat(
              json(
                      "crypto",
                      "verify",
                      "--alg",
                      "ML-DSA-44",
                      "--public-key",
                      publicKey,
                      "--message-file",
                      message.toString(),
                      "--signature",
                      signature,
                      "--json")
                  .path("valid")
                  .asBoolean())
          .isTrue();
    }
    int exit =
        run(
            "crypto",
            "verify",
            "--alg",
            "ML-DSA-65",
            "--public-key",
            pemFile.toString(),
            "--message-file",
            message.toString(),
            "--signature",
            signature);
    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("is a ML-DSA-44 key, not ML-DSA-65");
  }
}
