package io.truststram.crypto.internal;

import io.truststram.common.id.Uuids;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.CryptoProblems;
import io.truststram.crypto.KeyAttested;
import io.truststram.crypto.PlatformKeys;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.platform.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Key attestations: statements, signed by the tenant's platform key {@code
 * truststram.attestation.signing}, that the key manager holds a version of an asymmetric key for a
 * named subject (a client node, a model, an agent...) and will not release its private key (the key
 * is not exportable). A verifier checks the signature and whether the statement still holds. The
 * trust service counts each published attestation as evidence for the subject.
 *
 * <p>Only keys generated in the key manager and never backed up are attested, so that no copy of
 * the private key can exist elsewhere. Attesting pins the key: it is bound to its subject (a second
 * subject is refused), and it can no longer be made exportable nor backed up. The first attestation
 * of each version for its subject is published as {@link KeyAttested} (repeats are recorded, not
 * published).
 */
final class KeyAttestations {

  static final String FORMAT = "truststram-key-attestation-v1";
  static final String PURPOSE = "attestation";

  /** The entity types of the trust graph that a key can be attested for. */
  static final Set<String> SUBJECT_TYPES =
      Set.of("organisation", "user", "client-node", "model", "dataset", "agent");

  private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_STATEMENT = 16_384;

  private final KeyManager keys;
  private final KeyRecords records;
  private final PlatformKeys platform;
  private final TransactionTemplate transactions;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  KeyAttestations(
      KeyManager keys,
      KeyRecords records,
      PlatformKeys platform,
      TransactionTemplate transactions,
      ApplicationEventPublisher events,
      Clock clock) {
    this.keys = keys;
    this.records = records;
    this.platform = platform;
    this.transactions = transactions;
    this.events = events;
    this.clock = clock;
  }

  /**
   * A signed statement and its signature.
   *
   * @param statement the exact JSON text that was signed (UTF-8)
   * @param signature {@code ts:v<n>:<base64>}, by version n of the tenant's attestation key
   * @param algorithm the attestation key's algorithm
   */
  record Attestation(String statement, String signature, String algorithm) {}

  /**
   * Attests the latest version of the caller's key {@code name} for {@code subject}.
   *
   * @throws ProblemException {@link CryptoProblems#KEY_NOT_FOUND}; {@link
   *     CryptoProblems#WRONG_KEY_TYPE} for a key with no public key (AES, HMAC); {@link
   *     CryptoProblems#CONFIG_CONFLICT} for an exportable key; {@link CryptoProblems#INVALID_INPUT}
   *     for a bad subject or subject type
   */
  Attestation attest(
      Caller caller, String name, @Nullable String subject, @Nullable String subjectType) {
    if (subject == null || !SUBJECT.matcher(subject).matches()) {
      throw new ProblemException(
          CryptoProblems.INVALID_INPUT,
          "subject: an entity id of 1 to 200 letters, digits and ._:@+- (starting with a letter or"
              + " digit)");
    }
    String type = subjectType == null ? "client-node" : subjectType;
    if (!SUBJECT_TYPES.contains(type)) {
      throw new ProblemException(
          CryptoProblems.INVALID_INPUT,
          "subjectType is one of " + String.join(", ", new java.util.TreeSet<>(SUBJECT_TYPES)));
    }
    if (KeyManager.isPlatformKey(name)) {
      throw new ProblemException(
          CryptoProblems.INVALID_INPUT, "the platform's own keys are not attested for subjects");
    }
    KeyRecords.Key key = keys.find(caller.tenant(), name);
    KeyType keyType = KeyType.of(key.type());
    if (keyType.algorithm() == null) {
      throw new ProblemException(
          CryptoProblems.WRONG_KEY_TYPE,
          "only keys with a public key (signature schemes and KEMs) are attested, not "
              + keyType.name());
    }
    // Checked before signing, and again under the key's row lock before recording.
    requireAttestable(key);
    int latest = key.latestVersion();
    KeyRecords.Version version =
        keys.versions(key).stream()
            .filter(v -> v.version() == latest)
            .findFirst()
            .orElseThrow(() -> changed(name));
    byte[] publicKey = Objects.requireNonNull(version.publicKey());
    UUID id = Uuids.v7();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("format", FORMAT);
    fields.put("id", id.toString());
    fields.put("tenant", caller.tenant().toString());
    fields.put("key", key.name());
    fields.put("version", version.version());
    fields.put("algorithm", keyType.name());
    fields.put("publicKey", Base64.getEncoder().encodeToString(publicKey));
    fields.put("publicKeySha256", Base64.getEncoder().encodeToString(sha256(publicKey)));
    fields.put("exportable", false);
    fields.put("origin", "generated");
    fields.put("subject", subject);
    fields.put("subjectType", type);
    fields.put("attestedBy", caller.subject());
    fields.put("issuedAt", now.toString());
    String statement = JSON.writeValueAsString(fields);
    PlatformKeys.Signature signed =
        platform.sign(caller.tenant(), PURPOSE, statement.getBytes(StandardCharsets.UTF_8));
    // Recorded under the key's row lock: a key made exportable (or deleted) meanwhile is not
    // attested, and a key is attested for one subject only.
    transactions.executeWithoutResult(
        status -> {
          KeyRecords.Key locked = records.lock(key.id()).orElseThrow(() -> changed(name));
          requireAttestable(locked);
          if (version.version() < locked.minAvailableVersion()
              || version.version() < locked.minDecryptionVersion()) {
            throw new ProblemException(
                CryptoProblems.CONFIG_CONFLICT,
                "version "
                    + version.version()
                    + " of key "
                    + name
                    + " was retired while it was being attested: try again");
          }
          List<KeyRecords.Attested> before = records.attestations(key.id());
          for (KeyRecords.Attested earlier : before) {
            if (!earlier.subject().equals(subject) || !earlier.subjectType().equals(type)) {
              throw new ProblemException(
                  CryptoProblems.CONFIG_CONFLICT,
                  "key "
                      + name
                      + " is attested for "
                      + earlier.subjectType()
                      + " "
                      + earlier.subject()
                      + ": a key is attested for one subject only");
            }
          }
          records.insertAttestation(
              new KeyRecords.Attested(
                  id, key.id(), version.version(), subject, type, caller.subject(), now));
          // Attesting the same version for the same subject again is not new evidence.
          if (before.stream().noneMatch(earlier -> earlier.version() == version.version())) {
            events.publishEvent(
                new KeyAttested(
                    caller.tenant(),
                    id,
                    key.name(),
                    version.version(),
                    keyType.name(),
                    subject,
                    type,
                    caller.subject(),
                    now));
          }
        });
    return new Attestation(
        statement, Ciphertexts.format(signed.keyVersion(), signed.signature()), signed.algorithm());
  }

  /**
   * Refuses a key of which a copy of the private key may exist outside the key manager: one that is
   * exportable, was imported or restored (or has no recorded origin), or was ever backed up.
   */
  private void requireAttestable(KeyRecords.Key key) {
    KeyRecords.Provenance provenance = records.provenance(key.id());
    String why =
        key.exportable()
            ? "is exportable"
            : provenance.backedUp()
                ? "was backed up"
                : provenance.origin() == null
                    ? "has no recorded origin"
                    : "generated".equals(provenance.origin()) ? null : "was " + provenance.origin();
    if (why != null) {
      throw new ProblemException(
          CryptoProblems.CONFIG_CONFLICT,
          "key "
              + key.name()
              + " "
              + why
              + ": a copy of its private key may exist outside the key manager, so there is"
              + " nothing to attest (only keys generated here, not exportable and never backed up"
              + " are)");
    }
  }

  private static ProblemException changed(String name) {
    return new ProblemException(
        CryptoProblems.KEY_NOT_FOUND, "key " + name + " was deleted while it was being attested");
  }

  /**
   * What a verifier learns of an attestation.
   *
   * @param valid whether the tenant's attestation key signed exactly this statement
   * @param current whether it still holds: the key exists, is not exportable, and the version is
   *     still available for verifying and decrypting
   * @param reason why it is not valid or not current (null when both)
   * @param statement the statement's fields, when it is valid
   */
  record Verification(
      boolean valid,
      boolean current,
      @Nullable String reason,
      @Nullable Map<String, Object> statement) {}

  /** Verifies an attestation against the caller's tenant's attestation key. */
  Verification verify(TenantId tenant, @Nullable String statement, @Nullable String signature) {
    if (statement == null || statement.isBlank() || statement.length() > MAX_STATEMENT) {
      throw new ProblemException(
          CryptoProblems.INVALID_INPUT,
          "statement: the attestation's JSON text, at most " + MAX_STATEMENT + " characters");
    }
    if (signature == null || signature.isBlank()) {
      throw new ProblemException(CryptoProblems.INVALID_INPUT, "signature: ts:v<n>:<base64>");
    }
    Ciphertexts.parse("signature", signature);
    String signingKey = PlatformKeys.NAME_PREFIX + PURPOSE + ".signing";
    boolean valid;
    try (KeyManager.Loaded key = keys.load(tenant, signingKey)) {
      valid =
          keys.verify(key, statement.getBytes(StandardCharsets.UTF_8), signature, SignOptions.NONE);
    } catch (ProblemException e) {
      if (e.type().equals(CryptoProblems.KEY_NOT_FOUND)) {
        return new Verification(false, false, "this tenant has never attested a key", null);
      }
      if (e.type().equals(CryptoProblems.VERSION_NOT_ALLOWED)) {
        return new Verification(
            false, false, "the attestation key cannot check it: " + e.getMessage(), null);
      }
      throw e;
    }
    if (!valid) {
      return new Verification(
          false, false, "the signature does not match the statement under this tenant", null);
    }
    Map<String, Object> fields;
    try {
      fields = JSON.readValue(statement, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JacksonException e) {
      return new Verification(false, false, "the statement is not a JSON object", null);
    }
    String reason = reason(tenant, fields);
    return new Verification(true, reason == null, reason, fields);
  }

  /** Why a validly signed statement no longer holds, or null when it does. */
  private @Nullable String reason(TenantId tenant, Map<String, Object> fields) {
    if (!FORMAT.equals(fields.get("format")) || !tenant.toString().equals(fields.get("tenant"))) {
      return "not a key attestation of this tenant";
    }
    String name = String.valueOf(fields.get("key"));
    int version = fields.get("version") instanceof Number n ? n.intValue() : -1;
    KeyRecords.Key key;
    try {
      key = keys.find(tenant, name);
    } catch (ProblemException e) {
      return "key " + name + " was deleted";
    }
    if (key.exportable()) {
      return "key " + name + " has been made exportable since";
    }
    String id = String.valueOf(fields.get("id"));
    if (records.attestations(key.id()).stream().noneMatch(a -> a.id().toString().equals(id))) {
      return "the key manager has no record of attestation " + id + " of key " + name;
    }
    if (version < key.minAvailableVersion() || version < key.minDecryptionVersion()) {
      return "version " + version + " of key " + name + " was trimmed or retired";
    }
    String attested = String.valueOf(fields.get("publicKey"));
    boolean same =
        keys.versions(key).stream()
            .anyMatch(
                v ->
                    v.version() == version
                        && v.publicKey() != null
                        && Base64.getEncoder().encodeToString(v.publicKey()).equals(attested));
    return same ? null : "version " + version + " of key " + name + " is no longer that key";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always there", e);
    }
  }
}
