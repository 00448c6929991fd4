package io.truststram.sdk;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The key manager of a TrustStram server ({@code /api/v1/crypto}): named keys and the operations on
 * them. Binary values are byte arrays here and base64 on the wire; outputs are the server's
 * versioned strings ({@code ts:v3:...}), to be stored as they are. For local operations with no
 * server (sealed boxes, signatures with raw keys) use {@code io.truststram.crypto} directly.
 */
public final class KeyManagerApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private final Http http;

  private KeyManagerApi(Http http) {
    this.http = http;
  }

  public static KeyManagerApi connect(URI server, TokenSource tokens) {
    return new KeyManagerApi(new Http(server, tokens));
  }

  /** A key as the server describes it; public keys (asymmetric keys) by version, raw. */
  public record Key(
      String name,
      String type,
      int latestVersion,
      int minDecryptionVersion,
      boolean exportable,
      Map<Integer, byte[]> publicKeys) {

    static Key of(JsonNode node) {
      Map<Integer, byte[]> publicKeys = new LinkedHashMap<>();
      for (JsonNode version : node.path("versions")) {
        if (version.hasNonNull("publicKey")) {
          publicKeys.put(
              version.path("version").asInt(), UNB64.decode(version.path("publicKey").asString()));
        }
      }
      return new Key(
          node.path("name").asString(),
          node.path("type").asString(),
          node.path("latestVersion").asInt(),
          node.path("minDecryptionVersion").asInt(),
          node.path("exportable").asBoolean(),
          publicKeys);
    }
  }

  /** What an encapsulation gives: the versioned ciphertext and the shared secret. */
  public record Encapsulation(String ciphertext, byte[] sharedSecret) {}

  /** A fresh data key in plaintext and wrapped by the named key. */
  public record DataKey(byte[] plaintext, String ciphertext) {}

  /**
   * Creates a key of {@code type} (AES-256-GCM, HMAC, or an algorithm such as ML-KEM-768).
   *
   * @param autoRotatePeriod null or zero for no automatic rotation
   */
  public Key createKey(
      String name,
      String type,
      boolean exportable,
      boolean deletionAllowed,
      @Nullable Duration autoRotatePeriod)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("type", type);
    body.put("exportable", exportable);
    body.put("deletionAllowed", deletionAllowed);
    if (autoRotatePeriod != null) {
      body.put("autoRotatePeriod", autoRotatePeriod.toString());
    }
    return Key.of(post("/keys", body));
  }

  public Key key(String name) throws IOException {
    return Key.of(Objects.requireNonNull(http.json(http.request(path(name), TIMEOUT).GET())));
  }

  public Key rotate(String name) throws IOException {
    return Key.of(post("/keys/" + name + "/rotate", Map.of()));
  }

  public String encrypt(String key, byte[] plaintext, byte @Nullable [] context)
      throws IOException {
    return post(op(key, "encrypt"), item("plaintext", plaintext, context))
        .path("ciphertext")
        .asString();
  }

  /**
   * Encrypts every plaintext in one request.
   *
   * @throws TrustStramException when any item fails, naming the first
   */
  public List<String> encryptBatch(String key, List<byte[]> plaintexts) throws IOException {
    List<Map<String, Object>> items = new ArrayList<>();
    for (byte[] plaintext : plaintexts) {
      items.add(item("plaintext", plaintext, null));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode result : post(op(key, "encrypt"), Map.of("batch", items)).path("batchResults")) {
      if (result.has("error")) {
        throw new TrustStramException(
            400,
            slug(result.path("error").path("type").asString()),
            "item " + out.size() + ": " + result.path("error").path("detail").asString(),
            null);
      }
      out.add(result.path("ciphertext").asString());
    }
    return out;
  }

  public byte[] decrypt(String key, String ciphertext, byte @Nullable [] context)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ciphertext", ciphertext);
    if (context != null) {
      body.put("context", B64.encodeToString(context));
    }
    return UNB64.decode(post(op(key, "decrypt"), body).path("plaintext").asString());
  }

  public String rewrap(String key, String ciphertext) throws IOException {
    return post(op(key, "rewrap"), Map.of("ciphertext", ciphertext)).path("ciphertext").asString();
  }

  public DataKey dataKey(String key) throws IOException {
    JsonNode result = post(op(key, "datakey"), Map.of());
    return new DataKey(
        UNB64.decode(result.path("plaintext").asString()), result.path("ciphertext").asString());
  }

  /** Signs {@code input}; {@code context} is the FIPS 204/205 context string, or null. */
  public String sign(String key, byte[] input, @Nullable String context, boolean preHash)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("input", B64.encodeToString(input));
    if (context != null) {
      body.put("context", context);
    }
    body.put("preHash", preHash);
    return post(op(key, "sign"), body).path("signature").asString();
  }

  public boolean verify(
      String key, byte[] input, String signature, @Nullable String context, boolean preHash)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("input", B64.encodeToString(input));
    body.put("signature", signature);
    if (context != null) {
      body.put("context", context);
    }
    body.put("preHash", preHash);
    return post(op(key, "verify"), body).path("valid").asBoolean();
  }

  /**
   * A key attestation.
   *
   * @param statement the JSON text the key manager signed: the key, its version and public key, and
   *     the subject it is held for
   * @param signature {@code ts:v<n>:<base64>}, by the tenant's attestation key
   * @param algorithm that key's algorithm
   */
  public record Attestation(String statement, String signature, String algorithm) {}

  /**
   * What verifying an attestation found.
   *
   * @param valid whether the tenant's attestation key signed exactly this statement
   * @param current whether it still holds (the key exists, is not exportable, the version is kept)
   * @param reason why not, when either is false
   */
  public record AttestationCheck(boolean valid, boolean current, @Nullable String reason) {}

  /**
   * Attests that the key manager holds the latest version of a non-exportable asymmetric key for
   * {@code subject}, an entity of the trust graph of type {@code subjectType} ({@code client-node},
   * {@code model}, ...); the trust service counts it as evidence for the subject.
   */
  public Attestation attest(String key, String subject, String subjectType) throws IOException {
    JsonNode result =
        post(op(key, "attest"), Map.of("subject", subject, "subjectType", subjectType));
    return new Attestation(
        result.path("statement").asString(),
        result.path("signature").asString(),
        result.path("algorithm").asString());
  }

  public AttestationCheck verifyAttestation(Attestation attestation) throws IOException {
    JsonNode result =
        post(
            "/attestations/verify",
            Map.of("statement", attestation.statement(), "signature", attestation.signature()));
    return new AttestationCheck(
        result.path("valid").asBoolean(),
        result.path("current").asBoolean(),
        result.path("reason").isTextual() ? result.path("reason").asString() : null);
  }

  public Encapsulation encapsulate(String key) throws IOException {
    JsonNode result = post(op(key, "encapsulate"), Map.of());
    return new Encapsulation(
        result.path("ciphertext").asString(), UNB64.decode(result.path("sharedSecret").asString()));
  }

  public byte[] decapsulate(String key, String ciphertext) throws IOException {
    return UNB64.decode(
        post(op(key, "decapsulate"), Map.of("ciphertext", ciphertext))
            .path("sharedSecret")
            .asString());
  }

  /** Opens a sealed box made (with the server or without) for the key. */
  public byte[] open(String key, String ciphertext, byte @Nullable [] context) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ciphertext", ciphertext);
    if (context != null) {
      body.put("context", B64.encodeToString(context));
    }
    return UNB64.decode(post(op(key, "open"), body).path("plaintext").asString());
  }

  public String hmac(String key, byte[] input) throws IOException {
    return post(op(key, "hmac"), Map.of("input", B64.encodeToString(input)))
        .path("hmac")
        .asString();
  }

  public byte[] random(int bytes) throws IOException {
    return UNB64.decode(post("/random", Map.of("bytes", bytes)).path("random").asString());
  }

  private JsonNode post(String path, Object body) throws IOException {
    return Objects.requireNonNull(
        http.json(
            http.request("/api/v1/crypto" + path, TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(Http.jsonBody(body))));
  }

  private static String slug(String type) {
    return type.substring(type.lastIndexOf('/') + 1);
  }

  private static String path(String name) {
    return "/api/v1/crypto/keys/" + name;
  }

  private static String op(String key, String operation) {
    return "/keys/" + key + "/" + operation;
  }

  private static Map<String, Object> item(String field, byte[] value, byte @Nullable [] context) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put(field, B64.encodeToString(value));
    if (context != null) {
      item.put("context", B64.encodeToString(context));
    }
    return item;
  }
}
