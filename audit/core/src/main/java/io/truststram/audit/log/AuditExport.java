package io.truststram.audit.log;

import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.InvalidKeyException;
import io.truststram.crypto.primitive.UnknownAlgorithmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A log exported as JSON Lines, verifiable offline with only the log's public key.
 *
 * <p>Each line is one object:
 *
 * <ul>
 *   <li>{@code {"type":"entry","index":i,"data":"...","leafHash":"..."}}: the entries in index
 *       order from 0. {@code data} is the entry exactly as it was hashed (its canonical JSON), and
 *       {@code leafHash} the leaf hash recorded when it was appended.
 *   <li>{@code {"type":"checkpoint","origin":...,"size":n,"rootHash":...,"time":...,
 *       "algorithm":...,"signature":...}}: checkpoints signed as the log grew, each after the
 *       entries it covers.
 * </ul>
 *
 * <p>{@link #verify} recomputes every leaf and every checkpoint's root and checks every signature.
 * It names the first entry whose content does not match its recorded hash, the first gap or
 * reordering in the indexes, and the first checkpoint whose root the entries do not give. A row
 * rewritten together with its recorded hash is then narrowed to the entries between the last good
 * checkpoint and that one.
 */
public final class AuditExport {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AuditExport() {}

  /** Writes one entry line, its leaf hash computed from {@code data}. */
  public static void writeEntry(Writer out, long index, String data) throws IOException {
    writeEntry(out, index, data, MerkleHashes.leaf(data.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Writes one entry line with the leaf hash recorded when it was appended: a store exports what it
   * holds, so that content changed after the fact shows as a mismatch at that very entry.
   */
  public static void writeEntry(Writer out, long index, String data, byte[] leafHash)
      throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "entry");
    line.put("index", index);
    line.put("data", data);
    line.put("leafHash", Base64.getEncoder().encodeToString(leafHash));
    out.write(JSON.writeValueAsString(line));
    out.write('\n');
  }

  /** Writes one checkpoint line. */
  public static void writeCheckpoint(Writer out, Checkpoint.Signed signed) throws IOException {
    Checkpoint checkpoint = signed.checkpoint();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "checkpoint");
    line.put("origin", checkpoint.origin());
    line.put("size", checkpoint.size());
    line.put("rootHash", Base64.getEncoder().encodeToString(checkpoint.rootHash()));
    line.put("time", checkpoint.time().toString());
    line.put("algorithm", signed.algorithm().fipsName());
    line.put("signature", Base64.getEncoder().encodeToString(signed.signature()));
    out.write(JSON.writeValueAsString(line));
    out.write('\n');
  }

  /**
   * What verification found.
   *
   * @param entries entry lines read
   * @param checkpoints checkpoints whose signature and root verified
   * @param latest the last checkpoint that verified, if any
   * @param failure what failed first, or null when everything verified
   */
  public record Report(
      long entries,
      int checkpoints,
      Checkpoint.@Nullable Signed latest,
      @Nullable Failure failure) {

    public boolean valid() {
      return failure == null && checkpoints > 0;
    }
  }

  /**
   * The first problem: the line it is on, the entry index it concerns (or -1), and what is wrong.
   */
  public record Failure(long line, long entry, String reason) {}

  /** Verifies an export against the log's public key. */
  public static Report verify(BufferedReader in, byte[] publicKey) throws IOException {
    return verify(in, List.of(publicKey));
  }

  /**
   * Verifies an export against the log's public keys: one per version of a rotated signing key.
   * Each checkpoint must be signed by one of them, and all must name the same log (origin).
   *
   * @throws IllegalArgumentException when no key is of a checkpoint's algorithm
   */
  public static Report verify(BufferedReader in, List<byte[]> publicKeys) throws IOException {
    if (publicKeys.isEmpty()) {
      throw new IllegalArgumentException("at least one public key is needed");
    }
    MerkleTree tree = new MerkleTree();
    long lineNumber = 0;
    int good = 0;
    Checkpoint.Signed latest = null;
    String text;
    while ((text = in.readLine()) != null) {
      lineNumber++;
      if (text.isBlank()) {
        continue;
      }
      JsonNode line;
      try {
        line = JSON.readTree(text);
      } catch (JacksonException e) {
        return failed(tree, good, latest, lineNumber, -1, "not a JSON object");
      }
      String type = line.path("type").asString("");
      if (type.equals("entry")) {
        long index = line.path("index").asLong(-1);
        if (index != tree.size()) {
          return failed(
              tree,
              good,
              latest,
              lineNumber,
              index,
              "entry "
                  + tree.size()
                  + " expected here, found index "
                  + index
                  + " (entries deleted, inserted or reordered)");
        }
        byte[] recorded = base64(line.path("leafHash").asString(""));
        byte[] actual =
            MerkleHashes.leaf(line.path("data").asString("").getBytes(StandardCharsets.UTF_8));
        if (recorded == null || !MessageDigest.isEqual(recorded, actual)) {
          return failed(
              tree,
              good,
              latest,
              lineNumber,
              index,
              "entry " + index + " does not match its recorded hash (its content was changed)");
        }
        tree.append(actual);
      } else if (type.equals("checkpoint")) {
        Checkpoint.Signed signed;
        try {
          signed = checkpoint(line);
        } catch (IllegalArgumentException e) {
          return failed(
              tree, good, latest, lineNumber, -1, "malformed checkpoint: " + e.getMessage());
        }
        long size = signed.checkpoint().size();
        if (latest != null && !latest.checkpoint().origin().equals(signed.checkpoint().origin())) {
          return failed(
              tree,
              good,
              latest,
              lineNumber,
              -1,
              "the checkpoint of size "
                  + size
                  + " is of another log ("
                  + signed.checkpoint().origin()
                  + ")");
        }
        if (!signedByAny(signed, publicKeys)) {
          return failed(
              tree,
              good,
              latest,
              lineNumber,
              -1,
              "the checkpoint of size " + size + " is not signed by this key");
        }
        if (size != tree.size()) {
          return failed(
              tree,
              good,
              latest,
              lineNumber,
              -1,
              "the checkpoint of size " + size + " follows " + tree.size() + " entries");
        }
        if (!MessageDigest.isEqual(tree.root(size), signed.checkpoint().rootHash())) {
          long from = latest == null ? 0 : latest.checkpoint().size();
          return failed(
              tree,
              good,
              latest,
              lineNumber,
              from,
              "the entries do not give the signed root of size "
                  + size
                  + ": an entry from "
                  + from
                  + " to "
                  + (size - 1)
                  + " was changed together with its recorded hash");
        }
        good++;
        latest = signed;
      } else {
        return failed(tree, good, latest, lineNumber, -1, "unknown line type '" + type + "'");
      }
    }
    if (latest == null) {
      return failed(tree, good, null, lineNumber, -1, "no signed checkpoint in the export");
    }
    if (latest.checkpoint().size() != tree.size()) {
      return failed(
          tree,
          good,
          latest,
          lineNumber,
          latest.checkpoint().size(),
          "entries after the last checkpoint (from "
              + latest.checkpoint().size()
              + ") are not signed");
    }
    return new Report(tree.size(), good, latest, null);
  }

  private static boolean signedByAny(Checkpoint.Signed signed, List<byte[]> publicKeys) {
    boolean anyOfItsType = false;
    for (byte[] key : publicKeys) {
      try {
        if (signed.verify(key)) {
          return true;
        }
        anyOfItsType = true;
      } catch (InvalidKeyException e) {
        // A key of another algorithm or length: try the next.
      }
    }
    if (!anyOfItsType) {
      throw new IllegalArgumentException(
          "no public key given is a " + signed.algorithm().fipsName() + " key");
    }
    return false;
  }

  private static Report failed(
      MerkleTree tree,
      int good,
      Checkpoint.@Nullable Signed latest,
      long line,
      long entry,
      String reason) {
    return new Report(tree.size(), good, latest, new Failure(line, entry, reason));
  }

  private static Checkpoint.Signed checkpoint(JsonNode line) {
    Algorithm algorithm;
    try {
      algorithm = Algorithm.of(line.path("algorithm").asString(""));
    } catch (UnknownAlgorithmException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    byte[] root = base64(line.path("rootHash").asString(""));
    byte[] signature = base64(line.path("signature").asString(""));
    if (root == null || signature == null) {
      throw new IllegalArgumentException("rootHash and signature must be base64");
    }
    Instant time;
    try {
      time = Instant.parse(line.path("time").asString(""));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("time must be an ISO-8601 instant");
    }
    return new Checkpoint.Signed(
        new Checkpoint(line.path("origin").asString(""), line.path("size").asLong(-1), root, time),
        algorithm,
        signature);
  }

  private static byte @Nullable [] base64(String value) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
