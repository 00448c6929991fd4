package io.truststram.cli;

import io.truststram.audit.log.AuditExport;
import io.truststram.crypto.primitive.PublicKeyEncoding;
import io.truststram.sdk.AuditApi;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code truststram audit}: the audit trail of the server you signed in to (query, append, prove,
 * checkpoint, export), and an export checked offline ({@code verify}).
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "The audit trail: query, append, prove and export on the server you signed in to;"
            + " verify an export offline.",
    subcommands = {
      AuditCommand.Verify.class,
      AuditCommand.Log.class,
      AuditCommand.Append.class,
      AuditCommand.Prove.class,
      AuditCommand.CheckpointNow.class,
      AuditCommand.PublicKeys.class,
      AuditCommand.Export.class
    })
final class AuditCommand extends CommandGroup {

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Check every entry, the Merkle tree and every signed checkpoint of an export (JSON"
              + " Lines) without the server; exit 0 when it verifies, 1 when not, naming the"
              + " first entry or checkpoint that fails.")
  static final class Verify extends CryptoCommand.Base {

    @Parameters(index = "0", description = "The export, a JSON Lines file.")
    Path export;

    @Option(
        names = "--public-key",
        required = true,
        description =
            "The log's public key: base64 of its raw encoding, PEM, or a file holding either"
                + " (one per line, or PEM blocks). Repeat it for each version of a rotated audit"
                + " key.")
    List<String> publicKeys;

    @Override
    public Integer call() throws IOException {
      List<byte[]> keys = new ArrayList<>();
      for (String value : publicKeys) {
        Path keyFile = Path.of(value);
        if (Files.isRegularFile(keyFile)) {
          String text = Files.readString(keyFile, StandardCharsets.UTF_8);
          if (PublicKeyEncoding.isPem(text)) {
            // One or more PEM blocks.
            for (String block : text.split("(?<=-----END PUBLIC KEY-----)")) {
              if (!block.isBlank()) {
                keys.add(PublicKeyEncoding.fromPem(block).publicKey());
              }
            }
            continue;
          }
          for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
              keys.add(fromBase64("--public-key", line.strip()));
            }
          }
        } else if (PublicKeyEncoding.isPem(value)) {
          keys.add(PublicKeyEncoding.fromPem(value).publicKey());
        } else {
          keys.add(fromBase64("--public-key", value));
        }
      }
      if (!Files.isRegularFile(export)) {
        throw new IOException("the export " + export + " is not a readable file");
      }
      AuditExport.Report report;
      try (BufferedReader in = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
        report = AuditExport.verify(in, keys);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("valid", report.valid());
      result.put("entries", report.entries());
      result.put("checkpoints", report.checkpoints());
      if (report.latest() != null) {
        result.put("treeSize", report.latest().checkpoint().size());
        result.put("origin", report.latest().checkpoint().origin());
      }
      if (report.failure() != null) {
        result.put("line", report.failure().line());
        if (report.failure().entry() >= 0) {
          result.put("entry", report.failure().entry());
        }
        result.put("failure", report.failure().reason());
      }
      print(result);
      return report.valid() ? 0 : 1;
    }
  }

  /** The audit API of the server in the kept credentials. */
  abstract static class OnServer extends CryptoCommand.OnServer {

    AuditApi audit() throws IOException {
      Connection connection = connection();
      return AuditApi.connect(connection.server(), connection.tokens());
    }

    static Map<String, Object> checkpoint(AuditApi.SignedCheckpoint checkpoint) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("origin", checkpoint.signed().checkpoint().origin());
      result.put("size", checkpoint.size());
      result.put("rootHash", b64(checkpoint.signed().checkpoint().rootHash()));
      result.put("time", checkpoint.signed().checkpoint().time().toString());
      result.put("algorithm", checkpoint.signed().algorithm().fipsName());
      result.put("keyVersion", checkpoint.keyVersion());
      return result;
    }
  }

  @Command(
      name = "log",
      mixinStandardHelpOptions = true,
      description = "List entries of your tenant's log in append order, filtered.")
  static final class Log extends OnServer {

    @Option(names = "--principal", description = "Only this principal's entries.")
    String principal;

    @Option(names = "--action", description = "Only this action, e.g. 'POST /api/v1/crypto/keys'.")
    String action;

    @Option(names = "--resource", description = "Only this resource.")
    String resource;

    @Option(names = "--outcome", description = "success, failure or denied.")
    String outcome;

    @Option(names = "--from", description = "From this instant (ISO-8601), inclusive.")
    Instant from;

    @Option(names = "--to", description = "Before this instant (ISO-8601).")
    Instant to;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (1-500).")
    int limit;

    @Option(names = "--cursor", description = "The nextCursor of a previous page.")
    String cursor;

    @Override
    public Integer call() throws IOException {
      AuditApi.Page page =
          audit()
              .entries(
                  new AuditApi.Query(principal, action, resource, outcome, from, to),
                  limit,
                  cursor);
      if (json) {
        List<Object> entries = new ArrayList<>();
        for (AuditApi.Entry entry : page.items()) {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("index", entry.index());
          item.put("entry", entry.entry());
          entries.add(item);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("entries", entries);
        result.put("nextCursor", page.nextCursor());
        return print(result);
      }
      var out = spec.commandLine().getOut();
      for (AuditApi.Entry entry : page.items()) {
        JsonNode e = entry.entry();
        out.printf(
            "%d  %s  %s  %s  %s  %s%n",
            entry.index(),
            e.path("time").asString(),
            e.path("principal").asString(),
            e.path("outcome").asString(),
            e.path("action").asString(),
            e.path("resource").asString());
      }
      if (page.nextCursor() != null) {
        out.println("more: --cursor " + page.nextCursor());
      }
      return 0;
    }
  }

  @Command(
      name = "append",
      mixinStandardHelpOptions = true,
      description = "Append an entry of your own to your tenant's log (needs audit:write).")
  static final class Append extends OnServer {

    @Option(names = "--action", required = true, description = "What was done.")
    String action;

    @Option(names = "--resource", required = true, description = "What it was done to.")
    String resource;

    @Option(
        names = "--outcome",
        defaultValue = "success",
        description = "success, failure or denied.")
    String outcome;

    @Option(names = "--detail", description = "NAME=VALUE, repeatable; never a secret.")
    Map<String, String> details;

    @Override
    public Integer call() throws IOException {
      List<Long> indexes =
          audit()
              .append(
                  List.of(
                      new AuditApi.NewEntry(
                          action, resource, outcome, details == null ? Map.of() : details)));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("index", indexes.getFirst());
      return print(result);
    }
  }

  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description =
          "Check here, not on the server's word, that an entry is in the log: the latest"
              + " checkpoint's signature, the entry's hash and its inclusion proof. Exit 1 if not.")
  static final class Prove extends OnServer {

    @Option(names = "--index", required = true, description = "The entry's index.")
    long index;

    @Override
    public Integer call() throws IOException {
      AuditApi api = audit();
      AuditApi.SignedCheckpoint checkpoint = api.checkpoint();
      boolean included = api.verifyInclusion(index, checkpoint, api.publicKeys());
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("index", index);
      result.put("treeSize", checkpoint.size());
      result.put("rootHash", b64(checkpoint.signed().checkpoint().rootHash()));
      result.put("valid", included);
      print(result);
      return included ? 0 : 1;
    }
  }

  @Command(
      name = "checkpoint",
      mixinStandardHelpOptions = true,
      description = "Sign a checkpoint of your tenant's log as it is now and print it.")
  static final class CheckpointNow extends OnServer {
    @Override
    public Integer call() throws IOException {
      return print(checkpoint(audit().checkpoint()));
    }
  }

  @Command(
      name = "public-keys",
      mixinStandardHelpOptions = true,
      description =
          "Print the audit key's public keys (base64, one per version), or write them to a file"
              + " for 'audit verify --public-key FILE'.")
  static final class PublicKeys extends OnServer {

    @Option(names = "--out", description = "Write them to this file, one per line.")
    Path out;

    @Option(names = "--pem", description = "As PEM (SubjectPublicKeyInfo) blocks, not base64.")
    boolean pem;

    @Override
    public Integer call() throws IOException {
      List<String> keys = new ArrayList<>();
      for (AuditApi.PublicKey key : audit().publicKeyVersions()) {
        keys.add(
            pem ? PublicKeyEncoding.toPem(key.algorithm(), key.publicKey()) : b64(key.publicKey()));
      }
      if (out != null) {
        Files.write(out, keys, StandardCharsets.UTF_8);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("publicKeys", keys);
      return print(result);
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Download your tenant's whole log as JSON Lines with its signed checkpoints; verify it"
              + " with 'audit verify'.")
  static final class Export extends OnServer {

    @Option(names = "--out", required = true, description = "The file to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
      audit().export(out);
      long lines;
      try (var stream = Files.lines(out, StandardCharsets.UTF_8)) {
        lines = stream.count();
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", out.toString());
      result.put("lines", lines);
      return print(result);
    }
  }
}
