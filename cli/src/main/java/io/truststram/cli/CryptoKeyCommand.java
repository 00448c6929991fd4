package io.truststram.cli;

import io.truststram.sdk.KeyManagerApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram crypto key}: named keys of the signed-in server's key manager. Key material
 * stays on the server; only public keys and the versioned outputs come back.
 */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Named keys on the server you signed in to (truststram login).",
    subcommands = {
      CryptoKeyCommand.Create.class,
      CryptoKeyCommand.Show.class,
      CryptoKeyCommand.Rotate.class,
      CryptoKeyCommand.Encrypt.class,
      CryptoKeyCommand.Decrypt.class,
      CryptoKeyCommand.Sign.class,
      CryptoKeyCommand.Verify.class,
      CryptoKeyCommand.Attest.class,
      CryptoKeyCommand.VerifyAttestation.class
    })
final class CryptoKeyCommand extends CommandGroup {

  /** The key manager of the server in the kept credentials. */
  abstract static class OnServer extends CryptoCommand.OnServer {

    KeyManagerApi keys() throws IOException {
      Connection connection = connection();
      return KeyManagerApi.connect(connection.server(), connection.tokens());
    }

    int printKey(KeyManagerApi.Key key) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("name", key.name());
      result.put("type", key.type());
      result.put("latestVersion", key.latestVersion());
      result.put("minDecryptionVersion", key.minDecryptionVersion());
      byte[] publicKey = key.publicKeys().get(key.latestVersion());
      if (publicKey != null) {
        result.put("publicKey", b64(publicKey));
      }
      return print(result);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key.")
  static final class Create extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Option(
        names = "--type",
        required = true,
        description = "AES-256-GCM, HMAC, or an algorithm (ML-KEM-768, ML-DSA-65, X-Wing ...).")
    String type;

    @Option(names = "--exportable", description = "Allow exporting its material (for good).")
    boolean exportable;

    @Option(names = "--deletion-allowed", description = "Allow deleting it.")
    boolean deletionAllowed;

    @Option(names = "--auto-rotate", description = "Rotation period, ISO-8601 (PT720H).")
    Duration autoRotate;

    @Override
    public Integer call() throws IOException {
      return printKey(keys().createKey(name, type, exportable, deletionAllowed, autoRotate));
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a key.")
  static final class Show extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Override
    public Integer call() throws IOException {
      return printKey(keys().key(name));
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Add a version.")
  static final class Rotate extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Override
    public Integer call() throws IOException {
      return printKey(keys().rotate(name));
    }
  }

  @Command(
      name = "encrypt",
      mixinStandardHelpOptions = true,
      description = "Encrypt a file with an AES-256-GCM key; prints the ciphertext.")
  static final class Encrypt extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Option(names = "--in", required = true, description = "The plaintext, a file.")
    Path in;

    @Option(names = "--context", description = "Associated data (UTF-8), needed to decrypt.")
    String context;

    @Override
    public Integer call() throws IOException {
      String ciphertext = keys().encrypt(name, readFile("--in", in), bytes(context));
      return print(Map.of("ciphertext", ciphertext));
    }
  }

  @Command(
      name = "decrypt",
      mixinStandardHelpOptions = true,
      description = "Decrypt a ciphertext (ts:v<n>:...) into a file.")
  static final class Decrypt extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Option(names = "--ciphertext", required = true, description = "The ciphertext.")
    String ciphertext;

    @Option(names = "--out", required = true, description = "Where to write the plaintext.")
    Path out;

    @Option(names = "--context", description = "The associated data it was encrypted with.")
    String context;

    @Override
    public Integer call() throws IOException {
      byte[] plaintext = keys().decrypt(name, ciphertext, bytes(context));
      Files.write(out, plaintext);
      return print(Map.of("written", out.toString(), "bytes", plaintext.length));
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true, description = "Sign a file.")
  static final class Sign extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Option(names = "--message-file", required = true, description = "The message, a file.")
    Path messageFile;

    @Option(names = "--context", description = "Context string.")
    String context;

    @Option(names = "--pre-hash", description = "HashML-DSA / HashSLH-DSA.")
    boolean preHash;

    @Override
    public Integer call() throws IOException {
      String signature =
          keys().sign(name, readFile("--message-file", messageFile), context, preHash);
      return print(Map.of("signature", signature));
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Verify a signature (ts:v<n>:...) of a file; exit 0 when valid, 1 when not.")
  static final class Verify extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Option(names = "--message-file", required = true, description = "The message, a file.")
    Path messageFile;

    @Option(names = "--signature", required = true, description = "The signature.")
    String signature;

    @Option(names = "--context", description = "Context string it was signed with.")
    String context;

    @Option(names = "--pre-hash", description = "It was pre-hashed.")
    boolean preHash;

    @Override
    public Integer call() throws IOException {
      boolean valid =
          keys().verify(name, readFile("--message-file", messageFile), signature, context, preHash);
      print(Map.of("valid", valid));
      return valid ? 0 : 1;
    }
  }

  @Command(
      name = "attest",
      mixinStandardHelpOptions = true,
      description =
          "Attest that the key manager holds the key for a subject of the trust graph and will"
              + " not release it (pins the key); prints the signed statement and its signature.")
  static final class Attest extends OnServer {
    @Parameters(index = "0", description = "The key's name.")
    String name;

    @Option(names = "--subject", required = true, description = "The entity the key is held for.")
    String subject;

    @Option(
        names = "--subject-type",
        defaultValue = "client-node",
        description = "client-node (default), organisation, user, model, dataset or agent.")
    String subjectType;

    @Option(
        names = "--out",
        description = "Also write the attestation (statement, signature) to this JSON file.")
    Path out;

    @Override
    public Integer call() throws IOException {
      KeyManagerApi.Attestation attestation = keys().attest(name, subject, subjectType);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("statement", attestation.statement());
      result.put("signature", attestation.signature());
      result.put("algorithm", attestation.algorithm());
      if (out != null) {
        Files.writeString(out, JSON.writeValueAsString(result));
      }
      return print(result);
    }
  }

  @Command(
      name = "verify-attestation",
      mixinStandardHelpOptions = true,
      description =
          "Verify an attestation written by attest --out; exit 0 when it is valid and still"
              + " holds, 1 when not.")
  static final class VerifyAttestation extends OnServer {
    @Option(names = "--attestation", required = true, description = "The attestation, a file.")
    Path file;

    @Override
    public Integer call() throws IOException {
      JsonNode node;
      try {
        node = JSON.readTree(readFile("--attestation", file));
      } catch (JacksonException e) {
        throw new IllegalArgumentException("--attestation " + file + " is not JSON");
      }
      if (!node.path("statement").isString() || !node.path("signature").isString()) {
        throw new IllegalArgumentException(
            "--attestation "
                + file
                + " has no statement and signature (write it with attest --out)");
      }
      KeyManagerApi.AttestationCheck check =
          keys()
              .verifyAttestation(
                  new KeyManagerApi.Attestation(
                      node.path("statement").asString(),
                      node.path("signature").asString(),
                      node.path("algorithm").asString("")));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("valid", check.valid());
      result.put("current", check.current());
      if (check.reason() != null) {
        result.put("reason", check.reason());
      }
      print(result);
      return check.valid() && check.current() ? 0 : 1;
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }
}
