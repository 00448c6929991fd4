package io.truststram.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.audit.log.AuditExport;
import io.truststram.audit.log.Checkpoint;
import io.truststram.audit.log.MerkleHashes;
import io.truststram.audit.log.MerkleTree;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code truststram audit verify}: an export checked offline, and a tampered one named. */
class AuditCommandTest {

  @Test
  void anExportVerifiesOfflineAndATamperedOneNamesItsEntry(@TempDir Path temp) throws Exception {
    SecureRandom random = new SecureRandom();
    KeyPair keys =
        Primitives.signers(Algorithm.ML_DSA_65_ED25519).getFirst().generateKeyPair(random);
    StringWriter export = new StringWriter();
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < 6; i++) {
      String data = "{\"action\":\"federation.start\",\"n\":" + i + "}";
      AuditExport.writeEntry(export, i, data);
      tree.append(MerkleHashes.leaf(data.getBytes(StandardCharsets.UTF_8)));
    }
    AuditExport.writeCheckpoint(
        export,
        new Checkpoint("tenant-9", 6, tree.root(6), Instant.now())
            .sign(Algorithm.ML_DSA_65_ED25519, keys.secretKey(), random));
    Path file = temp.resolve("audit.jsonl");
    Files.writeString(file, export.toString());
    Path key = temp.resolve("audit.pub");
    Files.writeString(key, Base64.getEncoder().encodeToString(keys.publicKey()));

    StringWriter out = new StringWriter();
    assertThat(
            run(out, "audit", "verify", file.toString(), "--public-key", key.toString(), "--json"))
        .isZero();
    assertThat(out.toString()).contains("\"valid\":true").contains("\"entries\":6");

    Files.writeString(file, export.toString().replace("\\\"n\\\":2}", "\\\"n\\\":7}"));
    out = new StringWriter();
    assertThat(
            run(out, "audit", "verify", file.toString(), "--public-key", key.toString(), "--json"))
        .isEqualTo(1);
    assertThat(out.toString())
        .contains("\"valid\":false")
        .contains("\"entry\":2")
        .contains("entry 2 does not match its recorded hash");
  }

  private static int run(StringWriter out, String... args) {
    CommandLine line = TrustStramCli.commandLine();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(new StringWriter(), true));
    return line.execute(args);
  }
}
