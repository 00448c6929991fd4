package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.tenant.TenantId;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attribute-based policies of a tenant, stored through the API, enforced on identity's own actions
 * and explained: what refused, which condition, with which actual value.
 */
class AccessPoliciesIntegrationTest extends ServerIntegrationTest {

  private static final String MFA_FOR_ADMIN_ACTIONS =
      "{\"policies\":[{\"id\":\"admin-actions-need-mfa\",\"effect\":\"require\","
          + "\"actions\":[\"user:manage\",\"client:manage\"],"
          + "\"conditions\":[{\"attribute\":\"principal.mfa\",\"operator\":\"equals\",\"value\":true}],"
          + "\"description\":\"Administration needs a second factor\"},"
          + "{\"id\":\"eu-only\",\"effect\":\"deny\",\"actions\":[\"model:*\"],"
          + "\"conditions\":[{\"attribute\":\"resource.region\",\"operator\":\"notIn\","
          + "\"value\":[\"eu-west\",\"eu-central\"]}]}]}";

  private HttpTestClient admin;
  private HttpTestClient otherTenantAdmin;

  @BeforeEach
  void tenants() {
    Tenants tenants = context.getBean(Tenants.class);
    TenantId strict =
        tenants
            .create(new NewTenant("pol-" + UUID.randomUUID().toString().substring(0, 8), "P"))
            .id();
    TenantId lax =
        tenants
            .create(new NewTenant("lax-" + UUID.randomUUID().toString().substring(0, 8), "L"))
            .id();
    admin =
        http.anonymous()
            .withToken(
                TestTokens.token(port, TestTokens.client(context, strict, Role.TENANT_ADMIN)));
    otherTenantAdmin =
        http.anonymous()
            .withToken(TestTokens.token(port, TestTokens.client(context, lax, Role.TENANT_ADMIN)));
  }

  private HttpTestClient.Response put(HttpTestClient client, String path, String json) {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static String newUser() {
    return "{\"username\":\"u-"
        + UUID.randomUUID().toString().substring(0, 8)
        + "@example.org\",\"displayName\":\"U\",\"roles\":[\"viewer\"]}";
  }

  @Test
  void aRequirePolicyRefusesAdministrationWithoutASecondFactorAndExplainsWhy() {
    assertThat(admin.postJson("/api/v1/identity/users", newUser()).status()).isEqualTo(201);
    var stored = put(admin, "/api/v1/identity/policies", MFA_FOR_ADMIN_ACTIONS);
    assertThat(stored.status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/identity/policies").json().path("policies").size()).isEqualTo(2);

    var refused = admin.postJson("/api/v1/identity/users", newUser());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().path("type").asString())
        .isEqualTo("https://truststram.io/problems/policy-denied");
    assertThat(refused.json().path("policies").toString())
        .isEqualTo("[\"admin-actions-need-mfa\"]");

    var why = admin.postJson("/api/v1/identity/policies/explain", "{\"action\":\"user:manage\"}");
    assertThat(why.status()).isEqualTo(200);
    assertThat(why.json().path("allowed").asBoolean()).isFalse();
    assertThat(why.json().path("permissionGranted").asBoolean()).isTrue();
    var condition = why.json().path("rules").get(0).path("conditions").get(0);
    assertThat(condition.path("attribute").asString()).isEqualTo("principal.mfa");
    assertThat(condition.path("actual").asBoolean()).isFalse();
    assertThat(condition.path("holds").asBoolean()).isFalse();

    var withMfa =
        admin.postJson(
            "/api/v1/identity/policies/explain",
            "{\"action\":\"user:manage\",\"principal\":{\"mfa\":true}}");
    assertThat(withMfa.json().path("allowed").asBoolean()).isTrue();

    // Another tenant's administrators are not bound by these policies.
    assertThat(otherTenantAdmin.postJson("/api/v1/identity/users", newUser()).status())
        .isEqualTo(201);
  }

  @Test
  void explainShowsResourceAttributesAndRoleChecksSeparately() {
    put(admin, "/api/v1/identity/policies", MFA_FOR_ADMIN_ACTIONS);
    var us =
        admin.postJson(
            "/api/v1/identity/policies/explain",
            "{\"action\":\"model:deploy\",\"resource\":{\"region\":\"us-east\"}}");
    assertThat(us.json().path("refusedBy").toString()).isEqualTo("[\"eu-only\"]");
    var eu =
        admin.postJson(
            "/api/v1/identity/policies/explain",
            "{\"action\":\"model:deploy\",\"resource\":{\"region\":\"eu-west\"}}");
    assertThat(eu.json().path("allowed").asBoolean()).isTrue();
    var asViewer =
        admin.postJson(
            "/api/v1/identity/policies/explain",
            "{\"action\":\"model:deploy\",\"principal\":{\"roles\":[\"viewer\"]},"
                + "\"resource\":{\"region\":\"eu-west\"}}");
    assertThat(asViewer.json().path("permissionGranted").asBoolean()).isFalse();
    assertThat(asViewer.json().path("allowed").asBoolean()).isFalse();
  }

  @Test
  void invalidPoliciesAreRefusedWithTheirPosition() {
    for (String bad :
        new String[] {
          "{\"policies\":[{\"id\":\"x\",\"effect\":\"maybe\",\"actions\":[\"model:read\"],"
              + "\"conditions\":[{\"attribute\":\"principal.mfa\",\"operator\":\"equals\",\"value\":true}]}]}",
          "{\"policies\":[{\"id\":\"x\",\"effect\":\"deny\",\"actions\":[\"model:read\"],"
              + "\"conditions\":[{\"attribute\":\"secret.key\",\"operator\":\"equals\",\"value\":1}]}]}",
          "{\"policies\":[{\"id\":\"x\",\"effect\":\"deny\",\"actions\":[\"model:read\"],"
              + "\"conditions\":[{\"attribute\":\"principal.mfa\",\"operator\":\"regex\",\"value\":1}]}]}",
          "{\"policies\":[{\"id\":\"x\",\"effect\":\"deny\",\"actions\":[\"model:read\"],"
              + "\"conditions\":[{\"attribute\":\"principal.mfa\",\"operator\":\"equals\",\"value\":true}]},"
              + "{\"id\":\"x\",\"effect\":\"deny\",\"actions\":[\"model:read\"],"
              + "\"conditions\":[{\"attribute\":\"principal.mfa\",\"operator\":\"equals\",\"value\":true}]}]}"
        }) {
      var response = put(admin, "/api/v1/identity/policies", bad);
      assertThat(response.status()).as(bad).isEqualTo(400);
      assertThat(response.json().path("type").asString())
          .isEqualTo("https://truststram.io/problems/policy-invalid");
      assertThat(response.json().path("detail").asString()).startsWith("policies[");
    }
    assertThat(admin.get("/api/v1/identity/policies").json().path("policies").size()).isZero();
  }
}
