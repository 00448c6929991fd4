package io.truststram.crypto.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemType;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.crypto.CryptoProblems;
import io.truststram.crypto.primitive.Hmac;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.platform.audit.NotAudited;
import io.truststram.platform.security.CurrentPrincipal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The data operations on named keys, each on one item or a {@code batch} of them (every item
 * answered on its own: a value or an error, in order). Binary values travel as base64; outputs name
 * the key version that made them ({@code ts:v3:...}).
 */
@RestController
@NotAudited
@RequestMapping(
    path = "/api/v1/crypto",
    produces = MediaType.APPLICATION_JSON_VALUE,
    consumes = MediaType.APPLICATION_JSON_VALUE)
@Tag(
    name = "Key operations",
    description = "Encrypt, sign, encapsulate, seal and HMAC with named keys")
class OperationController {

  /** The most items one batch may carry. */
  static final int MAX_BATCH = 1000;

  /** The most random bytes one call returns. */
  static final int MAX_RANDOM = 65536;

  private final KeyManager keys;
  private final CryptoMetrics metrics;
  private final KeyUsage usage;

  OperationController(KeyManager keys, CryptoMetrics metrics, KeyUsage usage) {
    this.keys = keys;
    this.metrics = metrics;
    this.usage = usage;
  }

  /**
   * One item of any operation; each operation reads the fields it needs. {@code context} is the
   * base64 AES-GCM associated data, or the signature context string; {@code preHash} pre-hashes
   * before signing.
   */
  record Item(
      @Nullable String plaintext,
      @Nullable String ciphertext,
      @Nullable String input,
      @Nullable String signature,
      @Nullable String hmac,
      @Nullable String context,
      @Nullable Boolean preHash,
      @Nullable String algorithm,
      @Nullable Integer keyVersion) {}

  /** A single item's fields, or {@code batch}. */
  record OperationRequest(
      @Nullable String plaintext,
      @Nullable String ciphertext,
      @Nullable String input,
      @Nullable String signature,
      @Nullable String hmac,
      @Nullable String context,
      @Nullable Boolean preHash,
      @Nullable String algorithm,
      @Nullable Integer keyVersion,
      @Nullable Boolean wrappedOnly,
      @Nullable List<Item> batch) {

    Item single() {
      return new Item(
          plaintext, ciphertext, input, signature, hmac, context, preHash, algorithm, keyVersion);
    }
  }

  @PostMapping("/keys/{name}/encrypt")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "Encrypt with an AES-256-GCM key's latest version",
      description = "plaintext (base64), context (base64 associated data, optional) -> ciphertext")
  Map<String, Object> encrypt(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "encrypt",
        body,
        (key, item) ->
            Map.of(
                "ciphertext",
                keys.encrypt(
                    key,
                    item.keyVersion(),
                    required("plaintext", item.plaintext()),
                    optional(item.context()))));
  }

  @PostMapping("/keys/{name}/decrypt")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "Decrypt a ciphertext of any version from minDecryptionVersion on",
      description = "ciphertext, context -> plaintext (base64); any failure is one generic error")
  Map<String, Object> decrypt(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "decrypt",
        body,
        (key, item) ->
            Map.of(
                "plaintext",
                b64(
                    keys.decrypt(
                        key, text("ciphertext", item.ciphertext()), optional(item.context())))));
  }

  @PostMapping("/keys/{name}/rewrap")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "Re-encrypt a ciphertext under the key's latest version, without showing it")
  Map<String, Object> rewrap(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "rewrap",
        body,
        (key, item) ->
            Map.of(
                "ciphertext",
                keys.rewrap(key, text("ciphertext", item.ciphertext()), optional(item.context()))));
  }

  @PostMapping("/keys/{name}/datakey")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "A fresh 256-bit data key for envelope encryption",
      description =
          "Returned in plaintext (base64) and wrapped; wrappedOnly: true omits the plaintext.")
  Map<String, Object> dataKey(@PathVariable String name, @RequestBody OperationRequest body) {
    boolean wrappedOnly = Boolean.TRUE.equals(body.wrappedOnly());
    return run(
        name,
        "datakey",
        body,
        (key, item) -> {
          KeyManager.DataKey dataKey =
              keys.dataKey(key, item.keyVersion(), optional(item.context()));
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("ciphertext", dataKey.ciphertext());
          if (!wrappedOnly) {
            out.put("plaintext", b64(dataKey.plaintext()));
          }
          return out;
        });
  }

  @PostMapping("/keys/{name}/sign")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "Sign with a signature key's latest version",
      description = "input (base64), context (UTF-8 context string), preHash -> signature")
  Map<String, Object> sign(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "sign",
        body,
        (key, item) ->
            Map.of(
                "signature",
                keys.sign(
                    key, item.keyVersion(), required("input", item.input()), signOptions(item))));
  }

  @PostMapping("/keys/{name}/verify")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "Verify a signature, or an HMAC",
      description =
          "input (base64) with signature (and context, preHash as signed) or hmac (and algorithm)"
              + " -> valid")
  Map<String, Object> verify(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "verify",
        body,
        (key, item) -> {
          byte[] input = required("input", item.input());
          boolean valid =
              item.hmac() != null
                  ? keys.verifyHmac(key, hmacAlgorithm(item.algorithm()), input, item.hmac())
                  : keys.verify(key, input, text("signature", item.signature()), signOptions(item));
          return Map.of("valid", valid);
        });
  }

  @PostMapping("/keys/{name}/hmac")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "HMAC with the key version's HMAC key (every key has one)",
      description = "input (base64), algorithm (sha2-256 by default, or sha2-512) -> hmac")
  Map<String, Object> hmac(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "hmac",
        body,
        (key, item) ->
            Map.of(
                "hmac",
                keys.hmac(
                    key,
                    item.keyVersion(),
                    hmacAlgorithm(item.algorithm()),
                    required("input", item.input()))));
  }

  @PostMapping("/keys/{name}/encapsulate")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "A fresh shared secret and its ciphertext for a KEM key's latest version")
  Map<String, Object> encapsulate(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "encapsulate",
        body,
        (key, item) -> {
          KeyManager.Encapsulated result = keys.encapsulate(key, item.keyVersion());
          return Map.of(
              "ciphertext", result.ciphertext(), "sharedSecret", b64(result.sharedSecret()));
        });
  }

  @PostMapping("/keys/{name}/decapsulate")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "The shared secret of a ciphertext made for this KEM key")
  Map<String, Object> decapsulate(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "decapsulate",
        body,
        (key, item) ->
            Map.of(
                "sharedSecret", b64(keys.decapsulate(key, text("ciphertext", item.ciphertext())))));
  }

  @PostMapping("/keys/{name}/seal")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "Seal a message to a KEM key (a sealed box anyone can make with its public key)",
      description = "plaintext (base64), context (base64 associated data) -> ciphertext")
  Map<String, Object> seal(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "seal",
        body,
        (key, item) ->
            Map.of(
                "ciphertext",
                keys.seal(
                    key,
                    item.keyVersion(),
                    required("plaintext", item.plaintext()),
                    optional(item.context()))));
  }

  @PostMapping("/keys/{name}/open")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "Open a sealed box made for this KEM key")
  Map<String, Object> open(@PathVariable String name, @RequestBody OperationRequest body) {
    return run(
        name,
        "open",
        body,
        (key, item) ->
            Map.of(
                "plaintext",
                b64(
                    keys.open(
                        key, text("ciphertext", item.ciphertext()), optional(item.context())))));
  }

  record RandomRequest(@Nullable Integer bytes) {}

  @PostMapping("/random")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "Random bytes (base64) from the key manager's DRBG, at most 65536")
  Map<String, Object> random(@RequestBody RandomRequest body) {
    int bytes = body.bytes() == null ? 32 : body.bytes();
    if (bytes < 1 || bytes > MAX_RANDOM) {
      throw new ProblemException(
          ProblemTypes.VALIDATION_FAILED, "bytes must be between 1 and " + MAX_RANDOM);
    }
    return Map.of("random", b64(keys.random(bytes)));
  }

  // ---------------------------------------------------------------------------------------------

  /** Runs {@code action} on key {@code name} for the request's item, or each of its batch. */
  private Map<String, Object> run(
      String name,
      String operation,
      OperationRequest body,
      BiFunction<KeyManager.Loaded, Item, Map<String, Object>> action) {
    if (KeyManager.isPlatformKey(name)) {
      throw new ProblemException(
          CryptoProblems.PLATFORM_KEY,
          "the platform's own keys are used by the platform only; their public keys are listed"
              + " with the key, for verifying offline");
    }
    try (KeyManager.Loaded key = keys.load(tenant(), name)) {
      return run(key, operation, body, action);
    }
  }

  private Map<String, Object> run(
      KeyManager.Loaded key,
      String operation,
      OperationRequest body,
      BiFunction<KeyManager.Loaded, Item, Map<String, Object>> action) {
    String algorithm = key.type.name();
    if (body.batch() == null) {
      boolean done = false;
      try {
        Map<String, Object> result =
            metrics.time(algorithm, operation, () -> action.apply(key, body.single()));
        done = true;
        return result;
      } finally {
        recordUse(key, operation, done ? 1 : 0, done ? 0 : 1);
      }
    }
    if (body.batch().size() > MAX_BATCH) {
      throw new ProblemException(
          CryptoProblems.BATCH_TOO_LARGE,
          "a batch holds at most " + MAX_BATCH + " items, not " + body.batch().size());
    }
    List<Map<String, Object>> results = new ArrayList<>(body.batch().size());
    int failed = 0;
    for (Item item : body.batch()) {
      try {
        results.add(metrics.time(algorithm, operation, () -> action.apply(key, item)));
      } catch (ProblemException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", ProblemType.BASE_URI + e.type().slug());
        error.put("detail", e.detail());
        results.add(Map.of("error", error));
        failed++;
      }
    }
    recordUse(key, operation, results.size() - failed, failed);
    return Map.of("batchResults", results);
  }

  private void recordUse(KeyManager.Loaded key, String operation, long succeeded, long failed) {
    var caller = CurrentPrincipal.require();
    usage.record(caller.tenant(), key.key.name(), operation, caller.subject(), succeeded, failed);
  }

  private static io.truststram.common.tenant.TenantId tenant() {
    return CurrentPrincipal.require().tenant();
  }

  private static byte[] required(String field, @Nullable String value) {
    return Ciphertexts.base64(field, text(field, value));
  }

  private static String text(String field, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new ProblemException(ProblemTypes.VALIDATION_FAILED, field + " is required");
    }
    return value;
  }

  private static byte[] optional(@Nullable String context) {
    return context == null ? new byte[0] : Ciphertexts.base64("context", context);
  }

  private static SignOptions signOptions(Item item) {
    byte[] context =
        item.context() == null
            ? new byte[0]
            : item.context().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (context.length > 255) {
      throw new ProblemException(
          CryptoProblems.INVALID_INPUT, "a context string is at most 255 bytes");
    }
    return new SignOptions(context, Boolean.TRUE.equals(item.preHash()));
  }

  private static Hmac hmacAlgorithm(@Nullable String name) {
    if (name == null) {
      return Hmac.SHA256;
    }
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "sha2-256", "sha256", "hmac-sha-256" -> Hmac.SHA256;
      case "sha2-512", "sha512", "hmac-sha-512" -> Hmac.SHA512;
      default ->
          throw new ProblemException(
              CryptoProblems.UNKNOWN_ALGORITHM,
              "unknown HMAC algorithm '" + name + "'; known: sha2-256, sha2-512");
    };
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
