package io.truststram.cli;

import io.truststram.audit.log.AuditExport;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code truststram audit}: the audit trail, checked offline. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Verify an exported audit log offline.",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

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
        description = "The log's public key: base64 of its raw encoding, or a file holding it.")
    String publicKey;

    @Override
    public Integer call() throws IOException {
      Path keyFile = Path.of(publicKey);
      String key = Files.isRegularFile(keyFile) ? Files.readString(keyFile).strip() : publicKey;
      byte[] raw = fromBase64("--public-key", key);
      if (!Files.isRegularFile(export)) {
        throw new IOException("the export " + export + " is not a readable file");
      }
      AuditExport.Report report;
      try (BufferedReader in = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
        report = AuditExport.verify(in, raw);
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
}
