package io.truststram.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.audit.log.AuditExport;
import io.truststram.audit.log.Checkpoint;
import io.truststram.audit.log.Proofs;
import io.truststram.common.tenant.TenantId;
import io.truststram.crypto.primitive.Algorithm;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.audit.AuditRecord;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The audit trail end to end over HTTP: every state-changing request and key event lands in the
 * tenant's log; proofs and signed checkpoints verify with audit/core's verifier; an export verifies
 * offline; and rows changed, deleted or reordered directly in the database make verification fail
 * at them. Run on the embedded database and on PostgreSQL.
 */
abstract class AuditTrailContract extends ServerIntegrationTest {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String AUDIT = "/api/v1/audit";
  private static final Base64.Decoder B64 = Base64.getDecoder();

  private HttpTestClient admin;
  private HttpTestClient scientist;
  private TenantId tenant;

  @BeforeEach
  void tenant() {
    tenant =
        context
            .getBean(Tenants.class)
            .create(
                new NewTenant(
                    "audit-" + getClass().getSimpleName().length() + "-" + NAMES.incrementAndGet(),
                    "Audit"))
            .id();
    admin =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.TENANT_ADMIN)));
    scientist =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
  }

  private JsonNode ok(HttpTestClient.Response response) {
    assertThat(response.status()).as(response.body()).isBetween(200, 201);
    return response.json();
  }

  private List<JsonNode> entries(String query) {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          ok(
              admin.get(
                  AUDIT
                      + "/entries?limit=500"
                      + query
                      + (cursor == null ? "" : "&cursor=" + cursor)));
      page.path("items").forEach(all::add);
      cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
    } while (cursor != null);
    return all;
  }

  private void appendEntries(int count) {
    for (int done = 0; done < count; ) {
      int n = Math.min(250, count - done);
      StringBuilder body = new StringBuilder("{\"entries\":[");
      for (int i = 0; i < n; i++) {
        body.append(i == 0 ? "" : ",")
            .append("{\"action\":\"record.viewed\",\"resource\":\"patients/")
            .append(done + i)
            .append("\",\"details\":{\"ward\":\"")
            .append((done + i) % 7)
            .append("\"}}");
      }
      JsonNode appended = ok(admin.postJson(AUDIT + "/entries", body.append("]}").toString()));
      assertThat(appended.path("entries")).hasSize(n);
      done += n;
    }
  }

  private List<byte[]> publicKeys() {
    List<byte[]> keys = new ArrayList<>();
    ok(admin.get(AUDIT + "/public-keys"))
        .path("keys")
        .forEach(
            k -> {
              byte[] raw = B64.decode(k.path("publicKey").asString());
              // The PEM form is the same key, as an X.509 SubjectPublicKeyInfo.
              assertThat(
                      io.truststram.crypto.primitive.PublicKeyEncoding.fromPem(
                              k.path("pem").asString())
                          .publicKey())
                  .isEqualTo(raw);
              keys.add(raw);
            });
    return keys;
  }

  private AuditExport.Report verifyExport() throws IOException {
    HttpTestClient.Response export = admin.get(AUDIT + "/export");
    assertThat(export.status()).as(export.body()).isEqualTo(200);
    assertThat(export.contentType()).startsWith("application/x-ndjson");
    return AuditExport.verify(new BufferedReader(new StringReader(export.body())), publicKeys());
  }

  @Test
  void stateChangingRequestsAndKeyEventsLandInTheTenantsLog() {
    HttpTestClient.Response created =
        admin.postJson("/api/v1/crypto/keys", "{\"name\":\"ledger\",\"type\":\"AES-256-GCM\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String requestId = created.header("X-Request-Id").orElseThrow();
    ok(admin.postJson("/api/v1/crypto/keys/ledger/rotate", "{}"));
    // A data operation is not a state change: not recorded.
    ok(scientist.postJson("/api/v1/crypto/keys/ledger/encrypt", "{\"plaintext\":\"AA==\"}"));
    // A refused one is.
    assertThat(
            scientist
                .postJson("/api/v1/crypto/keys", "{\"name\":\"mine\",\"type\":\"AES-256-GCM\"}")
                .status())
        .isEqualTo(403);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              List<String> actions =
                  entries("").stream().map(e -> e.path("entry").path("action").asString()).toList();
              assertThat(actions)
                  .contains(
                      "POST /api/v1/crypto/keys",
                      "POST /api/v1/crypto/keys/{name}/rotate",
                      "crypto.key.created",
                      "crypto.key.rotated")
                  .doesNotContain("POST /api/v1/crypto/keys/{name}/encrypt");
            });
    JsonNode create = entries("&action=POST%20/api/v1/crypto/keys").getFirst().path("entry");
    assertThat(create.path("requestId").asString()).isEqualTo(requestId);
    assertThat(create.path("outcome").asString()).isIn("success", "denied");
    List<JsonNode> denied = entries("&outcome=denied");
    assertThat(denied).isNotEmpty();
    assertThat(denied.getFirst().path("entry").path("details").path("status").asString())
        .isEqualTo("403");
    assertThat(denied.getFirst().path("entry").path("principal").asString())
        .isNotEqualTo("anonymous");

    // A request with no valid token has no tenant: it lands in the platform's log.
    String marker = "/api/v1/crypto/keys/unknown-" + UUID.randomUUID();
    assertThat(http.anonymous().postJson(marker + "/rotate", "{}").status()).isEqualTo(401);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode page =
                  ok(http.get(AUDIT + "/entries?tenant=platform&resource=" + marker + "/rotate"));
              assertThat(page.path("items")).hasSize(1);
              assertThat(page.path("items").get(0).path("entry").path("outcome").asString())
                  .isEqualTo("denied");
            });
    // A tenant admin reads only their own tenant's log.
    assertThat(admin.get(AUDIT + "/entries?tenant=platform").status()).isEqualTo(403);
  }

  @Test
  void proofsAndCheckpointsVerifyAgainstTheSignedRoot() {
    appendEntries(300);
    JsonNode first = ok(admin.postJson(AUDIT + "/checkpoints", ""));
    long size = first.path("size").asLong();
    assertThat(size).isGreaterThanOrEqualTo(300);
    // The tenant's policy is hybrid: the audit key is composite ML-DSA-65 + Ed25519.
    assertThat(first.path("algorithm").asString()).isEqualTo("ML-DSA-65+Ed25519");
    Checkpoint.Signed signed =
        new Checkpoint.Signed(
            new Checkpoint(
                first.path("origin").asString(),
                size,
                B64.decode(first.path("rootHash").asString()),
                Instant.parse(first.path("time").asString())),
            Algorithm.of(first.path("algorithm").asString()),
            B64.decode(first.path("signature").asString()));
    assertThat(signed.verify(publicKeys().getLast())).isTrue();
    byte[] root = signed.checkpoint().rootHash();

    for (long index : new long[] {0, 1, 137, size - 1}) {
      JsonNode proof = ok(admin.get(AUDIT + "/proofs/inclusion?index=" + index));
      assertThat(proof.path("treeSize").asLong()).isEqualTo(size);
      JsonNode entry = ok(admin.get(AUDIT + "/entries/" + index));
      byte[] leaf =
          io.truststram.audit.log.MerkleHashes.leaf(
              entry.path("entry").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(Base64.getEncoder().encodeToString(leaf))
          .isEqualTo(entry.path("leafHash").asString());
      List<byte[]> path = new ArrayList<>();
      proof.path("auditPath").forEach(p -> path.add(B64.decode(p.asString())));
      assertThat(Proofs.verifyInclusion(index, size, leaf, path, root))
          .as("entry %d", index)
          .isTrue();
    }

    appendEntries(77);
    JsonNode second = ok(admin.postJson(AUDIT + "/checkpoints", ""));
    long grown = second.path("size").asLong();
    JsonNode consistency =
        ok(admin.get(AUDIT + "/proofs/consistency?firstSize=" + size + "&secondSize=" + grown));
    List<byte[]> proof = new ArrayList<>();
    consistency.path("proof").forEach(p -> proof.add(B64.decode(p.asString())));
    assertThat(
            Proofs.verifyConsistency(
                size, grown, root, B64.decode(second.path("rootHash").asString()), proof))
        .isTrue();
    assertThat(ok(admin.get(AUDIT + "/checkpoints")).path("items").size())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void anExportVerifiesOfflineAndRowsChangedInTheDatabaseDoNot() throws IOException {
    appendEntries(40);
    ok(admin.postJson(AUDIT + "/checkpoints", ""));
    appendEntries(40);
    AuditExport.Report clean = verifyExport();
    assertThat(clean.failure()).isNull();
    assertThat(clean.valid()).isTrue();
    assertThat(clean.entries()).isGreaterThanOrEqualTo(80);

    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
    long target = 12;
    String original =
        jdbc.queryForObject(
            "SELECT data FROM audit_entry WHERE tenant_id = ? AND idx = ?",
            String.class,
            tenant.value(),
            target);

    // Changed content.
    jdbc.update(
        "UPDATE audit_entry SET data = ? WHERE tenant_id = ? AND idx = ?",
        original.replace("record.viewed", "record.deleted"),
        tenant.value(),
        target);
    AuditExport.Report changed = verifyExport();
    assertThat(changed.valid()).isFalse();
    assertThat(changed.failure().entry()).isEqualTo(target);
    assertThat(changed.failure().reason()).contains("does not match its recorded hash");
    jdbc.update(
        "UPDATE audit_entry SET data = ? WHERE tenant_id = ? AND idx = ?",
        original,
        tenant.value(),
        target);
    assertThat(verifyExport().valid()).isTrue();

    // Changed content with a matching recorded hash: the signed root catches it.
    String forged = original.replace("record.viewed", "record.deleted");
    jdbc.update(
        "UPDATE audit_entry SET data = ?, leaf_hash = ? WHERE tenant_id = ? AND idx = ?",
        forged,
        io.truststram.audit.log.MerkleHashes.leaf(
            forged.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        tenant.value(),
        target);
    AuditExport.Report rehashed = verifyExport();
    assertThat(rehashed.valid()).isFalse();
    assertThat(rehashed.failure().reason()).contains("from 0 to");
    jdbc.update(
        "UPDATE audit_entry SET data = ?, leaf_hash = ? WHERE tenant_id = ? AND idx = ?",
        original,
        io.truststram.audit.log.MerkleHashes.leaf(
            original.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        tenant.value(),
        target);
    assertThat(verifyExport().valid()).isTrue();

    // A deleted row.
    Map<String, Object> row =
        jdbc.queryForMap(
            "SELECT * FROM audit_entry WHERE tenant_id = ? AND idx = ?", tenant.value(), 30L);
    jdbc.update("DELETE FROM audit_entry WHERE tenant_id = ? AND idx = ?", tenant.value(), 30L);
    AuditExport.Report deleted = verifyExport();
    assertThat(deleted.valid()).isFalse();
    assertThat(deleted.failure().reason()).contains("entry 30 expected here");

    // Reordered rows: 30 put back in 31's place and 31 in 30's.
    jdbc.update("UPDATE audit_entry SET idx = 30 WHERE tenant_id = ? AND idx = 31", tenant.value());
    jdbc.update(
        "INSERT INTO audit_entry (tenant_id, idx, record_id, occurred_at, principal, action,"
            + " resource, outcome, data, leaf_hash) VALUES (?, 31, ?, ?, ?, ?, ?, ?, ?, ?)",
        tenant.value(),
        row.get("record_id"),
        row.get("occurred_at"),
        row.get("principal"),
        row.get("action"),
        row.get("resource"),
        row.get("outcome"),
        row.get("data"),
        row.get("leaf_hash"));
    AuditExport.Report reordered = verifyExport();
    assertThat(reordered.valid()).isFalse();
    assertThat(reordered.failure().reason()).contains("from 0 to");
  }

  @Test
  void aRecordDeliveredTwiceIsAppendedOnce() {
    AuditRecord record =
        new AuditRecord(
            UUID.randomUUID(),
            tenant,
            "someone",
            null,
            "test.delivered.twice",
            "things/1",
            AuditRecord.Outcome.SUCCESS,
            null,
            Instant.now(),
            Map.of());
    TransactionTemplate transactions =
        new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
    transactions.executeWithoutResult(s -> context.publishEvent(record));
    transactions.executeWithoutResult(s -> context.publishEvent(record));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(entries("&action=test.delivered.twice")).hasSize(1));
    // Still one once both deliveries are surely done.
    transactions.executeWithoutResult(s -> context.publishEvent(record));
    await()
        .pollDelay(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(entries("&action=test.delivered.twice")).hasSize(1));
  }

  @Test
  void aBurstOfEventsNeverStarvesTheWriterOfConnections() {
    // More deliveries at once than the pool has connections: a listener that held one while
    // waiting for the commit would leave the writer none.
    TransactionTemplate transactions =
        new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
    String action = "test.burst." + UUID.randomUUID();
    for (int i = 0; i < 200; i++) {
      AuditRecord record =
          new AuditRecord(
              UUID.randomUUID(),
              tenant,
              "burst",
              null,
              action,
              "things/" + i,
              AuditRecord.Outcome.SUCCESS,
              null,
              Instant.now(),
              Map.of());
      transactions.executeWithoutResult(s -> context.publishEvent(record));
    }
    await()
        .atMost(Duration.ofSeconds(25))
        .untilAsserted(() -> assertThat(entries("&action=" + action)).hasSize(200));
  }

  @Test
  void badInputIsAProblemNeverAServerError() {
    appendEntries(3);
    ok(admin.postJson(AUDIT + "/checkpoints", ""));
    assertProblem(admin.get(AUDIT + "/proofs/inclusion?index=99999"), 400, "audit-out-of-range");
    assertProblem(
        admin.get(AUDIT + "/proofs/inclusion?index=0&treeSize=99999"), 400, "audit-out-of-range");
    assertProblem(
        admin.get(AUDIT + "/proofs/consistency?firstSize=3&secondSize=2"),
        400,
        "audit-out-of-range");
    assertProblem(admin.get(AUDIT + "/entries/99999"), 400, "audit-out-of-range");
    assertProblem(admin.get(AUDIT + "/entries?from=yesterday"), 400, "invalid-parameter");
    assertProblem(admin.get(AUDIT + "/entries?cursor=not-ours"), 400, "invalid-parameter");
    assertProblem(admin.get(AUDIT + "/entries?outcome=maybe"), 400, "validation-failed");
    assertProblem(
        admin.postJson(
            AUDIT + "/entries",
            "{\"entries\":[{\"action\":\"x\",\"resource\":\"y\",\"outcome\":\"odd\"}]}"),
        400,
        "validation-failed");
    assertProblem(admin.postJson(AUDIT + "/entries", "{\"entries\":[]}"), 400, "validation-failed");
    StringBuilder big = new StringBuilder("{\"entries\":[");
    for (int i = 0; i < 1001; i++) {
      big.append(i == 0 ? "" : ",").append("{\"action\":\"a\",\"resource\":\"r\"}");
    }
    assertProblem(
        admin.postJson(AUDIT + "/entries", big.append("]}").toString()),
        400,
        "audit-batch-too-large");
    // Reading the log needs audit:read; a data scientist has none.
    assertProblem(scientist.get(AUDIT + "/entries"), 403, "forbidden");
    assertProblem(admin.get(AUDIT + "/entries?tenant=" + UUID.randomUUID()), 403, "forbidden");
  }

  private static void assertProblem(HttpTestClient.Response response, int status, String type) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + type);
  }
}
