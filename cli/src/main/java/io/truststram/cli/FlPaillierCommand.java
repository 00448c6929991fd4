package io.truststram.cli;

import io.truststram.crypto.homomorphic.Paillier;
import io.truststram.federation.secagg.PaillierSettings;
import io.truststram.sdk.PaillierCommitteeMember;
import io.truststram.sdk.PaillierKeyHolder;
import io.truststram.sdk.TokenSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code truststram fl paillier}: the key holder of a federation that aggregates with Paillier.
 * {@code keygen} writes a key pair to a file only its owner can read and prints the public key for
 * the federation's {@code secagg.public-key}; {@code hold} decrypts each round's sum on the server
 * the CLI is signed in to (as the federation's owner) until the federation ends. For a committee
 * instead of one key holder, {@code deal} writes one key share per member and prints the
 * federation's parameters, and each member runs {@code member} with its share, as one of the
 * federation's nodes.
 */
@Command(
    name = "paillier",
    mixinStandardHelpOptions = true,
    description = "Hold the Paillier key of a federation: make it, and decrypt its rounds' sums.",
    subcommands = {
      FlPaillierCommand.Keygen.class,
      FlPaillierCommand.Hold.class,
      FlPaillierCommand.Deal.class,
      FlPaillierCommand.Member.class
    })
final class FlPaillierCommand extends CommandGroup {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** {@code truststram fl paillier keygen}. */
  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description =
          "Make a Paillier key pair; write it to --out (owner-only), print the public key, and its"
              + " fingerprint on standard error.")
  static final class Keygen implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "The key file to write (JSON).")
    Path out;

    @Option(
        names = "--bits",
        defaultValue = "3072",
        description = "The modulus's size: 2048 or more (default 3072).")
    int bits;

    @Override
    public Integer call() throws IOException {
      if (bits < PaillierSettings.MIN_BITS) {
        throw new IllegalArgumentException(
            "--bits must be at least " + PaillierSettings.MIN_BITS + ", not " + bits);
      }
      if (Files.exists(out)) {
        throw new IllegalArgumentException(out + " exists; the CLI does not overwrite keys");
      }
      Paillier.KeyPair keys = Paillier.generate(bits, new SecureRandom());
      Map<String, String> file = new LinkedHashMap<>();
      file.put("kind", "paillier");
      file.put("n", keys.publicKey().n().toString(16));
      file.put("p", keys.privateKey().p().toString(16));
      file.put("q", keys.privateKey().q().toString(16));
      Files.createFile(
          out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(out, JSON.writeValueAsString(file));
      PrintWriter printer = spec.commandLine().getOut();
      printer.println(PaillierSettings.encodeKey(keys.publicKey()));
      printer.flush();
      // The fingerprint nodes pin (fl node --paillier-key), apart from the key scripts capture.
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "fingerprint: "
              + io.truststram.federation.secagg.SecAggPolicy.fingerprint(keys.publicKey()));
      err.flush();
      return 0;
    }
  }

  /** {@code truststram fl paillier hold}. */
  @Command(
      name = "hold",
      mixinStandardHelpOptions = true,
      description =
          "Decrypt each round's encrypted sum of a federation (you must own it) until it ends.")
  static final class Hold implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The federation's id.")
    String federation;

    @Option(names = "--key", required = true, description = "The key file keygen wrote.")
    Path key;

    @Option(names = "--config-dir", hidden = true)
    Path configDir;

    @Override
    public Integer call() throws IOException {
      Paillier.PrivateKey privateKey = read(key);
      LoginCommand.Credentials credentials =
          LoginCommand.Credentials.load(LoginCommand.Credentials.directory(configDir));
      PrintWriter out = spec.commandLine().getOut();
      String state =
          new PaillierKeyHolder(
                  URI.create(credentials.server()),
                  TokenSource.bearer(credentials.accessToken()),
                  federation,
                  privateKey,
                  line -> {
                    out.println(line);
                    out.flush();
                  })
              .run();
      out.println("federation " + federation + ": " + state);
      out.flush();
      return state.equals("completed") ? 0 : 1;
    }

    static Paillier.PrivateKey read(Path file) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new IOException("no key file " + file);
      }
      JsonNode node = JSON.readTree(Files.readString(file));
      try {
        if (!node.path("kind").asString("").equals("paillier")) {
          throw new IllegalArgumentException("not a Paillier key file");
        }
        BigInteger p = new BigInteger(node.path("p").asString(), 16);
        BigInteger q = new BigInteger(node.path("q").asString(), 16);
        BigInteger n = new BigInteger(node.path("n").asString(), 16);
        if (!p.multiply(q).equals(n)) {
          throw new IllegalArgumentException("its primes do not multiply to its modulus");
        }
        return new Paillier.PrivateKey(new Paillier.PublicKey(n), p, q);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + " is not a Paillier key file: " + e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " is not a Paillier key file: " + e.getMessage());
      }
    }
  }

  /** {@code truststram fl paillier deal}. */
  @Command(
      name = "deal",
      mixinStandardHelpOptions = true,
      description = {
        "Deal a threshold Paillier key to a decryption committee: write one share per member"
            + " (member-1.json ...) into --out, owner-only, and print the secureAggregation"
            + " parameters (public key, committee, verification key digests) as JSON.",
        "Give each member its file and delete it here: whoever holds the threshold's number of"
            + " shares can decrypt any single node's input."
      })
  static final class Deal implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, description = "The directory to write shares to.")
    Path out;

    @Option(names = "--committee", required = true, description = "The members, 2 to 32.")
    int committee;

    @Option(
        names = "--threshold",
        required = true,
        description = "The members that decrypt together, 1 to --committee.")
    int threshold;

    @Option(
        names = "--bits",
        defaultValue = "2048",
        description =
            "The modulus's size: 2048 or more (default 2048; safe primes take a minute or more).")
    int bits;

    @Override
    public Integer call() throws IOException {
      if (bits < PaillierSettings.MIN_BITS) {
        throw new IllegalArgumentException(
            "--bits must be at least " + PaillierSettings.MIN_BITS + ", not " + bits);
      }
      if (committee < 2 || committee > 32 || threshold < 1 || threshold > committee) {
        throw new IllegalArgumentException(
            "--committee is 2 to 32 and --threshold 1 to --committee");
      }
      if (Files.exists(out) && (!Files.isDirectory(out) || hasEntries(out))) {
        throw new IllegalArgumentException(
            out + " exists and is not an empty directory; the CLI does not overwrite keys");
      }
      Paillier.ThresholdKey key =
          Paillier.generateThreshold(bits, committee, threshold, new SecureRandom());
      Files.createDirectories(out);
      List<String> digests = new ArrayList<>();
      for (Paillier.KeyShare share : key.shares()) {
        digests.add(
            PaillierSettings.Committee.digest(Paillier.verificationKey(key.publicPart(), share)));
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("kind", "paillier-share");
        file.put("n", key.publicKey().n().toString(16));
        file.put("parties", committee);
        file.put("threshold", threshold);
        file.put("index", share.index());
        file.put("secret", share.secret().toString(16));
        Path path = out.resolve("member-" + share.index() + ".json");
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(path, JSON.writeValueAsString(file));
      }
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put("public-key", PaillierSettings.encodeKey(key.publicKey()));
      parameters.put("committee", String.valueOf(committee));
      parameters.put("committee-threshold", String.valueOf(threshold));
      parameters.put("verification-keys", String.join(",", digests));
      PrintWriter printer = spec.commandLine().getOut();
      printer.println(JSON.writeValueAsString(parameters));
      printer.flush();
      return 0;
    }

    private static boolean hasEntries(Path directory) throws IOException {
      try (var entries = Files.list(directory)) {
        return entries.findAny().isPresent();
      }
    }
  }

  /** {@code truststram fl paillier member}. */
  @Command(
      name = "member",
      mixinStandardHelpOptions = true,
      description = {
        "Be one member of a federation's decryption committee: decrypt each round's sum"
            + " partially with this member's share, with a proof, until the federation ends.",
        "The member acts as one of the federation's nodes; its credentials come from the"
            + " environment variables "
            + FlNodeCommand.CLIENT_ID
            + " and "
            + FlNodeCommand.CLIENT_SECRET
            + "."
      })
  static final class Member implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The federation's id.")
    String federation;

    @Option(names = "--share", required = true, description = "This member's file from deal.")
    Path share;

    @Option(names = "--server", required = true, description = "The server's URL.")
    URI server;

    @Option(names = "--node", required = true, description = "The node's id this member acts as.")
    String node;

    @Override
    public Integer call() throws IOException {
      TokenSource tokens = FlNodeCommand.nodeTokens(server);
      PaillierCommitteeMember.Share held = PaillierCommitteeMember.readShare(share);
      PrintWriter out = spec.commandLine().getOut();
      String state =
          new PaillierCommitteeMember(
                  server,
                  tokens,
                  federation,
                  node,
                  held.key(),
                  held.share(),
                  line -> {
                    out.println(line);
                    out.flush();
                  })
              .run();
      out.println("federation " + federation + ": " + state);
      out.flush();
      return state.equals("completed") ? 0 : 1;
    }
  }
}
