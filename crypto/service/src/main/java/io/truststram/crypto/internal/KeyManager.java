package io.truststram.crypto.internal;

import io.truststram.common.problem.ProblemException;
import io.truststram.common.problem.ProblemTypes;
import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.CryptoProblems;
import io.truststram.crypto.KeyAttestationWithdrawn;
import io.truststram.crypto.KeyCreated;
import io.truststram.crypto.KeyDestroyed;
import io.truststram.crypto.KeyRotated;
import io.truststram.crypto.PlatformKeys;
import io.truststram.crypto.primitive.Aes256Gcm;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.DecryptionFailedException;
import io.truststram.crypto.primitive.Encapsulation;
import io.truststram.crypto.primitive.Hmac;
import io.truststram.crypto.primitive.InvalidKeyException;
import io.truststram.crypto.primitive.KeyPair;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SeedKeys;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.crypto.primitive.SignatureScheme;
import io.truststram.crypto.primitive.UnsupportedOptionException;
import io.truststram.crypto.seal.SealedBox;
import io.truststram.platform.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Named keys and what can be done with them. Key material is generated here, wrapped by the KEK
 * before it is stored, and unwrapped only for the operation at hand.
 */
final class KeyManager {

  private static final Logger log = LoggerFactory.getLogger(KeyManager.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  static final Duration MIN_ROTATION_PERIOD = Duration.ofHours(1);

  private final KeyRecords records;
  private final KeyEncryptionKey kek;
  private final SecureRandom random;
  private final TransactionTemplate transactions;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  KeyManager(
      KeyRecords records,
      KeyEncryptionKey kek,
      SecureRandom random,
      TransactionTemplate transactions,
      ApplicationEventPublisher events,
      Clock clock) {
    this.records = records;
    this.kek = kek;
    this.random = random;
    this.transactions = transactions;
    this.events = events;
    this.clock = clock;
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** The settings of a new key. */
  record Spec(
      String name, String type, boolean exportable, boolean deletionAllowed, Duration autoRotate) {}

  KeyRecords.Key create(Caller caller, Spec spec) {
    requireTenantName(spec.name());
    return create(caller, spec, null);
  }

  /**
   * Creates one of the platform's own keys ({@link PlatformKeys}): unexportable, undeletable, made
   * by the platform rather than a user.
   */
  KeyRecords.Key createPlatformKey(TenantId tenant, String name, String type) {
    Caller platform = new Caller("truststram", "truststram", tenant, Set.of(), Set.of(), List.of());
    return create(platform, new Spec(name, type, false, false, Duration.ZERO), null);
  }

  /** Names under {@link PlatformKeys#NAME_PREFIX} belong to the platform's own keys. */
  private static void requireTenantName(String name) {
    if (isPlatformKey(name)) {
      throw new ProblemException(
          ProblemTypes.VALIDATION_FAILED,
          "key names starting with '"
              + PlatformKeys.NAME_PREFIX
              + "' are reserved for the platform's own keys");
    }
  }

  static boolean isPlatformKey(String name) {
    return name.startsWith(PlatformKeys.NAME_PREFIX);
  }

  /**
   * Key material brought by the caller (BYOK): the raw secret key and, if asymmetric, public key.
   */
  record Material(byte[] secretKey, byte @Nullable [] publicKey) {}

  private KeyRecords.Key create(Caller caller, Spec spec, @Nullable Material imported) {
    requireName(spec.name());
    KeyType type = KeyType.of(spec.type());
    requireAllowed(caller.tenant(), type);
    long rotate = rotationSeconds(spec.autoRotate());
    Instant now = clock.instant();
    UUID id = UUID.randomUUID();
    KeyRecords.Key key =
        new KeyRecords.Key(
            id,
            caller.tenant(),
            spec.name(),
            type.name(),
            1,
            1,
            0,
            1,
            spec.exportable(),
            spec.deletionAllowed(),
            rotate,
            caller.subject(),
            now,
            now);
    KeyRecords.Version first =
        imported == null
            ? newVersion(key, type, 1, now)
            : importedVersion(key, type, imported, now);
    boolean inserted =
        Boolean.TRUE.equals(
            transactions.execute(
                status -> {
                  if (!records.insert(key, first)) {
                    return false;
                  }
                  records.setOrigin(key.id(), imported == null ? "generated" : "imported");
                  events.publishEvent(
                      new KeyCreated(
                          caller.tenant(), key.name(), type.name(), caller.subject(), now));
                  return true;
                }));
    if (!inserted) {
      throw new ProblemException(
          CryptoProblems.KEY_EXISTS, "the tenant already has a key named " + spec.name());
    }
    return key;
  }

  private static void requireName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new ProblemException(
          ProblemTypes.VALIDATION_FAILED,
          "a key name is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
  }

  private void requireAllowed(TenantId tenant, KeyType type) {
    CryptoPolicy policy = policy(tenant);
    if (!policy.allows(type)) {
      throw new ProblemException(
          CryptoProblems.POLICY_VIOLATION,
          "the tenant's crypto policy '"
              + policy.value()
              + "' does not allow "
              + type.name()
              + " keys");
    }
  }

  KeyRecords.Key find(TenantId tenant, String name) {
    return records.find(tenant, name).orElseThrow(() -> notFound(name));
  }

  private static ProblemException notFound(String name) {
    return new ProblemException(CryptoProblems.KEY_NOT_FOUND, "no key named " + name);
  }

  List<KeyRecords.Version> versions(KeyRecords.Key key) {
    return records.versions(key.id(), key.minAvailableVersion());
  }

  List<KeyRecords.Key> list(TenantId tenant, @Nullable String after, int limit) {
    return records.list(tenant, after, limit);
  }

  KeyRecords.Key rotate(TenantId tenant, String name, boolean automatic) {
    for (int attempt = 0; attempt < 5; attempt++) {
      KeyRecords.Key key = find(tenant, name);
      Instant now = clock.instant();
      KeyRecords.Version next =
          newVersion(key, KeyType.of(key.type()), key.latestVersion() + 1, now);
      boolean added =
          Boolean.TRUE.equals(
              transactions.execute(
                  status -> {
                    if (!records.addVersion(next, now)) {
                      return false;
                    }
                    events.publishEvent(
                        new KeyRotated(tenant, name, next.version(), automatic, now));
                    return true;
                  }));
      if (added) {
        return find(tenant, name);
      }
    }
    throw new IllegalStateException("key " + name + " is being rotated by others; try again");
  }

  /** Changes to a key's settings; null leaves one as it is. */
  record Changes(
      @Nullable Integer minDecryptionVersion,
      @Nullable Integer minEncryptionVersion,
      @Nullable Boolean exportable,
      @Nullable Boolean deletionAllowed,
      @Nullable Duration autoRotate) {}

  KeyRecords.Key configure(TenantId tenant, String name, Changes changes) {
    UUID id = find(tenant, name).id();
    // Read, checked and written under the key's row lock: two changes, or a change and an
    // attestation, never work from a stale row.
    return java.util.Objects.requireNonNull(
        transactions.execute(
            status ->
                configureLocked(
                    records.lock(id).orElseThrow(() -> notFound(name)), name, changes)));
  }

  private KeyRecords.Key configureLocked(KeyRecords.Key key, String name, Changes changes) {
    if (isPlatformKey(name)
        && (Boolean.TRUE.equals(changes.exportable())
            || Boolean.TRUE.equals(changes.deletionAllowed()))) {
      throw conflict("a platform key is never exportable nor deletable");
    }
    int minDecryption =
        changes.minDecryptionVersion() == null
            ? key.minDecryptionVersion()
            : changes.minDecryptionVersion();
    int minEncryption =
        changes.minEncryptionVersion() == null
            ? key.minEncryptionVersion()
            : changes.minEncryptionVersion();
    if (minDecryption < key.minAvailableVersion() || minDecryption > key.latestVersion()) {
      throw conflict(
          "minDecryptionVersion must be between "
              + key.minAvailableVersion()
              + " (the oldest version kept) and "
              + key.latestVersion()
              + " (the latest)");
    }
    if (minEncryption != 0
        && (minEncryption < minDecryption || minEncryption > key.latestVersion())) {
      throw conflict(
          "minEncryptionVersion must be 0 (any version that may decrypt) or between"
              + " minDecryptionVersion ("
              + minDecryption
              + ") and the latest version ("
              + key.latestVersion()
              + ")");
    }
    boolean exportable = key.exportable();
    if (changes.exportable() != null) {
      if (key.exportable() && !changes.exportable()) {
        throw conflict("an exportable key cannot be made unexportable: it may have left already");
      }
      exportable = changes.exportable();
    }
    KeyRecords.Key updated =
        new KeyRecords.Key(
            key.id(),
            key.tenant(),
            key.name(),
            key.type(),
            key.latestVersion(),
            minDecryption,
            minEncryption,
            key.minAvailableVersion(),
            exportable,
            changes.deletionAllowed() == null ? key.deletionAllowed() : changes.deletionAllowed(),
            changes.autoRotate() == null
                ? key.autoRotateSeconds()
                : rotationSeconds(changes.autoRotate()),
            key.createdBy(),
            key.createdAt(),
            clock.instant());
    if (exportable && !key.exportable()) {
      requireNotAttested(key, "made exportable");
    }
    records.updateConfig(updated, clock.instant());
    return updated;
  }

  /**
   * Refuses to let an attested key leave: its attestations say its private key stays in the key
   * manager.
   */
  private void requireNotAttested(KeyRecords.Key key, String what) {
    if (!records.attestations(key.id()).isEmpty()) {
      throw conflict(
          "key "
              + key.name()
              + " is attested (its private key stays in the key manager): it cannot be "
              + what);
    }
  }

  /** Destroys the versions below {@code minAvailable}, which no minimum may still need. */
  KeyRecords.Key trim(Caller caller, String name, int minAvailable) {
    KeyRecords.Key key = find(caller.tenant(), name);
    if (minAvailable < key.minAvailableVersion()
        || minAvailable > key.minDecryptionVersion()
        || (key.minEncryptionVersion() != 0 && minAvailable > key.minEncryptionVersion())) {
      throw conflict(
          "minAvailableVersion must be between "
              + key.minAvailableVersion()
              + " and minDecryptionVersion ("
              + key.minDecryptionVersion()
              + "): raise minDecryptionVersion first");
    }
    Instant now = clock.instant();
    transactions.executeWithoutResult(
        status -> {
          withdrawAttestations(caller, key, minAvailable, now);
          records.trim(key.id(), minAvailable, now);
          events.publishEvent(
              new KeyDestroyed(caller.tenant(), name, minAvailable, caller.subject(), now));
        });
    return find(caller.tenant(), name);
  }

  void delete(Caller caller, String name) {
    KeyRecords.Key key = find(caller.tenant(), name);
    if (!key.deletionAllowed()) {
      throw conflict("key " + name + " does not allow deletion; set deletionAllowed first");
    }
    Instant now = clock.instant();
    transactions.executeWithoutResult(
        status -> {
          withdrawAttestations(caller, key, Integer.MAX_VALUE, now);
          records.delete(key.id());
          events.publishEvent(new KeyDestroyed(caller.tenant(), name, 0, caller.subject(), now));
        });
  }

  /**
   * Publishes, for each attestation of a version from the key's least available one up to below
   * {@code below} (about to be destroyed), that it no longer holds, so that what was concluded from
   * it (trust evidence) is taken back. Every such attestation, not only the one {@link
   * io.truststram.crypto.KeyAttested} announced: which that was, two attestations made at once
   * cannot tell by their times; the others are not known as evidence, and are ignored there. Under
   * the key's row lock, so that no attestation commits unseen meanwhile.
   */
  private void withdrawAttestations(Caller caller, KeyRecords.Key key, int below, Instant now) {
    KeyRecords.Key locked = records.lock(key.id()).orElse(key);
    for (KeyRecords.Attested attested : records.attestations(key.id())) {
      if (attested.version() < below && attested.version() >= locked.minAvailableVersion()) {
        events.publishEvent(
            new KeyAttestationWithdrawn(
                caller.tenant(),
                attested.id(),
                key.name(),
                attested.version(),
                attested.subject(),
                attested.subjectType(),
                caller.subject(),
                now));
      }
    }
  }

  /** Publishes the uses counted since the last call, in one transaction. */
  void publishUsage(KeyUsage usage) {
    List<io.truststram.crypto.KeyUsed> used = usage.drain(clock.instant());
    if (!used.isEmpty()) {
      transactions.executeWithoutResult(status -> used.forEach(events::publishEvent));
    }
  }

  CryptoPolicy policy(TenantId tenant) {
    return records.policy(tenant).orElse(CryptoPolicy.HYBRID);
  }

  void setPolicy(TenantId tenant, CryptoPolicy policy) {
    records.setPolicy(tenant, policy, clock.instant());
  }

  /** Rotates every key whose rotation period has passed; failures are logged, not thrown. */
  int rotateDue() {
    int rotated = 0;
    for (KeyRecords.Key key : records.dueForRotation(clock.instant())) {
      try {
        rotate(key.tenant(), key.name(), true);
        rotated++;
      } catch (RuntimeException e) {
        log.warn("Could not rotate key {} of tenant {}", key.name(), key.tenant(), e);
      }
    }
    return rotated;
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  /** A key loaded for operations: its row and versions, secrets unwrapped on demand. */
  final class Loaded implements AutoCloseable {
    final KeyRecords.Key key;
    final KeyType type;
    private final Map<Integer, KeyRecords.Version> versions = new HashMap<>();
    private final Map<String, byte[]> unwrapped = new java.util.concurrent.ConcurrentHashMap<>();

    Loaded(KeyRecords.Key key) {
      this.key = key;
      this.type = KeyType.of(key.type());
      for (KeyRecords.Version version : KeyManager.this.versions(key)) {
        versions.put(version.version(), version);
      }
    }

    int latest() {
      return key.latestVersion();
    }

    /** A version that may decrypt or verify: kept and at least the minimum. */
    KeyRecords.Version forDecryption(int version) {
      if (version < key.minDecryptionVersion()) {
        throw new ProblemException(
            CryptoProblems.VERSION_NOT_ALLOWED,
            "version "
                + version
                + " is below the key's minimum decryption version ("
                + key.minDecryptionVersion()
                + ")");
      }
      KeyRecords.Version found = versions.get(version);
      if (found == null) {
        throw new ProblemException(
            CryptoProblems.VERSION_NOT_ALLOWED, "the key has no version " + version);
      }
      return found;
    }

    /**
     * The version to encrypt or sign with: the latest, or {@code requested} when it is at least the
     * key's minimum encryption version (or, when that is 0, its minimum decryption version).
     */
    KeyRecords.Version forEncryption(@Nullable Integer requested) {
      if (requested == null) {
        return forDecryption(key.latestVersion());
      }
      int minimum = Math.max(key.minEncryptionVersion(), key.minDecryptionVersion());
      if (requested < minimum) {
        throw new ProblemException(
            CryptoProblems.VERSION_NOT_ALLOWED,
            "version "
                + requested
                + " is below the key's minimum encryption version ("
                + minimum
                + ")");
      }
      return forDecryption(requested);
    }

    /** A copy of the version's secret key, unwrapped once per loaded key (a batch unwraps once). */
    byte[] secret(KeyRecords.Version version) {
      return unwrapped
          .computeIfAbsent(
              "secret:" + version.version(),
              k ->
                  unwrap(
                      key, version.version(), version.wrappedSecret(), "secret", version.kekId()))
          .clone();
    }

    /** A copy of the version's seed, or null when it has none (not ML-KEM/ML-DSA, imported). */
    byte @Nullable [] seed(KeyRecords.Version version) {
      byte[] wrapped = version.wrappedSeed();
      if (wrapped == null) {
        return null;
      }
      return unwrapped
          .computeIfAbsent(
              "seed:" + version.version(),
              k -> unwrap(key, version.version(), wrapped, "seed", version.kekId()))
          .clone();
    }

    byte[] hmacKey(KeyRecords.Version version) {
      return unwrapped
          .computeIfAbsent(
              "hmac:" + version.version(),
              k -> unwrap(key, version.version(), version.wrappedHmac(), "hmac", version.kekId()))
          .clone();
    }

    /** Wipes the unwrapped material this loaded key holds. */
    @Override
    public void close() {
      unwrapped.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
      unwrapped.clear();
    }

    void require(boolean supported, String operation) {
      if (!supported) {
        throw new ProblemException(
            CryptoProblems.WRONG_KEY_TYPE, "a " + type.name() + " key does not " + operation);
      }
    }
  }

  Loaded load(TenantId tenant, String name) {
    return new Loaded(find(tenant, name));
  }

  String encrypt(Loaded key, @Nullable Integer keyVersion, byte[] plaintext, byte[] aad) {
    key.require(key.type.encrypts(), "encrypt");
    KeyRecords.Version version = key.forEncryption(keyVersion);
    byte[] secret = key.secret(version);
    try {
      return Ciphertexts.format(
          version.version(), Aes256Gcm.encrypt(secret, plaintext, aad, random));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  byte[] decrypt(Loaded key, String ciphertext, byte[] aad) {
    key.require(key.type.encrypts(), "decrypt");
    Ciphertexts.Versioned parsed = Ciphertexts.parse("ciphertext", ciphertext);
    byte[] secret = key.secret(key.forDecryption(parsed.version()));
    try {
      return Aes256Gcm.decrypt(secret, parsed.bytes(), aad);
    } catch (DecryptionFailedException e) {
      throw decryptionFailed();
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  String rewrap(Loaded key, String ciphertext, byte[] aad) {
    byte[] plaintext = decrypt(key, ciphertext, aad);
    try {
      return encrypt(key, null, plaintext, aad);
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** A fresh 256-bit data key, and the same wrapped by {@code key}. */
  record DataKey(byte[] plaintext, String ciphertext) {}

  DataKey dataKey(Loaded key, @Nullable Integer keyVersion, byte[] aad) {
    byte[] plaintext = new byte[32];
    random.nextBytes(plaintext);
    return new DataKey(plaintext, encrypt(key, keyVersion, plaintext, aad));
  }

  String sign(Loaded key, @Nullable Integer keyVersion, byte[] input, SignOptions options) {
    key.require(key.type.signs(), "sign");
    KeyRecords.Version version = key.forEncryption(keyVersion);
    byte[] secret = key.secret(version);
    try {
      return Ciphertexts.format(
          version.version(),
          Primitives.signer(java.util.Objects.requireNonNull(key.type.algorithm()), options)
              .sign(secret, input, options, random));
    } catch (UnsupportedOptionException e) {
      throw new ProblemException(CryptoProblems.INVALID_INPUT, e.getMessage());
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  boolean verify(Loaded key, byte[] input, String signature, SignOptions options) {
    key.require(key.type.signs(), "verify signatures");
    Ciphertexts.Versioned parsed = Ciphertexts.parse("signature", signature);
    KeyRecords.Version version = key.forDecryption(parsed.version());
    try {
      return Primitives.signer(java.util.Objects.requireNonNull(key.type.algorithm()), options)
          .verify(
              java.util.Objects.requireNonNull(version.publicKey()),
              input,
              parsed.bytes(),
              options);
    } catch (UnsupportedOptionException e) {
      throw new ProblemException(CryptoProblems.INVALID_INPUT, e.getMessage());
    }
  }

  /** An encapsulation to the key's latest public key. */
  record Encapsulated(String ciphertext, byte[] sharedSecret) {}

  Encapsulated encapsulate(Loaded key, @Nullable Integer keyVersion) {
    key.require(key.type.encapsulates(), "encapsulate");
    KeyRecords.Version version = key.forEncryption(keyVersion);
    Encapsulation encapsulation =
        Primitives.kem(java.util.Objects.requireNonNull(key.type.algorithm()))
            .encapsulate(java.util.Objects.requireNonNull(version.publicKey()), random);
    return new Encapsulated(
        Ciphertexts.format(version.version(), encapsulation.ciphertext()),
        encapsulation.sharedSecret());
  }

  byte[] decapsulate(Loaded key, String ciphertext) {
    key.require(key.type.encapsulates(), "decapsulate");
    Ciphertexts.Versioned parsed = Ciphertexts.parse("ciphertext", ciphertext);
    KeyRecords.Version version = key.forDecryption(parsed.version());
    byte[] secret = key.secret(version);
    try {
      return Primitives.kem(java.util.Objects.requireNonNull(key.type.algorithm()))
          .decapsulate(secret, parsed.bytes());
    } catch (InvalidKeyException e) {
      throw new ProblemException(CryptoProblems.INVALID_INPUT, e.getMessage());
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  String seal(Loaded key, @Nullable Integer keyVersion, byte[] plaintext, byte[] aad) {
    key.require(key.type.encapsulates(), "seal");
    KeyRecords.Version version = key.forEncryption(keyVersion);
    return Ciphertexts.format(
        version.version(),
        SealedBox.seal(
            java.util.Objects.requireNonNull(key.type.algorithm()),
            java.util.Objects.requireNonNull(version.publicKey()),
            plaintext,
            aad,
            random));
  }

  byte[] open(Loaded key, String ciphertext, byte[] aad) {
    key.require(key.type.encapsulates(), "open sealed boxes");
    Ciphertexts.Versioned parsed = Ciphertexts.parse("ciphertext", ciphertext);
    KeyRecords.Version version = key.forDecryption(parsed.version());
    byte[] secret = key.secret(version);
    try {
      return SealedBox.open(
          java.util.Objects.requireNonNull(key.type.algorithm()),
          secret,
          java.util.Objects.requireNonNull(version.publicKey()),
          parsed.bytes(),
          aad);
    } catch (DecryptionFailedException e) {
      throw decryptionFailed();
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  String hmac(Loaded key, @Nullable Integer keyVersion, Hmac algorithm, byte[] input) {
    KeyRecords.Version version = key.forEncryption(keyVersion);
    byte[] secret = key.hmacKey(version);
    try {
      return Ciphertexts.format(version.version(), algorithm.mac(secret, input));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  boolean verifyHmac(Loaded key, Hmac algorithm, byte[] input, String hmac) {
    Ciphertexts.Versioned parsed = Ciphertexts.parse("hmac", hmac);
    byte[] secret = key.hmacKey(key.forDecryption(parsed.version()));
    try {
      return algorithm.verify(secret, input, parsed.bytes());
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  byte[] random(int bytes) {
    byte[] out = new byte[bytes];
    random.nextBytes(out);
    return out;
  }

  /** A version's key material, raw, for an exportable key. */
  record Exported(
      int version, byte @Nullable [] publicKey, byte[] secretKey, byte @Nullable [] seed) {}

  List<Exported> export(TenantId tenant, String name) {
    try (Loaded key = load(tenant, name)) {
      return export(key, name);
    }
  }

  private List<Exported> export(Loaded key, String name) {
    if (!key.key.exportable()) {
      throw new ProblemException(
          CryptoProblems.NOT_EXPORTABLE, "key " + name + " is not exportable");
    }
    return key.versions.values().stream()
        .sorted(java.util.Comparator.comparingInt(KeyRecords.Version::version))
        .map(v -> new Exported(v.version(), v.publicKey(), key.secret(v), key.seed(v)))
        .toList();
  }

  // ---------------------------------------------------------------------------------------------

  // ---------------------------------------------------------------------------------------------
  // Backup and restore

  private static final tools.jackson.databind.json.JsonMapper JSON =
      tools.jackson.databind.json.JsonMapper.builder().build();

  private static byte[] backupContext(TenantId tenant) {
    return ("truststram key backup v1|" + tenant.value()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The whole key (settings and every kept version's material) encrypted under the KEK: restorable
   * into the same tenant of an installation with the same KEK, and readable by no one else.
   */
  byte[] backup(TenantId tenant, String name) {
    if (isPlatformKey(name)) {
      // A restored copy under another name could be made exportable.
      throw new ProblemException(
          CryptoProblems.NOT_EXPORTABLE, "a platform key cannot be backed up");
    }
    try (Loaded key = load(tenant, name)) {
      // Marked before the backup leaves, under the key's row lock: an attestation made meanwhile
      // is seen, and none is made afterwards (a restored copy could be made exportable).
      transactions.executeWithoutResult(
          status -> {
            records.lock(key.key.id());
            requireNotAttested(key.key, "backed up: a restored copy could be made exportable");
            records.markBackedUp(key.key.id());
          });
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      out.put("type", key.key.type());
      out.put("latestVersion", key.key.latestVersion());
      out.put("minDecryptionVersion", key.key.minDecryptionVersion());
      out.put("minEncryptionVersion", key.key.minEncryptionVersion());
      out.put("minAvailableVersion", key.key.minAvailableVersion());
      out.put("exportable", key.key.exportable());
      out.put("deletionAllowed", key.key.deletionAllowed());
      out.put("autoRotateSeconds", key.key.autoRotateSeconds());
      List<Map<String, Object>> versions = new java.util.ArrayList<>();
      java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
      for (KeyRecords.Version v : versions(key.key)) {
        Map<String, Object> version = new java.util.LinkedHashMap<>();
        version.put("version", v.version());
        version.put("createdAt", v.createdAt().toString());
        if (v.publicKey() != null) {
          version.put("publicKey", b64.encodeToString(v.publicKey()));
        }
        version.put("secret", b64.encodeToString(key.secret(v)));
        version.put("hmac", b64.encodeToString(key.hmacKey(v)));
        byte[] seed = key.seed(v);
        if (seed != null) {
          version.put("seed", b64.encodeToString(seed));
          Arrays.fill(seed, (byte) 0);
        }
        versions.add(version);
      }
      out.put("versions", versions);
      byte[] plain = JSON.writeValueAsBytes(out);
      try {
        return kek.wrap(plain, backupContext(tenant));
      } finally {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }

  /** Creates key {@code name} from a backup of a key of the same tenant. */
  KeyRecords.Key restore(Caller caller, String name, byte[] backup) {
    byte[] plain;
    try {
      plain = kek.unwrap(backup, backupContext(caller.tenant()));
    } catch (DecryptionFailedException e) {
      throw decryptionFailed();
    }
    try {
      tools.jackson.databind.JsonNode node = JSON.readTree(plain);
      requireName(name);
      requireTenantName(name);
      KeyType type = KeyType.of(node.path("type").asString(""));
      requireAllowed(caller.tenant(), type);
      Instant now = clock.instant();
      KeyRecords.Key key =
          new KeyRecords.Key(
              UUID.randomUUID(),
              caller.tenant(),
              name,
              type.name(),
              node.path("latestVersion").asInt(),
              node.path("minDecryptionVersion").asInt(),
              node.path("minEncryptionVersion").asInt(),
              node.path("minAvailableVersion").asInt(),
              node.path("exportable").asBoolean(),
              node.path("deletionAllowed").asBoolean(),
              node.path("autoRotateSeconds").asLong(),
              caller.subject(),
              now,
              now);
      java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
      List<KeyRecords.Version> versions = new java.util.ArrayList<>();
      for (tools.jackson.databind.JsonNode v : node.path("versions")) {
        int number = v.path("version").asInt();
        byte[] secret = b64.decode(v.path("secret").asString(""));
        byte[] hmac = b64.decode(v.path("hmac").asString(""));
        byte[] seed = v.hasNonNull("seed") ? b64.decode(v.path("seed").asString()) : null;
        versions.add(
            new KeyRecords.Version(
                key.id(),
                number,
                v.hasNonNull("publicKey") ? b64.decode(v.path("publicKey").asString()) : null,
                kek.wrap(secret, aad(key, number, "secret")),
                kek.wrap(hmac, aad(key, number, "hmac")),
                seed == null ? null : kek.wrap(seed, aad(key, number, "seed")),
                kek.id(),
                Instant.parse(v.path("createdAt").asString())));
        Arrays.fill(secret, (byte) 0);
        Arrays.fill(hmac, (byte) 0);
        if (seed != null) {
          Arrays.fill(seed, (byte) 0);
        }
      }
      if (versions.isEmpty()) {
        throw new ProblemException(CryptoProblems.INVALID_INPUT, "the backup holds no versions");
      }
      boolean inserted =
          Boolean.TRUE.equals(
              transactions.execute(
                  status -> {
                    if (!records.insert(key, versions.getFirst())) {
                      return false;
                    }
                    records.setOrigin(key.id(), "restored");
                    versions.subList(1, versions.size()).forEach(records::insertVersion);
                    events.publishEvent(
                        new KeyCreated(caller.tenant(), name, type.name(), caller.subject(), now));
                    return true;
                  }));
      if (!inserted) {
        throw new ProblemException(
            CryptoProblems.KEY_EXISTS, "the tenant already has a key named " + name);
      }
      return key;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bring your own key

  /** The label bound into a BYOK sealed box, naming the tenant and key it is for. */
  static byte[] importContext(TenantId tenant, String name) {
    return ("truststram key import v1|" + tenant.value() + "|" + name)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The installation's wrapping public key (X-Wing), made on first use. */
  byte[] wrappingPublicKey() {
    return wrappingKey().publicKey();
  }

  private KeyRecords.WrappingKey wrappingKey() {
    return records
        .wrappingKey()
        .orElseGet(
            () -> {
              KeyPair pair = Primitives.kem(Algorithm.X_WING).generateKeyPair(random);
              KeyRecords.WrappingKey made =
                  new KeyRecords.WrappingKey(
                      Algorithm.X_WING.fipsName(),
                      pair.publicKey(),
                      kek.wrap(pair.secretKey(), WRAPPING_AAD),
                      kek.id());
              Arrays.fill(pair.secretKey(), (byte) 0);
              records.insertWrappingKey(made, clock.instant());
              return records.wrappingKey().orElseThrow();
            });
  }

  private static final byte[] WRAPPING_AAD =
      "truststram wrapping key v1".getBytes(StandardCharsets.UTF_8);

  /**
   * Creates a key from material the caller sealed (a sealed box) to the wrapping public key, with
   * {@link #importContext} as associated data; asymmetric keys also give their public key, which
   * must belong to the secret key (checked by using the pair).
   */
  KeyRecords.Key importKey(Caller caller, Spec spec, byte[] sealed, byte @Nullable [] publicKey) {
    requireTenantName(spec.name());
    KeyRecords.WrappingKey wrapping = wrappingKey();
    byte[] wrappingSecret = kek.unwrap(wrapping.wrappedSecret(), WRAPPING_AAD);
    byte[] secret;
    try {
      secret =
          SealedBox.open(
              Algorithm.X_WING,
              wrappingSecret,
              wrapping.publicKey(),
              sealed,
              importContext(caller.tenant(), spec.name()));
    } catch (DecryptionFailedException e) {
      throw decryptionFailed();
    } finally {
      Arrays.fill(wrappingSecret, (byte) 0);
    }
    try {
      checkPair(KeyType.of(spec.type()), secret, publicKey);
      return create(caller, spec, new Material(secret, publicKey));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** Refuses imported material that is not a working key of its type. */
  private void checkPair(KeyType type, byte[] secret, byte @Nullable [] publicKey) {
    Algorithm algorithm = type.algorithm();
    try {
      if (algorithm == null) {
        if (secret.length != 32) {
          throw new InvalidKeyException(type.name() + " keys are 32 bytes, not " + secret.length);
        }
        return;
      }
      if (publicKey == null) {
        throw new InvalidKeyException("an imported " + algorithm + " key needs its public key");
      }
      boolean works;
      if (type.encapsulates()) {
        Encapsulation test = Primitives.kem(algorithm).encapsulate(publicKey, random);
        works =
            java.security.MessageDigest.isEqual(
                Primitives.kem(algorithm).decapsulate(secret, test.ciphertext()),
                test.sharedSecret());
      } else {
        SignatureScheme scheme = Primitives.signers(algorithm).getFirst();
        byte[] probe = "truststram import check".getBytes(StandardCharsets.UTF_8);
        works =
            scheme.verify(
                publicKey,
                probe,
                scheme.sign(secret, probe, SignOptions.NONE, random),
                SignOptions.NONE);
      }
      if (!works) {
        throw new InvalidKeyException("the imported secret key does not match its public key");
      }
    } catch (InvalidKeyException e) {
      throw new ProblemException(CryptoProblems.INVALID_INPUT, e.getMessage());
    }
  }

  private KeyRecords.Version importedVersion(
      KeyRecords.Key key, KeyType type, Material material, Instant now) {
    byte[] hmac = new byte[32];
    random.nextBytes(hmac);
    try {
      return new KeyRecords.Version(
          key.id(),
          1,
          type.algorithm() == null ? null : material.publicKey(),
          kek.wrap(material.secretKey(), aad(key, 1, "secret")),
          kek.wrap(hmac, aad(key, 1, "hmac")),
          null,
          kek.id(),
          now);
    } finally {
      Arrays.fill(hmac, (byte) 0);
    }
  }

  private KeyRecords.Version newVersion(
      KeyRecords.Key key, KeyType type, int version, Instant now) {
    byte[] publicKey = null;
    byte[] secret;
    byte[] seed = null;
    if (type.algorithm() == null) {
      secret = new byte[32];
      random.nextBytes(secret);
    } else if (SeedKeys.hasSeed(type.algorithm())) {
      // Keep the seed: the key pair follows from it (FIPS 203/204), and it is the export form.
      seed = new byte[SeedKeys.seedLength(type.algorithm())];
      random.nextBytes(seed);
      KeyPair pair = SeedKeys.fromSeed(type.algorithm(), seed);
      publicKey = pair.publicKey();
      secret = pair.secretKey();
    } else {
      KeyPair pair =
          type.encapsulates()
              ? Primitives.kem(type.algorithm()).generateKeyPair(random)
              : Primitives.signers(type.algorithm()).getFirst().generateKeyPair(random);
      publicKey = pair.publicKey();
      secret = pair.secretKey();
    }
    byte[] hmac = new byte[32];
    random.nextBytes(hmac);
    try {
      return new KeyRecords.Version(
          key.id(),
          version,
          publicKey,
          kek.wrap(secret, aad(key, version, "secret")),
          kek.wrap(hmac, aad(key, version, "hmac")),
          seed == null ? null : kek.wrap(seed, aad(key, version, "seed")),
          kek.id(),
          now);
    } finally {
      Arrays.fill(secret, (byte) 0);
      Arrays.fill(hmac, (byte) 0);
      if (seed != null) {
        Arrays.fill(seed, (byte) 0);
      }
    }
  }

  private byte[] unwrap(
      KeyRecords.Key key, int version, byte[] wrapped, String part, String kekId) {
    if (!kekId.equals(kek.id())) {
      throw new IllegalStateException(
          "key "
              + key.name()
              + " version "
              + version
              + " was wrapped by key-encryption key "
              + kekId
              + ", but this process has "
              + kek.id());
    }
    try {
      return kek.unwrap(wrapped, aad(key, version, part));
    } catch (DecryptionFailedException e) {
      throw new IllegalStateException(
          "the stored material of key " + key.name() + " version " + version + " does not unwrap");
    }
  }

  private static byte[] aad(KeyRecords.Key key, int version, String part) {
    return ("truststram key v1|"
            + key.tenant().value()
            + "|"
            + key.id()
            + "|"
            + version
            + "|"
            + part)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static long rotationSeconds(@Nullable Duration period) {
    if (period == null || period.isZero()) {
      return 0;
    }
    if (period.isNegative() || period.compareTo(MIN_ROTATION_PERIOD) < 0) {
      throw new ProblemException(
          ProblemTypes.VALIDATION_FAILED, "autoRotatePeriod must be 0 (off) or at least 1h");
    }
    return period.toSeconds();
  }

  private static ProblemException conflict(String detail) {
    return new ProblemException(CryptoProblems.CONFIG_CONFLICT, detail);
  }

  private static ProblemException decryptionFailed() {
    return new ProblemException(CryptoProblems.DECRYPTION_FAILED, "decryption failed");
  }
}
