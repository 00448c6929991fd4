package io.truststram.crypto.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.truststram.common.page.PageRequest;
import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.platform.audit.Audited;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.CurrentPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The key manager's keys and policy: {@code /api/v1/crypto/keys}, {@code /api/v1/crypto/policy}.
 */
@RestController
@RequestMapping(path = "/api/v1/crypto", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Keys", description = "Named keys of the key manager: create, rotate, configure, trim")
class KeyController {

  private final KeyManager keys;
  private final KeyAttestations attestations;

  KeyController(KeyManager keys, KeyAttestations attestations) {
    this.keys = keys;
    this.attestations = attestations;
  }

  record CreateKeyRequest(
      @NotBlank String name,
      @NotBlank String type,
      @Nullable Boolean exportable,
      @Nullable Boolean deletionAllowed,
      @Nullable String autoRotatePeriod) {}

  /** A version; asymmetric keys give their public key raw (base64) and as PEM (SPKI). */
  record VersionView(
      int version, Instant createdAt, @Nullable String publicKey, @Nullable String publicKeyPem) {}

  record KeyView(
      String name,
      String type,
      int latestVersion,
      int minDecryptionVersion,
      int minEncryptionVersion,
      int minAvailableVersion,
      boolean exportable,
      boolean deletionAllowed,
      String autoRotatePeriod,
      String createdBy,
      Instant createdAt,
      Instant updatedAt,
      @Nullable List<VersionView> versions) {

    static KeyView of(KeyRecords.Key key, @Nullable List<KeyRecords.Version> versions) {
      List<VersionView> views = null;
      io.truststram.crypto.primitive.Algorithm algorithm = KeyType.of(key.type()).algorithm();
      if (versions != null) {
        views = new ArrayList<>();
        for (KeyRecords.Version v : versions) {
          views.add(
              new VersionView(
                  v.version(),
                  v.createdAt(),
                  v.publicKey() == null ? null : Base64.getEncoder().encodeToString(v.publicKey()),
                  v.publicKey() == null || algorithm == null
                      ? null
                      : io.truststram.crypto.primitive.PublicKeyEncoding.toPem(
                          algorithm, v.publicKey())));
        }
      }
      return new KeyView(
          key.name(),
          key.type(),
          key.latestVersion(),
          key.minDecryptionVersion(),
          key.minEncryptionVersion(),
          key.minAvailableVersion(),
          key.exportable(),
          key.deletionAllowed(),
          Duration.ofSeconds(key.autoRotateSeconds()).toString(),
          key.createdBy(),
          key.createdAt(),
          key.updatedAt(),
          views);
    }
  }

  record KeyPage(List<KeyView> items, @Nullable String nextCursor) {}

  @PostMapping(path = "/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "Create a named key in your tenant",
      description =
          "type: AES-256-GCM, HMAC, or an algorithm by FIPS name or alias (ML-KEM-768, X-Wing,"
              + " ML-DSA-65, SLH-DSA-SHA2-128s, Falcon-512, ML-DSA-65+Ed25519, Ed25519,"
              + " ECDSA-P256 ...), as the tenant's crypto policy allows. autoRotatePeriod is an"
              + " ISO-8601 duration (PT720H), 0 or at least one hour.")
  ResponseEntity<KeyView> create(
      @Valid @RequestBody CreateKeyRequest body, UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    KeyRecords.Key key =
        keys.create(
            caller,
            new KeyManager.Spec(
                body.name().strip(),
                body.type(),
                Boolean.TRUE.equals(body.exportable()),
                Boolean.TRUE.equals(body.deletionAllowed()),
                duration(body.autoRotatePeriod())));
    return ResponseEntity.created(
            uri.path("/api/v1/crypto/keys/{name}").buildAndExpand(key.name()).toUri())
        .body(KeyView.of(key, keys.versions(key)));
  }

  @GetMapping("/keys")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "List your tenant's keys by name, a page at a time")
  KeyPage list(
      @RequestParam(required = false) @Nullable Integer limit,
      @RequestParam(required = false) @Nullable String cursor) {
    PageRequest page = PageRequest.of(limit, cursor);
    List<KeyRecords.Key> found =
        keys.list(CurrentPrincipal.require().tenant(), page.after(), page.limit() + 1);
    boolean more = found.size() > page.limit();
    List<KeyView> views = found.stream().limit(page.limit()).map(k -> KeyView.of(k, null)).toList();
    return new KeyPage(views, more ? views.getLast().name() : null);
  }

  @GetMapping("/keys/{name}")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "A key with its versions and, for asymmetric keys, their public keys")
  KeyView get(@PathVariable String name) {
    KeyRecords.Key key = keys.find(CurrentPrincipal.require().tenant(), name);
    return KeyView.of(key, keys.versions(key));
  }

  record ConfigRequest(
      @Nullable Integer minDecryptionVersion,
      @Nullable Integer minEncryptionVersion,
      @Nullable Boolean exportable,
      @Nullable Boolean deletionAllowed,
      @Nullable String autoRotatePeriod) {}

  @PatchMapping(path = "/keys/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "Change a key's settings",
      description =
          "minDecryptionVersion (ciphertexts and signatures of older versions are refused),"
              + " minEncryptionVersion, exportable (once true, for good), deletionAllowed,"
              + " autoRotatePeriod.")
  KeyView configure(@PathVariable String name, @RequestBody ConfigRequest body) {
    Caller caller = CurrentPrincipal.require();
    KeyRecords.Key key =
        keys.configure(
            caller.tenant(),
            name,
            new KeyManager.Changes(
                body.minDecryptionVersion(),
                body.minEncryptionVersion(),
                body.exportable(),
                body.deletionAllowed(),
                body.autoRotatePeriod() == null ? null : duration(body.autoRotatePeriod())));
    return KeyView.of(key, keys.versions(key));
  }

  @PostMapping("/keys/{name}/rotate")
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(summary = "Add a new latest version; older versions still decrypt and verify")
  KeyView rotate(@PathVariable String name) {
    KeyRecords.Key key = keys.rotate(CurrentPrincipal.require().tenant(), name, false);
    return KeyView.of(key, keys.versions(key));
  }

  record AttestRequest(@Nullable String subject, @Nullable String subjectType) {}

  @PostMapping(path = "/keys/{name}/attest", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "Attest that the key manager holds this key for a subject and will not release it",
      description =
          "Signs, with the tenant's platform key truststram.attestation.signing, a statement"
              + " naming the key's latest version, its public key, and the subject (an entity of"
              + " the trust graph: subjectType client-node by default, or organisation, user,"
              + " model, dataset, agent). Only asymmetric keys generated here, never exportable"
              + " nor backed up; attesting pins the key (bound to its subject, never exportable"
              + " nor backed up again). The trust service counts the first attestation of each"
              + " version as evidence for the subject.")
  KeyAttestations.Attestation attest(@PathVariable String name, @RequestBody AttestRequest body) {
    return attestations.attest(
        CurrentPrincipal.require(), name, body.subject(), body.subjectType());
  }

  record VerifyAttestationRequest(@Nullable String statement, @Nullable String signature) {}

  @PostMapping(path = "/attestations/verify", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(
      summary = "Verify a key attestation of your tenant, and whether it still holds",
      description =
          "valid: the tenant's attestation key signed exactly this statement; current: the key"
              + " still exists with this attestation on record, and the attested version is still"
              + " kept and allowed.")
  KeyAttestations.Verification verifyAttestation(@RequestBody VerifyAttestationRequest body) {
    return attestations.verify(
        CurrentPrincipal.require().tenant(), body.statement(), body.signature());
  }

  record TrimRequest(int minAvailableVersion) {}

  @PostMapping(path = "/keys/{name}/trim", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "Destroy the versions below minAvailableVersion",
      description = "Only versions below minDecryptionVersion and minEncryptionVersion.")
  KeyView trim(@PathVariable String name, @RequestBody TrimRequest body) {
    KeyRecords.Key key = keys.trim(CurrentPrincipal.require(), name, body.minAvailableVersion());
    return KeyView.of(key, keys.versions(key));
  }

  @DeleteMapping("/keys/{name}")
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(summary = "Destroy a key whose deletionAllowed is true, with every version")
  ResponseEntity<Void> delete(@PathVariable String name) {
    keys.delete(CurrentPrincipal.require(), name);
    return ResponseEntity.noContent().build();
  }

  /**
   * One version's material: raw FIPS encodings (base64), and for ML-KEM and ML-DSA versions created
   * with their seed, the private key as PKCS#8 in the seed form (PEM).
   */
  record ExportedVersion(
      int version,
      @Nullable String publicKey,
      String secretKey,
      @Nullable String privateKeyPkcs8) {}

  record ExportView(String name, String type, List<ExportedVersion> versions) {}

  @GetMapping("/keys/{name}/export")
  @Audited
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary =
          "Export an exportable key's material (raw FIPS encodings, base64; ML-KEM and ML-DSA"
              + " also as PKCS#8 in the seed form)",
      description = "Refused (403) for keys not created or configured exportable.")
  ExportView export(@PathVariable String name) {
    Caller caller = CurrentPrincipal.require();
    KeyRecords.Key key = keys.find(caller.tenant(), name);
    List<ExportedVersion> versions =
        keys.export(caller.tenant(), name).stream()
            .map(
                e ->
                    new ExportedVersion(
                        e.version(),
                        e.publicKey() == null
                            ? null
                            : Base64.getEncoder().encodeToString(e.publicKey()),
                        Base64.getEncoder().encodeToString(e.secretKey()),
                        e.seed() == null
                            ? null
                            : io.truststram.crypto.primitive.SeedKeys.toPem(
                                io.truststram.crypto.primitive.Algorithm.of(key.type()), e.seed())))
            .toList();
    return new ExportView(key.name(), key.type(), versions);
  }

  record BackupView(String name, String backup) {}

  @GetMapping("/keys/{name}/backup")
  @Audited
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "A backup of the key: settings and every kept version, encrypted under the KEK",
      description =
          "Restorable (POST /keys/{name}/restore) into the same tenant of an installation with"
              + " the same key-encryption key; readable by no one else.")
  BackupView backup(@PathVariable String name) {
    return new BackupView(
        name,
        Base64.getEncoder().encodeToString(keys.backup(CurrentPrincipal.require().tenant(), name)));
  }

  @PostMapping(path = "/keys/{name}/restore", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(summary = "Create key {name} from a backup of a key of your tenant")
  ResponseEntity<KeyView> restore(
      @PathVariable String name, @RequestBody BackupView body, UriComponentsBuilder uri) {
    if (body.backup() == null) {
      throw new ProblemException(ProblemTypes.VALIDATION_FAILED, "backup is required");
    }
    KeyRecords.Key key =
        keys.restore(CurrentPrincipal.require(), name, Ciphertexts.base64("backup", body.backup()));
    return ResponseEntity.created(
            uri.path("/api/v1/crypto/keys/{name}").buildAndExpand(key.name()).toUri())
        .body(KeyView.of(key, keys.versions(key)));
  }

  record WrappingKeyView(String algorithm, String publicKey, String importContext) {}

  @GetMapping("/wrapping-key")
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "The public key to seal key material to for import (BYOK)",
      description =
          "An X-Wing public key. Seal the raw secret key (a sealed box, as crypto/core and the"
              + " CLI's 'crypto seal' make) with the associated data given in importContext,"
              + " where NAME is the key's name, then POST it to /keys/{name}/import.")
  WrappingKeyView wrappingKey() {
    return new WrappingKeyView(
        "X-Wing",
        Base64.getEncoder().encodeToString(keys.wrappingPublicKey()),
        "truststram key import v1|" + CurrentPrincipal.require().tenant() + "|NAME");
  }

  record ImportKeyRequest(
      @NotBlank String type,
      @NotBlank String ciphertext,
      @Nullable String publicKey,
      @Nullable Boolean exportable,
      @Nullable Boolean deletionAllowed,
      @Nullable String autoRotatePeriod) {}

  @PostMapping(path = "/keys/{name}/import", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "Create a key from your own material (BYOK)",
      description =
          "ciphertext: base64 of a sealed box of the raw secret key to the wrapping key;"
              + " publicKey: base64 raw public key for asymmetric types (checked against the"
              + " secret key). The material becomes version 1.")
  ResponseEntity<KeyView> importKey(
      @PathVariable String name,
      @Valid @RequestBody ImportKeyRequest body,
      UriComponentsBuilder uri) {
    Caller caller = CurrentPrincipal.require();
    KeyRecords.Key key =
        keys.importKey(
            caller,
            new KeyManager.Spec(
                name,
                body.type(),
                Boolean.TRUE.equals(body.exportable()),
                Boolean.TRUE.equals(body.deletionAllowed()),
                duration(body.autoRotatePeriod())),
            Ciphertexts.base64("ciphertext", body.ciphertext()),
            body.publicKey() == null ? null : Ciphertexts.base64("publicKey", body.publicKey()));
    return ResponseEntity.created(
            uri.path("/api/v1/crypto/keys/{name}").buildAndExpand(key.name()).toUri())
        .body(KeyView.of(key, keys.versions(key)));
  }

  record PolicyView(String policy) {}

  @GetMapping("/policy")
  @PreAuthorize("hasAuthority('key:use')")
  @Operation(summary = "Your tenant's crypto policy: classical, hybrid (default) or pq-only")
  PolicyView policy() {
    return new PolicyView(keys.policy(CurrentPrincipal.require().tenant()).value());
  }

  @PutMapping(path = "/policy", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('key:manage')")
  @Operation(
      summary = "Set your tenant's crypto policy",
      description =
          "classical: every key type; hybrid: post-quantum, hybrid and symmetric keys; pq-only:"
              + " pure post-quantum and symmetric keys. Existing keys are kept.")
  PolicyView setPolicy(@RequestBody PolicyView body) {
    CryptoPolicy policy;
    try {
      policy = CryptoPolicy.parse(body.policy() == null ? "" : body.policy());
    } catch (IllegalArgumentException e) {
      throw new ProblemException(ProblemTypes.VALIDATION_FAILED, e.getMessage());
    }
    keys.setPolicy(CurrentPrincipal.require().tenant(), policy);
    return new PolicyView(policy.value());
  }

  static @Nullable Duration duration(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    if (text.strip().equals("0")) {
      return Duration.ZERO;
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new ProblemException(
          ProblemTypes.VALIDATION_FAILED,
          "autoRotatePeriod must be an ISO-8601 duration such as PT720H, or 0");
    }
  }
}
