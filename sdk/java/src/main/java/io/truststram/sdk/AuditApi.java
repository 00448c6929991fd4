package io.truststram.sdk;

import io.truststram.audit.log.AuditExport;
import io.truststram.audit.log.Checkpoint;
import io.truststram.audit.log.MerkleHashes;
import io.truststram.audit.log.Proofs;
import io.truststram.crypto.primitive.Algorithm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail of a TrustStram server ({@code /api/v1/audit}): append the application's own
 * entries, query the log, and check what the server says rather than trust it. Inclusion and
 * consistency proofs and checkpoint signatures are verified here, with {@code audit/core}, against
 * the audit key's public keys; an export is verified offline with {@link #verifyExport}.
 */
public final class AuditApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private final Http http;

  private AuditApi(Http http) {
    this.http = http;
  }

  public static AuditApi connect(URI server, TokenSource tokens) {
    return new AuditApi(new Http(server, tokens));
  }

  /** An entry to append; outcome is success, failure or denied. */
  public record NewEntry(
      String action, String resource, String outcome, Map<String, String> details) {
    public NewEntry {
      details = Map.copyOf(details);
    }

    public static NewEntry success(String action, String resource) {
      return new NewEntry(action, resource, "success", Map.of());
    }
  }

  /**
   * An entry of the log.
   *
   * @param data exactly the text that was hashed
   * @param entry the same, parsed
   */
  public record Entry(long index, byte[] leafHash, String data, JsonNode entry) {

    /** Whether {@code data} hashes to the recorded leaf hash. */
    public boolean matchesLeafHash() {
      return MessageDigest.isEqual(
          leafHash, MerkleHashes.leaf(data.getBytes(StandardCharsets.UTF_8)));
    }

    public String action() {
      return entry.path("action").asString();
    }

    public String principal() {
      return entry.path("principal").asString();
    }

    static Entry of(JsonNode node) {
      return new Entry(
          node.path("index").asLong(),
          UNB64.decode(node.path("leafHash").asString()),
          node.path("data").asString(),
          node.path("entry"));
    }
  }

  /** A page of entries and the cursor of the next, if any. */
  public record Page(List<Entry> items, @Nullable String nextCursor) {}

  /** Query filters; null fields do not filter. */
  public record Query(
      @Nullable String principal,
      @Nullable String action,
      @Nullable String resource,
      @Nullable String outcome,
      @Nullable Instant from,
      @Nullable Instant to) {

    public static Query all() {
      return new Query(null, null, null, null, null, null);
    }
  }

  /** A signed checkpoint and the audit key version that signed it. */
  public record SignedCheckpoint(Checkpoint.Signed signed, int keyVersion) {
    public long size() {
      return signed.checkpoint().size();
    }

    static SignedCheckpoint of(JsonNode node) {
      return new SignedCheckpoint(
          new Checkpoint.Signed(
              new Checkpoint(
                  node.path("origin").asString(),
                  node.path("size").asLong(),
                  UNB64.decode(node.path("rootHash").asString()),
                  Instant.parse(node.path("time").asString())),
              Algorithm.of(node.path("algorithm").asString()),
              UNB64.decode(node.path("signature").asString())),
          node.path("keyVersion").asInt());
    }
  }

  /** Appends entries in order, durably; returns their indexes. */
  public List<Long> append(List<NewEntry> entries) throws IOException {
    List<Map<String, Object>> items = new ArrayList<>();
    for (NewEntry entry : entries) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("action", entry.action());
      item.put("resource", entry.resource());
      item.put("outcome", entry.outcome());
      item.put("details", entry.details());
      items.add(item);
    }
    JsonNode response =
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/audit/entries", TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(Http.jsonBody(Map.of("entries", items)))));
    List<Long> indexes = new ArrayList<>();
    response.path("entries").forEach(e -> indexes.add(e.path("index").asLong()));
    return indexes;
  }

  /** One page of entries matching {@code query}, in append order. */
  public Page entries(Query query, int limit, @Nullable String cursor) throws IOException {
    StringBuilder path = new StringBuilder("/api/v1/audit/entries?limit=" + limit);
    param(path, "principal", query.principal());
    param(path, "action", query.action());
    param(path, "resource", query.resource());
    param(path, "outcome", query.outcome());
    param(path, "from", query.from() == null ? null : query.from().toString());
    param(path, "to", query.to() == null ? null : query.to().toString());
    param(path, "cursor", cursor);
    JsonNode page = get(path.toString());
    List<Entry> items = new ArrayList<>();
    page.path("items").forEach(e -> items.add(Entry.of(e)));
    return new Page(
        items, page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null);
  }

  public Entry entry(long index) throws IOException {
    return Entry.of(get("/api/v1/audit/entries/" + index));
  }

  /** Signs a checkpoint of the log as it is now (or returns the latest if it has not grown). */
  public SignedCheckpoint checkpoint() throws IOException {
    return SignedCheckpoint.of(
        Objects.requireNonNull(
            http.json(
                http.request("/api/v1/audit/checkpoints", TIMEOUT)
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()))));
  }

  public SignedCheckpoint latestCheckpoint() throws IOException {
    return SignedCheckpoint.of(get("/api/v1/audit/checkpoints/latest"));
  }

  /** One version of the audit key's public key, raw. */
  public record PublicKey(int version, Algorithm algorithm, byte[] publicKey) {}

  /** The audit key's public keys, raw, oldest version first. */
  public List<byte[]> publicKeys() throws IOException {
    return publicKeyVersions().stream().map(PublicKey::publicKey).toList();
  }

  /** The audit key's public keys with their versions and algorithm, oldest first. */
  public List<PublicKey> publicKeyVersions() throws IOException {
    List<PublicKey> keys = new ArrayList<>();
    get("/api/v1/audit/public-keys")
        .path("keys")
        .forEach(
            k ->
                keys.add(
                    new PublicKey(
                        k.path("version").asInt(),
                        Algorithm.of(k.path("algorithm").asString()),
                        UNB64.decode(k.path("publicKey").asString()))));
    return keys;
  }

  /**
   * Checks that entry {@code index} is in the log the checkpoint commits to: the checkpoint's
   * signature by one of {@code publicKeys}, the entry's content against its leaf hash, and the
   * server's inclusion proof against the signed root.
   */
  public boolean verifyInclusion(long index, SignedCheckpoint checkpoint, List<byte[]> publicKeys)
      throws IOException {
    if (!signedByAny(checkpoint, publicKeys)) {
      return false;
    }
    Entry entry = entry(index);
    if (!entry.matchesLeafHash()) {
      return false;
    }
    JsonNode proof =
        get("/api/v1/audit/proofs/inclusion?index=" + index + "&treeSize=" + checkpoint.size());
    return Proofs.verifyInclusion(
        index,
        checkpoint.size(),
        entry.leafHash(),
        hashes(proof.path("auditPath")),
        checkpoint.signed().checkpoint().rootHash());
  }

  /** Checks that {@code newer} extends {@code older}: both signed, and the server's proof holds. */
  public boolean verifyConsistency(
      SignedCheckpoint older, SignedCheckpoint newer, List<byte[]> publicKeys) throws IOException {
    if (!signedByAny(older, publicKeys) || !signedByAny(newer, publicKeys)) {
      return false;
    }
    if (older.size() == newer.size()) {
      return MessageDigest.isEqual(
          older.signed().checkpoint().rootHash(), newer.signed().checkpoint().rootHash());
    }
    JsonNode proof =
        get(
            "/api/v1/audit/proofs/consistency?firstSize="
                + older.size()
                + "&secondSize="
                + newer.size());
    return Proofs.verifyConsistency(
        older.size(),
        newer.size(),
        older.signed().checkpoint().rootHash(),
        newer.signed().checkpoint().rootHash(),
        hashes(proof.path("proof")));
  }

  /** Downloads the whole log as JSON Lines with its signed checkpoints. */
  public void export(Path file) throws IOException {
    HttpResponse<InputStream> response =
        http.stream(
            http.request("/api/v1/audit/export", Duration.ofHours(1))
                .header("Accept", "application/x-ndjson")
                .GET());
    try (InputStream in = response.body()) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Verifies an export offline against the audit key's public keys. */
  public static AuditExport.Report verifyExport(Path file, List<byte[]> publicKeys)
      throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return AuditExport.verify(in, publicKeys);
    }
  }

  private static boolean signedByAny(SignedCheckpoint checkpoint, List<byte[]> publicKeys) {
    for (byte[] key : publicKeys) {
      try {
        if (checkpoint.signed().verify(key)) {
          return true;
        }
      } catch (RuntimeException e) {
        // A key of another algorithm: try the next.
      }
    }
    return false;
  }

  private static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(h -> out.add(UNB64.decode(h.asString())));
    return out;
  }

  private JsonNode get(String path) throws IOException {
    return Objects.requireNonNull(http.json(http.request(path, TIMEOUT).GET()));
  }

  private static void param(StringBuilder path, String name, @Nullable String value) {
    if (value != null) {
      path.append('&')
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
