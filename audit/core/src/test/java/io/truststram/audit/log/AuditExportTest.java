package io.truststram.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An exported log verified offline, and each kind of tampering found and named. */
class AuditExportTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static KeyPair keys;
  private static List<String> lines;

  @BeforeAll
  static void export() throws IOException {
    keys = Primitives.signers(Algorithm.ML_DSA_65).getFirst().generateKeyPair(RANDOM);
    StringWriter out = new StringWriter();
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < 25; i++) {
      String data = "{\"actor\":\"alice\",\"action\":\"key.rotate\",\"n\":" + i + "}";
      AuditExport.writeEntry(out, i, data);
      tree.append(MerkleHashes.leaf(data.getBytes(StandardCharsets.UTF_8)));
      if (i == 9 || i == 19 || i == 24) {
        Checkpoint checkpoint =
            new Checkpoint(
                "tenant-1", i + 1, tree.root(i + 1), Instant.parse("2026-11-26T19:00:00Z"));
        AuditExport.writeCheckpoint(
            out, checkpoint.sign(Algorithm.ML_DSA_65, keys.secretKey(), RANDOM));
      }
    }
    lines = out.toString().lines().toList();
  }

  private static AuditExport.Report verify(List<String> export, byte[] publicKey)
      throws IOException {
    return AuditExport.verify(
        new BufferedReader(new StringReader(String.join("\n", export))), publicKey);
  }

  @Test
  void anUntouchedExportVerifies() throws IOException {
    AuditExport.Report report = verify(lines, keys.publicKey());
    assertThat(report.failure()).isNull();
    assertThat(report.valid()).isTrue();
    assertThat(report.entries()).isEqualTo(25);
    assertThat(report.checkpoints()).isEqualTo(3);
  }

  @Test
  void aChangedEntryIsNamed() throws IOException {
    List<String> changed = new ArrayList<>(lines);
    int at = lineOf(13);
    changed.set(at, changed.get(at).replace("\\\"n\\\":13", "\\\"n\\\":99"));
    assertThat(changed.get(at)).isNotEqualTo(lines.get(at));
    AuditExport.Report report = verify(changed, keys.publicKey());
    assertThat(report.valid()).isFalse();
    assertThat(report.failure().entry()).isEqualTo(13);
    assertThat(report.failure().reason()).contains("entry 13 does not match its recorded hash");
  }

  @Test
  void anEntryChangedWithItsHashIsNarrowedToItsCheckpoint() throws IOException {
    List<String> changed = new ArrayList<>(lines);
    int at = lineOf(13);
    String data = "{\"actor\":\"mallory\",\"action\":\"key.rotate\",\"n\":13}";
    StringWriter rewritten = new StringWriter();
    AuditExport.writeEntry(rewritten, 13, data);
    changed.set(at, rewritten.toString().strip());
    AuditExport.Report report = verify(changed, keys.publicKey());
    assertThat(report.valid()).isFalse();
    assertThat(report.checkpoints()).isEqualTo(1);
    assertThat(report.failure().reason())
        .contains("do not give the signed root of size 20")
        .contains("from 10 to 19");
  }

  @Test
  void deletedOrReorderedEntriesAreNamed() throws IOException {
    List<String> deleted = new ArrayList<>(lines);
    deleted.remove(lineOf(5));
    assertThat(verify(deleted, keys.publicKey()).failure().reason())
        .contains("entry 5 expected here, found index 6");

    List<String> swapped = new ArrayList<>(lines);
    int a = lineOf(3);
    swapped.set(a, lines.get(a + 1));
    swapped.set(a + 1, lines.get(a));
    assertThat(verify(swapped, keys.publicKey()).failure().entry()).isEqualTo(4);
  }

  @Test
  void anotherKeyOrAMissingSignatureFails() throws IOException {
    KeyPair other = Primitives.signers(Algorithm.ML_DSA_65).getFirst().generateKeyPair(RANDOM);
    assertThat(verify(lines, other.publicKey()).failure().reason())
        .contains("is not signed by this key");

    List<String> unsignedTail = new ArrayList<>(lines.subList(0, lines.size() - 1));
    assertThat(verify(unsignedTail, keys.publicKey()).failure().reason())
        .contains("entries after the last checkpoint (from 20) are not signed");

    List<String> forged = new ArrayList<>(lines);
    int last = forged.size() - 1;
    String signature = Base64.getEncoder().encodeToString(new byte[3309]);
    forged.set(
        last,
        forged
            .get(last)
            .replaceAll("\"signature\":\"[^\"]*\"", "\"signature\":\"" + signature + "\""));
    assertThat(verify(forged, keys.publicKey()).failure().reason())
        .contains("the checkpoint of size 25 is not signed by this key");
    assertThat(verify(List.of("not json"), keys.publicKey()).failure().reason())
        .isEqualTo("not a JSON object");
  }

  private static int lineOf(int entry) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"index\":" + entry + ",")) {
        return i;
      }
    }
    throw new AssertionError("no entry " + entry);
  }
}
