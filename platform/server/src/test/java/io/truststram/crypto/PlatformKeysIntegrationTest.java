package io.truststram.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.common.problem.ProblemException;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The platform's own keys in a tenant's key manager: envelope encryption at rest for other
 * services, and signing keys whose algorithm follows the tenant's policy; none of them can be
 * exported, deleted, backed up or imitated by a tenant.
 */
class PlatformKeysIntegrationTest extends ServerIntegrationTest {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private PlatformKeys keys;
  private TenantId tenant;
  private HttpTestClient admin;

  @BeforeEach
  void tenant() {
    keys = context.getBean(PlatformKeys.class);
    tenant =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("platform-keys-" + NAMES.incrementAndGet(), "Keys"))
            .id();
    admin =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.TENANT_ADMIN)));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void dataAtRestRoundTripsOnlyWhereItWasStoredAndAcrossRotations() {
    byte[] secret = utf8("ldap bind password");
    byte[] row = utf8("identity_directory/42/bind_password");
    byte[] sealed = keys.encrypt(tenant, "identity", secret, row);
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("ldap bind");
    assertThat(keys.decrypt(tenant, "identity", sealed, row)).isEqualTo(secret);
    // Two encryptions of the same value differ (a fresh data key and nonce each time).
    assertThat(keys.encrypt(tenant, "identity", secret, row)).isNotEqualTo(sealed);

    // Moved to another row, or changed by one bit: one generic failure.
    assertThatThrownBy(
            () -> keys.decrypt(tenant, "identity", sealed, utf8("identity_directory/43/x")))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("decryption failed");
    for (int position : new int[] {0, 5, sealed.length / 2, sealed.length - 1}) {
      byte[] flipped = sealed.clone();
      flipped[position] ^= 1;
      assertThatThrownBy(() -> keys.decrypt(tenant, "identity", flipped, row))
          .as("bit flipped at %d", position)
          .isInstanceOf(ProblemException.class)
          .extracting(e -> ((ProblemException) e).type())
          .isEqualTo(CryptoProblems.DECRYPTION_FAILED);
    }
    // A tenant that never encrypted anything for this purpose: the same failure, no key created.
    TenantId stranger =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("platform-keys-stranger-" + NAMES.incrementAndGet(), "Stranger"))
            .id();
    assertThatThrownBy(() -> keys.decrypt(stranger, "identity", sealed, row))
        .isInstanceOf(ProblemException.class)
        .extracting(e -> ((ProblemException) e).type())
        .isEqualTo(CryptoProblems.DECRYPTION_FAILED);
    // Another tenant cannot read it.
    TenantId other =
        context
            .getBean(Tenants.class)
            .create(new NewTenant("platform-keys-other-" + NAMES.incrementAndGet(), "Other"))
            .id();
    keys.encrypt(other, "identity", secret, row);
    assertThatThrownBy(() -> keys.decrypt(other, "identity", sealed, row))
        .isInstanceOf(ProblemException.class);

    // The tenant admin sees the key and may rotate it; old data still decrypts.
    var rotated = admin.postJson("/api/v1/crypto/keys/truststram.identity.data/rotate", "{}");
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    assertThat(keys.decrypt(tenant, "identity", sealed, row)).isEqualTo(secret);
    assertThat(keys.decrypt(tenant, "identity", keys.encrypt(tenant, "identity", secret, row), row))
        .isEqualTo(secret);
  }

  @Test
  void signingKeysFollowThePolicyAndVerifyWithTheirPublicKeys() {
    byte[] message = utf8("checkpoint body");
    PlatformKeys.Signature signature = keys.sign(tenant, "reports", message);
    assertThat(signature.algorithm()).isEqualTo("ML-DSA-65+Ed25519");
    assertThat(signature.keyVersion()).isEqualTo(1);
    byte[] publicKey = keys.publicKeys(tenant, "reports").getFirst().publicKey();
    Algorithm algorithm = Algorithm.of(signature.algorithm());
    assertThat(
            Primitives.signer(algorithm, SignOptions.NONE)
                .verify(publicKey, message, signature.signature(), SignOptions.NONE))
        .isTrue();

    var policy = sendPolicy("pq-only");
    assertThat(policy.status()).as(policy.body()).isEqualTo(200);
    assertThat(keys.sign(tenant, "checkpoints", message).algorithm()).isEqualTo("ML-DSA-65");
    // An existing key keeps its algorithm.
    assertThat(keys.sign(tenant, "reports", message).algorithm()).isEqualTo("ML-DSA-65+Ed25519");
  }

  @Test
  void aTenantCannotExportDeleteBackUpOrImitateAPlatformKey() {
    keys.sign(tenant, "audit", utf8("x"));
    String key = "/api/v1/crypto/keys/truststram.audit.signing";
    var exportable =
        admin.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + key))
                .header("Content-Type", "application/json")
                .method(
                    "PATCH",
                    java.net.http.HttpRequest.BodyPublishers.ofString("{\"exportable\":true}")));
    assertThat(exportable.status()).as(exportable.body()).isEqualTo(409);
    assertThat(admin.method("DELETE", key).status()).isEqualTo(409);
    assertThat(admin.get(key + "/backup").status()).isEqualTo(403);
    assertThat(admin.get(key + "/export").status()).isEqualTo(403);
    // Nor use it for anything: a tenant could otherwise forge what the platform signs.
    for (String operation :
        new String[] {
          "encrypt",
          "decrypt",
          "rewrap",
          "datakey",
          "sign",
          "verify",
          "hmac",
          "encapsulate",
          "decapsulate",
          "seal",
          "open"
        }) {
      for (String body :
          new String[] {"{\"input\":\"eA==\"}", "{\"batch\":[{\"input\":\"eA==\"}]}"}) {
        var used = admin.postJson(key + "/" + operation, body);
        assertThat(used.status()).as(operation + " " + used.body()).isEqualTo(403);
        assertThat(used.json().path("type").asString()).endsWith("crypto-platform-key");
      }
    }
    var imitation =
        admin.postJson(
            "/api/v1/crypto/keys",
            "{\"name\":\"truststram.billing.signing\",\"type\":\"Ed25519\"}");
    assertThat(imitation.status()).isEqualTo(400);
    assertThat(imitation.json().path("detail").asString()).contains("reserved");
  }

  private HttpTestClient.Response sendPolicy(String policy) {
    return admin.send(
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/crypto/policy"))
            .header("Content-Type", "application/json")
            .PUT(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    "{\"policy\":\"" + policy + "\"}")));
  }
}
