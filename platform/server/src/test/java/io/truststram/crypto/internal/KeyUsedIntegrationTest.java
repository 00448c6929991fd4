package io.truststram.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The key manager's data operations reach the audit trail as per-period summaries: one entry per
 * key, operation and principal, with the successes and failures counted exactly.
 */
class KeyUsedIntegrationTest extends ServerIntegrationTest {

  @Test
  void usesAreSummedPerKeyOperationAndPrincipalIntoTheAuditTrail() {
    var tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("key-used-" + System.nanoTime(), "Key used"))
            .id();
    var adminClient = TestTokens.client(context, tenant, Role.TENANT_ADMIN);
    HttpTestClient admin = http.withToken(TestTokens.token(port, adminClient));
    assertThat(
            admin
                .postJson("/api/v1/crypto/keys", "{\"name\":\"notes\",\"type\":\"AES-256-GCM\"}")
                .status())
        .isEqualTo(201);
    // What was counted before this test belongs to other tests' periods.
    KeyManager keys = context.getBean(KeyManager.class);
    KeyUsage usage = context.getBean(KeyUsage.class);
    keys.publishUsage(usage);

    for (int i = 0; i < 3; i++) {
      assertThat(
              admin
                  .postJson("/api/v1/crypto/keys/notes/encrypt", "{\"plaintext\":\"AA==\"}")
                  .status())
          .isEqualTo(200);
    }
    assertThat(
            admin
                .postJson(
                    "/api/v1/crypto/keys/notes/encrypt",
                    "{\"batch\":[{\"plaintext\":\"AA==\"},{\"plaintext\":\"!!\"}]}")
                .status())
        .isEqualTo(200);
    assertThat(
            admin
                .postJson("/api/v1/crypto/keys/notes/decrypt", "{\"ciphertext\":\"ts:v1:AAAA\"}")
                .status())
        .isEqualTo(400);
    keys.publishUsage(usage);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode page =
                  admin
                      .get(
                          "/api/v1/audit/entries?action=crypto.key.used&resource=crypto/keys/notes")
                      .json();
              List<String> seen = new ArrayList<>();
              for (JsonNode item : page.path("items")) {
                JsonNode entry = item.path("entry");
                assertThat(entry.path("principal").asString()).isEqualTo(adminClient.clientId());
                seen.add(
                    entry.path("details").path("operation").asString()
                        + " "
                        + entry.path("details").path("succeeded").asString()
                        + " "
                        + entry.path("details").path("failed").asString());
              }
              assertThat(seen).containsExactlyInAnyOrder("encrypt 4 1", "decrypt 0 1");
            });
  }
}
