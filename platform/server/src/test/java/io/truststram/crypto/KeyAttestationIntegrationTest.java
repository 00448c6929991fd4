package io.truststram.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import io.truststram.sdk.KeyManagerApi;
import io.truststram.sdk.TokenSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Key attestations: a signed statement that the key manager holds a non-exportable key for a
 * subject, which verifiers check and which the trust service counts as evidence for the subject.
 */
class KeyAttestationIntegrationTest extends ServerIntegrationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HttpTestClient admin;
  private String token;

  @BeforeEach
  void tenant() {
    TenantId tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("attest-" + System.nanoTime(), "Attestations"))
            .id();
    token = TestTokens.token(port, TestTokens.client(context, tenant, Role.TENANT_ADMIN));
    admin = http.withToken(token);
  }

  @Test
  void anAttestationVerifiesUntilTheKeyMayLeaveAndBecomesEvidenceForItsSubject() {
    var created =
        admin.postJson(
            "/api/v1/crypto/keys", "{\"name\":\"node-7-signing\",\"type\":\"ML-DSA-65\"}");
    assertThat(created.status()).isEqualTo(201);

    var attested =
        admin.postJson(
            "/api/v1/crypto/keys/node-7-signing/attest",
            "{\"subject\":\"node-7\",\"subjectType\":\"client-node\"}");
    assertThat(attested.status()).as(attested.body()).isEqualTo(200);
    String statement = attested.json().path("statement").asString();
    String signature = attested.json().path("signature").asString();
    // (Reassigned below to version 2's statement.)
    assertThat(signature).startsWith("ts:v1:");
    assertThat(attested.json().path("algorithm").asString()).isEqualTo("ML-DSA-65+Ed25519");
    JsonNode fields = JSON.readTree(statement);
    assertThat(fields.path("subject").asString()).isEqualTo("node-7");
    assertThat(fields.path("key").asString()).isEqualTo("node-7-signing");
    assertThat(fields.path("version").asInt()).isEqualTo(1);
    assertThat(fields.path("exportable").asBoolean(true)).isFalse();
    assertThat(fields.path("origin").asString()).isEqualTo("generated");
    assertThat(fields.path("publicKey").asString())
        .isEqualTo(created.json().path("versions").get(0).path("publicKey").asString());

    var verified = verify(statement, signature);
    assertThat(verified.path("valid").asBoolean()).as(verified.toString()).isTrue();
    assertThat(verified.path("current").asBoolean()).isTrue();
    // One changed character of the statement (another subject) does not verify.
    var forged = verify(statement.replace("node-7\"", "node-8\""), signature);
    assertThat(forged.path("valid").asBoolean()).isFalse();
    assertThat(forged.path("reason").asString()).contains("does not match");

    // The trust service takes it as evidence for node-7, which enters the graph.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var evidence = admin.get("/api/v1/trust/entities/node-7/evidence");
              assertThat(evidence.status()).as(evidence.body()).isEqualTo(200);
              assertThat(evidence.body()).contains("crypto.key-attested", "node-7-signing");
            });
    // And the audit trail records it.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(admin.get("/api/v1/audit/entries?action=crypto.key.attested").body())
                    .contains("node-7"));

    // Attested, the key is pinned: it can no longer be made exportable nor backed up, nor be
    // attested for another subject.
    assertThat(conflict(patch("{\"exportable\":true}"))).contains("attested");
    assertThat(conflict(admin.get("/api/v1/crypto/keys/node-7-signing/backup")))
        .contains("attested");
    assertThat(
            conflict(
                admin.postJson(
                    "/api/v1/crypto/keys/node-7-signing/attest", "{\"subject\":\"node-8\"}")))
        .contains("node-7");

    // The same version for the same subject again is a fresh statement, not fresh evidence; a new
    // version is.
    var again =
        admin.postJson("/api/v1/crypto/keys/node-7-signing/attest", "{\"subject\":\"node-7\"}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(admin.postJson("/api/v1/crypto/keys/node-7-signing/rotate", "{}").status())
        .isEqualTo(200);
    var rotated =
        admin.postJson("/api/v1/crypto/keys/node-7-signing/attest", "{\"subject\":\"node-7\"}");
    assertThat(JSON.readTree(rotated.json().path("statement").asString()).path("version").asInt())
        .isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> attestedEvidence("node-7") >= 2 && audited() >= 2);
    assertThat(attestedEvidence("node-7")).isEqualTo(2);
    assertThat(audited()).isEqualTo(2);

    // Version 1 retired and trimmed: its statement no longer holds.
    assertThat(patch("{\"minDecryptionVersion\":2}").status()).isEqualTo(200);
    assertThat(
            admin
                .postJson("/api/v1/crypto/keys/node-7-signing/trim", "{\"minAvailableVersion\":2}")
                .status())
        .isEqualTo(200);
    var trimmed = verify(statement, signature);
    assertThat(trimmed.path("valid").asBoolean()).isTrue();
    assertThat(trimmed.path("current").asBoolean()).isFalse();
    assertThat(trimmed.path("reason").asString()).contains("trimmed");
    // Its evidence is taken back; version 2's stays.
    await().atMost(Duration.ofSeconds(20)).until(() -> attestedEvidence("node-7") == 1);
    statement = rotated.json().path("statement").asString();
    signature = rotated.json().path("signature").asString();
    assertThat(verify(statement, signature).path("current").asBoolean()).isTrue();

    // Deleted, the key no longer backs the statement: it still verifies, but no longer holds.
    assertThat(patch("{\"deletionAllowed\":true}").status()).isEqualTo(200);
    assertThat(admin.method("DELETE", "/api/v1/crypto/keys/node-7-signing").status())
        .isEqualTo(204);
    var stale = verify(statement, signature);
    assertThat(stale.path("valid").asBoolean()).isTrue();
    assertThat(stale.path("current").asBoolean()).isFalse();
    assertThat(stale.path("reason").asString()).contains("deleted");
    // Nothing attested of node-7 is left as evidence, and the audit trail says why, once for each
    // attestation (version 1 was attested twice).
    await().atMost(Duration.ofSeconds(20)).until(() -> attestedEvidence("node-7") == 0);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        admin
                            .get("/api/v1/audit/entries?action=crypto.key.attestation-withdrawn")
                            .json()
                            .path("items"))
                    .hasSize(3));
  }

  private HttpTestClient.Response patch(String json) {
    return admin.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/crypto/keys/node-7-signing"))
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  /** The problem's detail, after checking it is a 409 crypto-key-config-conflict. */
  private static String conflict(HttpTestClient.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(409);
    assertThat(response.json().path("type").asString()).endsWith("crypto-key-config-conflict");
    return response.json().path("detail").asString();
  }

  /** How many crypto.key.attested entries the tenant's audit log holds. */
  private int audited() {
    return admin
        .get("/api/v1/audit/entries?action=crypto.key.attested")
        .json()
        .path("items")
        .size();
  }

  /** How many crypto.key-attested evidence records the trust service holds about the entity. */
  private long attestedEvidence(String entity) {
    JsonNode items = admin.get("/api/v1/trust/entities/" + entity + "/evidence").json();
    JsonNode list = items.isArray() ? items : items.path("items");
    long count = 0;
    for (JsonNode item : list) {
      if (item.path("kind").asString().equals("crypto.key-attested")) {
        count++;
      }
    }
    return count;
  }

  @Test
  void aKeyWithACopyOutsideTheKeyManagerIsNotAttested() {
    admin.postJson("/api/v1/crypto/keys", "{\"name\":\"backed\",\"type\":\"ML-DSA-44\"}");
    var backup = admin.get("/api/v1/crypto/keys/backed/backup");
    assertThat(backup.status()).as(backup.body()).isEqualTo(200);
    // Backed up before being attested: the backup could become an exportable copy.
    assertThat(
            conflict(
                admin.postJson("/api/v1/crypto/keys/backed/attest", "{\"subject\":\"node-1\"}")))
        .contains("backed up");
    var restored =
        admin.postJson(
            "/api/v1/crypto/keys/restored/restore",
            "{\"backup\":\"" + backup.json().path("backup").asString() + "\"}");
    assertThat(restored.status()).as(restored.body()).isEqualTo(201);
    assertThat(
            conflict(
                admin.postJson("/api/v1/crypto/keys/restored/attest", "{\"subject\":\"node-1\"}")))
        .contains("restored");
  }

  @Test
  void whatCannotBeAttestedIsRefusedClearly() throws Exception {
    admin.postJson("/api/v1/crypto/keys", "{\"name\":\"data\",\"type\":\"AES-256-GCM\"}");
    admin.postJson("/api/v1/crypto/keys", "{\"name\":\"kem\",\"type\":\"ML-KEM-768\"}");
    Map<String, Integer> refused =
        Map.of(
            "/api/v1/crypto/keys/data/attest|{\"subject\":\"node-1\"}", 400,
            "/api/v1/crypto/keys/kem/attest|{\"subject\":\"node 1\"}", 400,
            "/api/v1/crypto/keys/kem/attest|{}", 400,
            "/api/v1/crypto/keys/kem/attest|{\"subject\":\"n\",\"subjectType\":\"planet\"}", 400,
            "/api/v1/crypto/keys/missing/attest|{\"subject\":\"node-1\"}", 404);
    refused.forEach(
        (request, status) -> {
          String[] parts = request.split("\\|", 2);
          var response = admin.postJson(parts[0], parts[1]);
          assertThat(response.status()).as(request + " " + response.body()).isEqualTo(status);
          assertThat(response.contentType()).contains("problem+json");
        });
    // A KEM key has a public key: it is attested (here through the SDK).
    KeyManagerApi sdk =
        KeyManagerApi.connect(URI.create("http://127.0.0.1:" + port), TokenSource.bearer(token));
    KeyManagerApi.Attestation kem = sdk.attest("kem", "model-a", "model");
    assertThat(sdk.verifyAttestation(kem))
        .isEqualTo(new KeyManagerApi.AttestationCheck(true, true, null));
    assertThat(
            sdk.verifyAttestation(
                new KeyManagerApi.Attestation(
                    kem.statement().replace("model-a", "model-b"), kem.signature(), "")))
        .extracting(KeyManagerApi.AttestationCheck::valid)
        .isEqualTo(false);
    // Nonsense to verify: a clear 400, or simply not valid.
    assertThat(
            admin.postJson("/api/v1/crypto/attestations/verify", "{\"statement\":\"{}\"}").status())
        .isEqualTo(400);
    var garbage =
        admin.postJson(
            "/api/v1/crypto/attestations/verify",
            "{\"statement\":\"not json\",\"signature\":\"ts:v1:AAAA\"}");
    assertThat(garbage.status()).as(garbage.body()).isEqualTo(200);
    assertThat(garbage.json().path("valid").asBoolean()).isFalse();
  }

  private JsonNode verify(String statement, String signature) {
    var response =
        admin.postJson(
            "/api/v1/crypto/attestations/verify",
            JSON.writeValueAsString(Map.of("statement", statement, "signature", signature)));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }
}
