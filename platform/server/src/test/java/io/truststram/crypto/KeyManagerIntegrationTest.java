package io.truststram.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.crypto.primitive.Primitives;
import io.truststram.crypto.primitive.SignOptions;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The key manager over HTTP: every key family's operations, versions and rotation, policies, batch
 * and the bad input the issue lists, each a problem document that shows no key material.
 */
class KeyManagerIntegrationTest extends ServerIntegrationTest {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String KEYS = "/api/v1/crypto/keys";

  private HttpTestClient admin;
  private HttpTestClient user;
  private TenantId tenant;

  @BeforeEach
  void tenant() {
    tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("crypto-" + NAMES.incrementAndGet(), "Crypto"))
            .id();
    admin =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.TENANT_ADMIN)));
    user =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
  }

  private JsonNode create(String name, String type, String extra) {
    var response =
        admin.postJson(KEYS, "{\"name\":\"" + name + "\",\"type\":\"" + type + "\"" + extra + "}");
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return response.json();
  }

  private JsonNode ok(HttpTestClient client, String path, String json) {
    var response = client.postJson(path, json);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRotatedKeyStillDecryptsOldCiphertextsDownToItsMinimumVersion() {
    create("records", "AES-256-GCM", "");
    String v1 =
        ok(
                user,
                KEYS + "/records/encrypt",
                "{\"plaintext\":\""
                    + b64("patient 1")
                    + "\",\"context\":\""
                    + b64("ward 3")
                    + "\"}")
            .path("ciphertext")
            .asString();
    assertThat(v1).startsWith("ts:v1:");
    assertThat(ok(admin, KEYS + "/records/rotate", "{}").path("latestVersion").asInt())
        .isEqualTo(2);
    String v2 =
        ok(user, KEYS + "/records/encrypt", "{\"plaintext\":\"" + b64("patient 2") + "\"}")
            .path("ciphertext")
            .asString();
    assertThat(v2).startsWith("ts:v2:");
    assertThat(
            ok(
                    user,
                    KEYS + "/records/decrypt",
                    "{\"ciphertext\":\"" + v1 + "\",\"context\":\"" + b64("ward 3") + "\"}")
                .path("plaintext")
                .asString())
        .isEqualTo(b64("patient 1"));
    // Wrong associated data or a changed byte: one generic error.
    var wrongContext =
        user.postJson(
            KEYS + "/records/decrypt",
            "{\"ciphertext\":\"" + v1 + "\",\"context\":\"" + b64("ward 4") + "\"}");
    assertThat(wrongContext.status()).isEqualTo(400);
    assertThat(wrongContext.json().path("type").asString())
        .isEqualTo(TYPES + "crypto-decryption-failed");
    assertThat(wrongContext.json().path("detail").asString()).isEqualTo("decryption failed");
    String tampered = v2.substring(0, v2.length() - 4) + (v2.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertThat(
            user.postJson(KEYS + "/records/decrypt", "{\"ciphertext\":\"" + tampered + "\"}")
                .status())
        .isEqualTo(400);

    String rewrapped =
        ok(
                user,
                KEYS + "/records/rewrap",
                "{\"ciphertext\":\"" + v1 + "\",\"context\":\"" + b64("ward 3") + "\"}")
            .path("ciphertext")
            .asString();
    assertThat(rewrapped).startsWith("ts:v2:");

    var config = sendJson(admin, "PATCH", KEYS + "/records", "{\"minDecryptionVersion\":2}");
    assertThat(config.status()).as(config.body()).isEqualTo(200);
    // Nor may anyone encrypt with a version that could no longer be decrypted.
    var encryptOld =
        user.postJson(KEYS + "/records/encrypt", "{\"plaintext\":\"AA==\",\"keyVersion\":1}");
    assertThat(encryptOld.json().path("type").asString())
        .isEqualTo(TYPES + "crypto-key-version-not-allowed");
    assertThat(
            ok(user, KEYS + "/records/encrypt", "{\"plaintext\":\"AA==\",\"keyVersion\":2}")
                .path("ciphertext")
                .asString())
        .startsWith("ts:v2:");
    var tooOld =
        user.postJson(
            KEYS + "/records/decrypt",
            "{\"ciphertext\":\"" + v1 + "\",\"context\":\"" + b64("ward 3") + "\"}");
    assertThat(tooOld.status()).isEqualTo(400);
    assertThat(tooOld.json().path("type").asString())
        .isEqualTo(TYPES + "crypto-key-version-not-allowed");
    var unknownVersion =
        user.postJson(
            KEYS + "/records/decrypt",
            "{\"ciphertext\":\"" + v2.replace("ts:v2:", "ts:v9:") + "\"}");
    assertThat(unknownVersion.json().path("type").asString())
        .isEqualTo(TYPES + "crypto-key-version-not-allowed");

    // Trim: version 1 is destroyed.
    JsonNode trimmed = ok(admin, KEYS + "/records/trim", "{\"minAvailableVersion\":2}");
    assertThat(trimmed.path("versions")).hasSize(1);
    assertThat(
            ok(
                    user,
                    KEYS + "/records/decrypt",
                    "{\"ciphertext\":\"" + rewrapped + "\",\"context\":\"" + b64("ward 3") + "\"}")
                .path("plaintext")
                .asString())
        .isEqualTo(b64("patient 1"));
  }

  @Test
  void signaturesOfEveryFamilyVerifyThroughTheApiAndOffline() {
    for (String type :
        new String[] {
          "ML-DSA-65",
          "Dilithium2",
          "SLH-DSA-SHA2-128f",
          "Falcon-512",
          "ML-DSA-65+Ed25519",
          "ML-DSA-87+ECDSA-P384"
        }) {
      String name = "signer-" + type.toLowerCase().replace('+', '-');
      JsonNode key = create(name, type, "");
      String publicKey = key.path("versions").get(0).path("publicKey").asString();
      String message = b64("model digest " + type);
      // Falcon has no context strings; the others bind one.
      String context = type.startsWith("Falcon") ? "" : "registry";
      String contextField = context.isEmpty() ? "" : ",\"context\":\"" + context + "\"";
      String signature =
          ok(
                  user,
                  KEYS + "/" + name + "/sign",
                  "{\"input\":\"" + message + "\"" + contextField + "}")
              .path("signature")
              .asString();
      assertThat(
              ok(
                      user,
                      KEYS + "/" + name + "/verify",
                      "{\"input\":\""
                          + message
                          + "\",\"signature\":\""
                          + signature
                          + "\""
                          + contextField
                          + "}")
                  .path("valid")
                  .asBoolean())
          .as(type)
          .isTrue();
      assertThat(
              ok(
                      user,
                      KEYS + "/" + name + "/verify",
                      "{\"input\":\""
                          + b64("other")
                          + "\",\"signature\":\""
                          + signature
                          + "\""
                          + contextField
                          + "}")
                  .path("valid")
                  .asBoolean())
          .as(type)
          .isFalse();
      // Raw FIPS encodings: the public key and signature verify with crypto/core directly.
      Algorithm algorithm = Algorithm.of(type);
      byte[] raw = Base64.getDecoder().decode(signature.substring(signature.lastIndexOf(':') + 1));
      assertThat(
              Primitives.signer(algorithm, SignOptions.context(context.getBytes()))
                  .verify(
                      Base64.getDecoder().decode(publicKey),
                      Base64.getDecoder().decode(message),
                      raw,
                      SignOptions.context(context.getBytes())))
          .as(type)
          .isTrue();
    }
  }

  @Test
  void kemKeysEncapsulateAndOpenSealedBoxesMadeOffline() {
    for (String type : new String[] {"ML-KEM-768", "Kyber1024", "X-Wing"}) {
      String name = "kem-" + type.toLowerCase();
      JsonNode key = create(name, type, "");
      JsonNode encapsulated = ok(user, KEYS + "/" + name + "/encapsulate", "{}");
      JsonNode decapsulated =
          ok(
              user,
              KEYS + "/" + name + "/decapsulate",
              "{\"ciphertext\":\"" + encapsulated.path("ciphertext").asString() + "\"}");
      assertThat(decapsulated.path("sharedSecret").asString())
          .isEqualTo(encapsulated.path("sharedSecret").asString());

      // A box sealed without the server, to the key's public key, opens through the API.
      byte[] publicKey =
          Base64.getDecoder().decode(key.path("versions").get(0).path("publicKey").asString());
      byte[] box =
          io.truststram.crypto.seal.SealedBox.seal(
              Algorithm.of(type),
              publicKey,
              "mask seed".getBytes(),
              "round 1".getBytes(),
              new java.security.SecureRandom());
      JsonNode opened =
          ok(
              user,
              KEYS + "/" + name + "/open",
              "{\"ciphertext\":\"ts:v1:"
                  + Base64.getEncoder().encodeToString(box)
                  + "\",\"context\":\""
                  + b64("round 1")
                  + "\"}");
      assertThat(opened.path("plaintext").asString()).isEqualTo(b64("mask seed"));
    }
  }

  @Test
  void batchesAnswerEveryItemAndTooLargeOnesAreRefused() {
    create("batch", "AES-256-GCM", "");
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      items
          .append(i == 0 ? "" : ",")
          .append("{\"plaintext\":\"")
          .append(b64("row " + i))
          .append("\"}");
    }
    JsonNode encrypted = ok(user, KEYS + "/batch/encrypt", "{\"batch\":[" + items + "]}");
    assertThat(encrypted.path("batchResults")).hasSize(50);
    String first = encrypted.path("batchResults").get(0).path("ciphertext").asString();
    JsonNode decrypted =
        ok(
            user,
            KEYS + "/batch/decrypt",
            "{\"batch\":[{\"ciphertext\":\""
                + first
                + "\"},{\"ciphertext\":\"ts:v1:AAAA\"},{\"ciphertext\":\"garbage\"}]}");
    assertThat(decrypted.path("batchResults").get(0).path("plaintext").asString())
        .isEqualTo(b64("row 0"));
    assertThat(decrypted.path("batchResults").get(1).path("error").path("type").asString())
        .isEqualTo(TYPES + "crypto-decryption-failed");
    assertThat(decrypted.path("batchResults").get(2).path("error").path("type").asString())
        .isEqualTo(TYPES + "crypto-invalid-input");

    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      many.append(i == 0 ? "" : ",").append("{\"plaintext\":\"AA==\"}");
    }
    var tooMany = user.postJson(KEYS + "/batch/encrypt", "{\"batch\":[" + many + "]}");
    assertThat(tooMany.status()).as(tooMany.body()).isIn(413);
  }

  @Test
  void badInputGetsAStableProblemTypeAndNeverA500() {
    create("aes", "AES-256-GCM", "");
    create("dsa", "ML-DSA-44", "");
    assertThat(problem(admin.postJson(KEYS, "{\"name\":\"x\",\"type\":\"RSA-2048\"}"), 400))
        .isEqualTo("crypto-unknown-algorithm");
    assertThat(problem(admin.postJson(KEYS, "{\"name\":\"aes\",\"type\":\"AES-256-GCM\"}"), 409))
        .isEqualTo("crypto-key-exists");
    assertThat(problem(user.postJson(KEYS + "/nope/encrypt", "{\"plaintext\":\"AA==\"}"), 404))
        .isEqualTo("crypto-key-not-found");
    assertThat(problem(user.postJson(KEYS + "/aes/sign", "{\"input\":\"AA==\"}"), 400))
        .isEqualTo("crypto-wrong-key-type");
    assertThat(problem(user.postJson(KEYS + "/dsa/encrypt", "{\"plaintext\":\"AA==\"}"), 400))
        .isEqualTo("crypto-wrong-key-type");
    assertThat(problem(user.postJson(KEYS + "/aes/encrypt", "{\"plaintext\":\"%%%\"}"), 400))
        .isEqualTo("crypto-invalid-input");
    assertThat(problem(user.postJson(KEYS + "/aes/decrypt", "{\"ciphertext\":\"ts:v1:!!\"}"), 400))
        .isEqualTo("crypto-invalid-input");
    // A signature of the wrong length is simply not valid.
    assertThat(
            ok(user, KEYS + "/dsa/verify", "{\"input\":\"AA==\",\"signature\":\"ts:v1:AAAA\"}")
                .path("valid")
                .asBoolean())
        .isFalse();
    assertThat(
            problem(
                user.postJson(
                    KEYS + "/dsa/sign",
                    "{\"input\":\"AA==\",\"preHash\":true,\"context\":\""
                        + "x".repeat(300)
                        + "\"}"),
                400))
        .isEqualTo("crypto-invalid-input");
    // Users may use keys but not manage them.
    assertThat(problem(user.postJson(KEYS, "{\"name\":\"mine\",\"type\":\"AES-256-GCM\"}"), 403))
        .isEqualTo("forbidden");
    assertThat(problem(admin.method("DELETE", KEYS + "/aes"), 409))
        .isEqualTo("crypto-key-config-conflict");
    assertThat(problem(admin.get(KEYS + "/aes/export"), 403))
        .isEqualTo("crypto-key-not-exportable");
  }

  @Test
  void thePolicyDecidesWhichKeyTypesATenantMayCreate() {
    assertThat(user.get("/api/v1/crypto/policy").json().path("policy").asString())
        .isEqualTo("hybrid");
    assertThat(problem(admin.postJson(KEYS, "{\"name\":\"ed\",\"type\":\"Ed25519\"}"), 403))
        .isEqualTo("crypto-policy-violation");
    create("hybrid-ok", "ML-DSA-65+Ed25519", "");
    var set = sendJson(admin, "PUT", "/api/v1/crypto/policy", "{\"policy\":\"pq-only\"}");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(problem(admin.postJson(KEYS, "{\"name\":\"xw\",\"type\":\"X-Wing\"}"), 403))
        .isEqualTo("crypto-policy-violation");
    create("pure", "ML-KEM-1024", "");
    var classical = sendJson(admin, "PUT", "/api/v1/crypto/policy", "{\"policy\":\"classical\"}");
    assertThat(classical.status()).isEqualTo(200);
    create("ed", "Ed25519", "");
  }

  @Test
  void exportableKeysExportTheirMaterialAndDeletableOnesGo() {
    create("portable", "ML-KEM-768", ",\"exportable\":true,\"deletionAllowed\":true");
    JsonNode exported = admin.get(KEYS + "/portable/export").json();
    byte[] secret =
        Base64.getDecoder().decode(exported.path("versions").get(0).path("secretKey").asString());
    assertThat(secret).hasSize(2400);
    // The seed form: PKCS#8 whose seed gives this very key pair.
    JsonNode version = exported.path("versions").get(0);
    String pem = version.path("privateKeyPkcs8").asString();
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    byte[] der =
        Base64.getMimeDecoder()
            .decode(
                pem.replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", "")
                    .strip());
    var seed = io.truststram.crypto.primitive.SeedKeys.fromPkcs8(der);
    assertThat(seed.algorithm()).isEqualTo(Algorithm.ML_KEM_768);
    var pair = io.truststram.crypto.primitive.SeedKeys.fromSeed(Algorithm.ML_KEM_768, seed.seed());
    assertThat(pair.secretKey()).isEqualTo(secret);
    assertThat(Base64.getEncoder().encodeToString(pair.publicKey()))
        .isEqualTo(version.path("publicKey").asString());
    // Keys without a seed form export raw material only.
    create("portable-mac", "HMAC", ",\"exportable\":true");
    assertThat(
            admin
                .get(KEYS + "/portable-mac/export")
                .json()
                .path("versions")
                .get(0)
                .path("privateKeyPkcs8")
                .isNull())
        .isTrue();
    assertThat(admin.method("DELETE", KEYS + "/portable").status()).isEqualTo(204);
    assertThat(admin.get(KEYS + "/portable").status()).isEqualTo(404);
    assertThat(ok(user, "/api/v1/crypto/random", "{\"bytes\":48}").path("random").asString())
        .hasSize(64);
    assertThat(problem(user.postJson("/api/v1/crypto/random", "{\"bytes\":100000}"), 400))
        .isEqualTo("validation-failed");
  }

  @Test
  void hmacWorksOnAnyKeyAndVerifies() {
    create("mac", "ML-DSA-44", "");
    String tag =
        ok(user, KEYS + "/mac/hmac", "{\"input\":\"" + b64("x") + "\",\"algorithm\":\"sha2-512\"}")
            .path("hmac")
            .asString();
    assertThat(
            ok(
                    user,
                    KEYS + "/mac/verify",
                    "{\"input\":\""
                        + b64("x")
                        + "\",\"hmac\":\""
                        + tag
                        + "\",\"algorithm\":\"sha2-512\"}")
                .path("valid")
                .asBoolean())
        .isTrue();
    assertThat(
            ok(
                    user,
                    KEYS + "/mac/verify",
                    "{\"input\":\""
                        + b64("y")
                        + "\",\"hmac\":\""
                        + tag
                        + "\",\"algorithm\":\"sha2-512\"}")
                .path("valid")
                .asBoolean())
        .isFalse();
  }

  @Test
  void theJavaSdkDrivesTheKeyManagerAndSealsWithoutTheServer() throws Exception {
    String token = admin.token();
    var keys =
        io.truststram.sdk.KeyManagerApi.connect(
            java.net.URI.create("http://localhost:" + port),
            io.truststram.sdk.TokenSource.bearer(java.util.Objects.requireNonNull(token)));
    keys.createKey("sdk-aes", "AES-256-GCM", false, false, java.time.Duration.ofHours(24));
    java.util.List<String> ciphertexts =
        keys.encryptBatch("sdk-aes", java.util.List.of("a".getBytes(), "b".getBytes()));
    assertThat(ciphertexts).hasSize(2).allSatisfy(c -> assertThat(c).startsWith("ts:v1:"));
    assertThat(keys.decrypt("sdk-aes", ciphertexts.get(1), null)).isEqualTo("b".getBytes());
    assertThat(keys.rotate("sdk-aes").latestVersion()).isEqualTo(2);
    assertThat(keys.rewrap("sdk-aes", ciphertexts.get(0))).startsWith("ts:v2:");

    keys.createKey("sdk-kem", "X-Wing", false, false, null);
    byte[] publicKey = keys.key("sdk-kem").publicKeys().get(1);
    byte[] box =
        io.truststram.crypto.seal.SealedBox.seal(
            Algorithm.X_WING,
            publicKey,
            "seed".getBytes(),
            new byte[0],
            new java.security.SecureRandom());
    assertThat(keys.open("sdk-kem", "ts:v1:" + Base64.getEncoder().encodeToString(box), null))
        .isEqualTo("seed".getBytes());
    var encapsulation = keys.encapsulate("sdk-kem");
    assertThat(keys.decapsulate("sdk-kem", encapsulation.ciphertext()))
        .isEqualTo(encapsulation.sharedSecret());

    keys.createKey("sdk-sign", "SLH-DSA-SHA2-128f", false, false, null);
    String signature = keys.sign("sdk-sign", "model".getBytes(), "registry", false);
    assertThat(keys.verify("sdk-sign", "model".getBytes(), signature, "registry", false)).isTrue();
    assertThat(keys.verify("sdk-sign", "model".getBytes(), signature, "audit", false)).isFalse();
    assertThat(keys.random(16)).hasSize(16);

    var missing =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.truststram.sdk.TrustStramException.class, () -> keys.key("nope"));
    assertThat(missing.type()).isEqualTo("crypto-key-not-found");
  }

  @Test
  void keysImportedSealedToTheWrappingKeyWorkAndBadImportsAreRefused() throws Exception {
    java.security.SecureRandom random = new java.security.SecureRandom();
    JsonNode wrapping = admin.get("/api/v1/crypto/wrapping-key").json();
    assertThat(wrapping.path("algorithm").asString()).isEqualTo("X-Wing");
    byte[] wrappingKey = Base64.getDecoder().decode(wrapping.path("publicKey").asString());
    assertThat(admin.get("/api/v1/crypto/wrapping-key").json().path("publicKey").asString())
        .isEqualTo(wrapping.path("publicKey").asString());

    // An ML-DSA-65 key made here, brought in: the server signs, the local public key verifies.
    var mine = Primitives.signers(Algorithm.ML_DSA_65).getFirst().generateKeyPair(random);
    byte[] box =
        io.truststram.crypto.seal.SealedBox.seal(
            Algorithm.X_WING, wrappingKey, mine.secretKey(), importContext("byok-dsa"), random);
    var imported =
        admin.postJson(
            KEYS + "/byok-dsa/import",
            "{\"type\":\"ML-DSA-65\",\"ciphertext\":\""
                + Base64.getEncoder().encodeToString(box)
                + "\",\"publicKey\":\""
                + Base64.getEncoder().encodeToString(mine.publicKey())
                + "\"}");
    assertThat(imported.status()).as(imported.body()).isEqualTo(201);
    String signature =
        ok(user, KEYS + "/byok-dsa/sign", "{\"input\":\"" + b64("m") + "\"}")
            .path("signature")
            .asString();
    byte[] raw = Base64.getDecoder().decode(signature.substring(signature.lastIndexOf(':') + 1));
    assertThat(
            Primitives.signer(Algorithm.ML_DSA_65, SignOptions.NONE)
                .verify(mine.publicKey(), "m".getBytes(), raw, SignOptions.NONE))
        .isTrue();

    // An AES key brought in: what the server encrypts, the owner of the key decrypts locally.
    byte[] aes = new byte[32];
    random.nextBytes(aes);
    byte[] aesBox =
        io.truststram.crypto.seal.SealedBox.seal(
            Algorithm.X_WING, wrappingKey, aes, importContext("byok-aes"), random);
    assertThat(
            admin
                .postJson(
                    KEYS + "/byok-aes/import",
                    "{\"type\":\"AES-256-GCM\",\"ciphertext\":\""
                        + Base64.getEncoder().encodeToString(aesBox)
                        + "\"}")
                .status())
        .isEqualTo(201);
    String ciphertext =
        ok(user, KEYS + "/byok-aes/encrypt", "{\"plaintext\":\"" + b64("own key") + "\"}")
            .path("ciphertext")
            .asString();
    byte[] sealed =
        Base64.getDecoder().decode(ciphertext.substring(ciphertext.lastIndexOf(':') + 1));
    assertThat(io.truststram.crypto.primitive.Aes256Gcm.decrypt(aes, sealed, new byte[0]))
        .isEqualTo("own key".getBytes());

    // Sealed for another key name: refused as one generic decryption failure.
    assertThat(
            problem(
                admin.postJson(
                    KEYS + "/byok-other/import",
                    "{\"type\":\"AES-256-GCM\",\"ciphertext\":\""
                        + Base64.getEncoder().encodeToString(aesBox)
                        + "\"}"),
                400))
        .isEqualTo("crypto-decryption-failed");
    // A public key that is not the secret key's: refused.
    var stranger = Primitives.signers(Algorithm.ML_DSA_65).getFirst().generateKeyPair(random);
    byte[] box2 =
        io.truststram.crypto.seal.SealedBox.seal(
            Algorithm.X_WING,
            wrappingKey,
            mine.secretKey(),
            importContext("byok-mismatch"),
            random);
    assertThat(
            problem(
                admin.postJson(
                    KEYS + "/byok-mismatch/import",
                    "{\"type\":\"ML-DSA-65\",\"ciphertext\":\""
                        + Base64.getEncoder().encodeToString(box2)
                        + "\",\"publicKey\":\""
                        + Base64.getEncoder().encodeToString(stranger.publicKey())
                        + "\"}"),
                400))
        .isEqualTo("crypto-invalid-input");
    assertThat(problem(user.get("/api/v1/crypto/wrapping-key"), 403)).isEqualTo("forbidden");
  }

  @Test
  void aBackupRestoresEveryVersionIntoTheSameTenantOnly() {
    create("archive", "AES-256-GCM", "");
    String v1 =
        ok(user, KEYS + "/archive/encrypt", "{\"plaintext\":\"" + b64("one") + "\"}")
            .path("ciphertext")
            .asString();
    ok(admin, KEYS + "/archive/rotate", "{}");
    String v2 =
        ok(user, KEYS + "/archive/encrypt", "{\"plaintext\":\"" + b64("two") + "\"}")
            .path("ciphertext")
            .asString();
    String backup = admin.get(KEYS + "/archive/backup").json().path("backup").asString();
    assertThat(backup).doesNotContain("AES");

    var restored =
        admin.postJson(KEYS + "/archive-copy/restore", "{\"backup\":\"" + backup + "\"}");
    assertThat(restored.status()).as(restored.body()).isEqualTo(201);
    assertThat(restored.json().path("latestVersion").asInt()).isEqualTo(2);
    assertThat(
            ok(user, KEYS + "/archive-copy/decrypt", "{\"ciphertext\":\"" + v1 + "\"}")
                .path("plaintext")
                .asString())
        .isEqualTo(b64("one"));
    assertThat(
            ok(user, KEYS + "/archive-copy/decrypt", "{\"ciphertext\":\"" + v2 + "\"}")
                .path("plaintext")
                .asString())
        .isEqualTo(b64("two"));
    assertThat(
            problem(
                admin.postJson(KEYS + "/archive-copy/restore", "{\"backup\":\"" + backup + "\"}"),
                409))
        .isEqualTo("crypto-key-exists");

    // Another tenant's administrator cannot restore it.
    var otherTenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("crypto-other-" + NAMES.incrementAndGet(), "Other"))
            .id();
    HttpTestClient otherAdmin =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, otherTenant, Role.TENANT_ADMIN)));
    assertThat(
            problem(
                otherAdmin.postJson(KEYS + "/stolen/restore", "{\"backup\":\"" + backup + "\"}"),
                400))
        .isEqualTo("crypto-decryption-failed");
  }

  private byte[] importContext(String name) {
    return ("truststram key import v1|" + tenant + "|" + name).getBytes(StandardCharsets.UTF_8);
  }

  private HttpTestClient.Response sendJson(
      HttpTestClient client, String method, String path, String json) {
    return client.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/json")
            .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(json)));
  }

  private static String problem(HttpTestClient.Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.body()).doesNotContain("Exception");
    return response.json().path("type").asString().replace(TYPES, "");
  }
}
