package io.truststram.cli;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.Encapsulation;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.PublicKeyEncoding;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.crypto.seal.SealedBox;
import io.truststram.sdk.TokenSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram crypto}: post-quantum and classical primitives on the command line, locally,
 * like {@code openssl}: no server involved. Keys, ciphertexts and signatures are base64 of the raw
 * FIPS encodings, so any independent implementation can check them.
 */
@Command(
    name = "crypto",
    mixinStandardHelpOptions = true,
    description =
        "Key generation, encapsulation, signatures and sealed boxes, locally (no server).",
    subcommands = {
      CryptoCommand.Keygen.class,
      CryptoCommand.Encapsulate.class,
      CryptoCommand.Decapsulate.class,
      CryptoCommand.Sign.class,
      CryptoCommand.Verify.class,
      CryptoCommand.Seal.class,
      CryptoCommand.Open.class,
      CryptoCommand.Algorithms.class,
      CryptoBenchCommand.class,
      CryptoKeyCommand.class
    })
final class CryptoCommand extends CommandGroup {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A subcommand that talks to the server in the credentials kept by {@code truststram login}. */
  abstract static class OnServer extends Base {

    @Option(names = "--config-dir", hidden = true)
    Path configDir;

    /** The signed-in server and its token. */
    record Connection(URI server, TokenSource tokens) {}

    Connection connection() throws IOException {
      LoginCommand.Credentials credentials =
          LoginCommand.Credentials.load(LoginCommand.Credentials.directory(configDir));
      return new Connection(
          URI.create(credentials.server()), TokenSource.bearer(credentials.accessToken()));
    }
  }

  /** What every subcommand shares: the algorithm, --json, and printing the result. */
  abstract static class Base implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the result as one JSON object (last line).")
    boolean json;

    Algorithm algorithm(String name) {
      return Algorithm.of(name);
    }

    int print(Map<String, Object> result) {
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JSON.writeValueAsString(result));
      } else {
        result.forEach((key, value) -> out.println(key + ": " + value));
      }
      out.flush();
      return 0;
    }

    static String b64(byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * A public key of {@code algorithm}: base64 of its raw encoding, or PEM ({@code BEGIN PUBLIC
     * KEY}) given as text or as a file holding it.
     */
    static byte[] publicKey(String value, Algorithm algorithm) {
      String text = value;
      if (!PublicKeyEncoding.isPem(value)) {
        try {
          Path file = Path.of(value);
          if (Files.isRegularFile(file)) {
            text = Files.readString(file, StandardCharsets.UTF_8);
          }
        } catch (java.nio.file.InvalidPathException | IOException notAFile) {
          // Base64 text, then.
        }
      }
      if (!PublicKeyEncoding.isPem(text)) {
        return fromBase64("--public-key", text);
      }
      PublicKeyEncoding.Decoded decoded = PublicKeyEncoding.fromPem(text);
      if (decoded.algorithm() != algorithm) {
        throw new IllegalArgumentException(
            "--public-key is a "
                + decoded.algorithm().fipsName()
                + " key, not "
                + algorithm.fipsName());
      }
      return decoded.publicKey();
    }

    /** Strict base64 (standard alphabet, padding optional, no whitespace inside). */
    static byte[] fromBase64(String option, String value) {
      try {
        return Base64.getDecoder().decode(value.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " is not valid base64");
      }
    }

    static byte[] readFile(String option, Path file) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IOException(option + " " + file + " is not a readable file");
      }
      return Files.readAllBytes(file);
    }

    int decryptionFailed() {
      spec.commandLine().getErr().println("truststram: decryption failed");
      return 1;
    }
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description = "Generate a key pair; prints publicKey and secretKey (base64, raw FIPS).")
  static final class Keygen extends Base {
    @Option(names = "--alg", required = true, description = "Algorithm, e.g. ML-KEM-768.")
    String alg;

    @Override
    public Integer call() {
      Algorithm algorithm = algorithm(alg);
      KeyPair keys =
          algorithm.kind() == Algorithm.Kind.KEM
              ? Primitives.kem(algorithm).generateKeyPair(RANDOM)
              : Primitives.signers(algorithm).getFirst().generateKeyPair(RANDOM);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("algorithm", algorithm.fipsName());
      result.put("publicKey", b64(keys.publicKey()));
      result.put("secretKey", b64(keys.secretKey()));
      result.put("publicKeyPem", PublicKeyEncoding.toPem(algorithm, keys.publicKey()));
      return print(result);
    }
  }

  @Command(
      name = "encapsulate",
      mixinStandardHelpOptions = true,
      description = "Encapsulate a fresh shared secret to a public key.")
  static final class Encapsulate extends Base {
    @Option(names = "--alg", required = true, description = "KEM, e.g. ML-KEM-768 or X-Wing.")
    String alg;

    @Option(
        names = "--public-key",
        required = true,
        description = "The public key: base64 of the raw key, or PEM (text or file).")
    String publicKey;

    @Override
    public Integer call() {
      Encapsulation encapsulation =
          Primitives.kem(algorithm(alg)).encapsulate(publicKey(publicKey, algorithm(alg)), RANDOM);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ciphertext", b64(encapsulation.ciphertext()));
      result.put("sharedSecret", b64(encapsulation.sharedSecret()));
      return print(result);
    }
  }

  @Command(
      name = "decapsulate",
      mixinStandardHelpOptions = true,
      description = "Recover the shared secret of a ciphertext with the secret key.")
  static final class Decapsulate extends Base {
    @Option(names = "--alg", required = true, description = "KEM, e.g. ML-KEM-768 or X-Wing.")
    String alg;

    @Option(names = "--secret-key", required = true, description = "Base64 raw secret key.")
    String secretKey;

    @Option(names = "--ciphertext", required = true, description = "Base64 ciphertext.")
    String ciphertext;

    @Override
    public Integer call() {
      byte[] secret =
          Primitives.kem(algorithm(alg))
              .decapsulate(
                  fromBase64("--secret-key", secretKey), fromBase64("--ciphertext", ciphertext));
      return print(Map.of("sharedSecret", b64(secret)));
    }
  }

  /** Options of sign and verify. */
  abstract static class Signing extends Base {
    @Option(names = "--alg", required = true, description = "Signature scheme, e.g. ML-DSA-65.")
    String alg;

    @Option(names = "--message-file", required = true, description = "The message, a file.")
    Path messageFile;

    @Option(names = "--context", description = "Context string (UTF-8, at most 255 bytes).")
    String context = "";

    @Option(names = "--pre-hash", description = "HashML-DSA / HashSLH-DSA.")
    boolean preHash;

    SignOptions options() {
      return new SignOptions(context.getBytes(StandardCharsets.UTF_8), preHash);
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true, description = "Sign a file.")
  static final class Sign extends Signing {
    @Option(names = "--secret-key", required = true, description = "Base64 raw secret key.")
    String secretKey;

    @Override
    public Integer call() throws IOException {
      SignOptions options = options();
      byte[] signature =
          Primitives.signer(algorithm(alg), options)
              .sign(
                  fromBase64("--secret-key", secretKey),
                  readFile("--message-file", messageFile),
                  options,
                  RANDOM);
      return print(Map.of("signature", b64(signature)));
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Verify a signature of a file; exit code 0 when valid, 1 when not.")
  static final class Verify extends Signing {
    @Option(
        names = "--public-key",
        required = true,
        description = "The public key: base64 of the raw key, or PEM (text or file).")
    String publicKey;

    @Option(names = "--signature", required = true, description = "Base64 signature.")
    String signature;

    @Override
    public Integer call() throws IOException {
      SignOptions options = options();
      boolean valid =
          Primitives.signer(algorithm(alg), options)
              .verify(
                  publicKey(publicKey, algorithm(alg)),
                  readFile("--message-file", messageFile),
                  fromBase64("--signature", signature),
                  options);
      print(Map.of("valid", valid));
      return valid ? 0 : 1;
    }
  }

  @Command(
      name = "seal",
      mixinStandardHelpOptions = true,
      description = "Encrypt a file to an ML-KEM or X-Wing public key (sealed box).")
  static final class Seal extends Base {
    @Option(names = "--alg", required = true, description = "ML-KEM-512/768/1024 or X-Wing.")
    String alg;

    @Option(
        names = "--public-key",
        required = true,
        description = "The public key: base64 of the raw key, or PEM (text or file).")
    String publicKey;

    @Option(names = "--in", required = true, description = "The plaintext, a file.")
    Path in;

    @Option(names = "--out", description = "Write the box here instead of printing it.")
    Path out;

    @Option(names = "--aad", description = "Associated data (UTF-8), needed again to open.")
    String aad = "";

    @Override
    public Integer call() throws IOException {
      byte[] box =
          SealedBox.seal(
              algorithm(alg),
              publicKey(publicKey, algorithm(alg)),
              readFile("--in", in),
              aad.getBytes(StandardCharsets.UTF_8),
              RANDOM);
      if (out != null) {
        Files.write(out, box);
        return print(Map.of("written", out.toString(), "bytes", box.length));
      }
      return print(Map.of("ciphertext", b64(box)));
    }
  }

  @Command(
      name = "open",
      mixinStandardHelpOptions = true,
      description = "Decrypt a sealed box with the recipient's key pair.")
  static final class Open extends Base {
    @Option(names = "--alg", required = true, description = "ML-KEM-512/768/1024 or X-Wing.")
    String alg;

    @Option(names = "--secret-key", required = true, description = "Base64 raw secret key.")
    String secretKey;

    @Option(
        names = "--public-key",
        required = true,
        description = "The public key: base64 of the raw key, or PEM (text or file).")
    String publicKey;

    @Option(names = "--in", required = true, description = "The box, a file (raw bytes).")
    Path in;

    @Option(names = "--out", required = true, description = "Where to write the plaintext.")
    Path out;

    @Option(names = "--aad", description = "The associated data it was sealed with.")
    String aad = "";

    @Override
    public Integer call() throws IOException {
      byte[] plaintext;
      try {
        plaintext =
            SealedBox.open(
                algorithm(alg),
                fromBase64("--secret-key", secretKey),
                publicKey(publicKey, algorithm(alg)),
                readFile("--in", in),
                aad.getBytes(StandardCharsets.UTF_8));
      } catch (DecryptionFailedException e) {
        return decryptionFailed();
      }
      Files.write(out, plaintext);
      return print(Map.of("written", out.toString(), "bytes", plaintext.length));
    }
  }

  @Command(
      name = "algorithms",
      mixinStandardHelpOptions = true,
      description = "List the algorithms, their aliases and raw lengths.")
  static final class Algorithms extends Base {
    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (Algorithm algorithm : Algorithm.values()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("algorithm", algorithm.fipsName());
        row.put("kind", algorithm.kind().name().toLowerCase(java.util.Locale.ROOT));
        row.put("aliases", algorithm.aliases());
        row.put("publicKey", algorithm.publicKeyLength());
        row.put("secretKey", algorithm.secretKeyLength());
        row.put(
            algorithm.kind() == Algorithm.Kind.KEM ? "ciphertext" : "signature",
            algorithm.outputLength());
        if (json) {
          out.println(JSON.writeValueAsString(row));
        } else {
          out.printf(
              "%-22s %-9s public %5d  secret %5d  %s %5d%s%n",
              algorithm.fipsName(),
              row.get("kind"),
              algorithm.publicKeyLength(),
              algorithm.secretKeyLength(),
              algorithm.kind() == Algorithm.Kind.KEM ? "ciphertext" : "signature ",
              algorithm.outputLength(),
              algorithm.aliases().isEmpty()
                  ? ""
                  : "  (" + String.join(", ", algorithm.aliases()) + ")");
        }
      }
      out.flush();
      return 0;
    }
  }
}
