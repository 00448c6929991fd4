package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.internal.user.UserService;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A principal of tenant A never reaches tenant B's records. Besides named checks, a walker takes
 * every operation of the OpenAPI document and calls it with tenant A's administrator token against
 * every identifier of tenant B (and without a token at all): no operation on one of B's records
 * answers 2xx, no answer mentions a B identifier the request did not carry, and every operation
 * without a token answers 401. No cross-tenant grant exists yet (federation membership comes with
 * the federation service), so nothing is expected to pass.
 */
class TenantIsolationIntegrationTest extends ServerIntegrationTest {

  private HttpTestClient tenantAdminOfA;
  private TenantId tenantA;
  private TenantId tenantB;
  private List<String> identifiersOfB;
  private String userOfB;
  private String clientOfB;

  @BeforeEach
  void twoTenants() {
    Tenants tenants = context.getBean(Tenants.class);
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    tenantA = tenants.create(new NewTenant("a-" + suffix, "Hospital A")).id();
    tenantB = tenants.create(new NewTenant("b-" + suffix, "Bank B")).id();
    tenantAdminOfA =
        http.anonymous()
            .withToken(
                TestTokens.token(port, TestTokens.client(context, tenantA, Role.TENANT_ADMIN)));
    Caller setup = TestTokens.setupCaller(tenantB);
    userOfB =
        context
            .getBean(UserService.class)
            .register(setup, tenantB, "bob-" + suffix + "@b.example", "Bob", Set.of(Role.VIEWER))
            .user()
            .id()
            .toString();
    clientOfB = TestTokens.client(context, tenantB, Role.FEDERATION_PARTICIPANT).clientId();
    identifiersOfB = List.of(tenantB.toString(), userOfB, clientOfB);
  }

  @Test
  void namedCrossTenantRequestsFindNothing() {
    assertThat(tenantAdminOfA.get("/api/v1/tenants/" + tenantB).status()).isEqualTo(404);
    assertThat(tenantAdminOfA.get("/api/v1/tenants").body()).doesNotContain(tenantB.toString());
    assertThat(tenantAdminOfA.get("/api/v1/identity/users/" + userOfB).status()).isEqualTo(404);
    assertThat(
            tenantAdminOfA.get("/api/v1/identity/users?tenantId=" + tenantB).json().path("items"))
        .isEmpty();
    assertThat(tenantAdminOfA.get("/api/v1/identity/clients/" + clientOfB).status()).isEqualTo(404);
    assertThat(tenantAdminOfA.method("DELETE", "/api/v1/identity/clients/" + clientOfB).status())
        .isEqualTo(404);
    assertThat(
            tenantAdminOfA
                .postJson(
                    "/api/v1/identity/users",
                    "{\"username\":\"mallory@a.example\",\"displayName\":\"M\",\"roles\":[\"viewer\"],"
                        + "\"tenantId\":\""
                        + tenantB
                        + "\"}")
                .status())
        .isEqualTo(404);
    assertThat(
            tenantAdminOfA
                .postJson(
                    "/api/v1/identity/clients",
                    "{\"name\":\"M\",\"roles\":[\"viewer\"],\"tenantId\":\"" + tenantB + "\"}")
                .status())
        .isEqualTo(404);
    // The same administrator does see its own tenant's records.
    assertThat(tenantAdminOfA.get("/api/v1/tenants/" + tenantA).status()).isEqualTo(200);
  }

  @Test
  void aTenantAdminCannotGrantPlatformAdmin() {
    var response =
        tenantAdminOfA.postJson(
            "/api/v1/identity/users",
            "{\"username\":\"eve-"
                + UUID.randomUUID().toString().substring(0, 6)
                + "@a.example\",\"displayName\":\"E\",\"roles\":[\"platform-admin\"]}");
    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + "role-not-grantable");
  }

  @Test
  void everyOperationRefusesTenantAsTokenForTenantBsRecordsAndAnonymousCallers() {
    JsonNode paths = http.anonymous().get("/v3/api-docs").json().path("paths");
    List<String> failures = new ArrayList<>();
    int calls = 0;
    for (Map.Entry<String, JsonNode> path : paths.properties()) {
      if (!path.getKey().startsWith("/api/")) {
        continue;
      }
      for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
        String method = operation.getKey().toUpperCase(java.util.Locale.ROOT);
        for (String identifier : identifiersOfB) {
          String target = path.getKey().replaceAll("\\{[^}]+}", identifier);
          String query = "?tenantId=" + tenantB;
          String body = "{\"tenantId\":\"" + tenantB + "\"}";
          HttpTestClient.Response asA = call(tenantAdminOfA, method, target + query, body);
          HttpTestClient.Response anonymous = call(http.anonymous(), method, target, body);
          calls += 2;
          boolean addressesB = !target.equals(path.getKey());
          if (asA.status() < 400 && addressesB) {
            failures.add(
                method + " " + target + " as tenant A -> " + asA.status() + " " + asA.body());
          }
          // A's own audit log records the requests A made, B's identifiers in their paths
          // included: that is A's data. Reading B's log is refused (AuditTrailContract).
          boolean ownRequestLog = target.startsWith("/api/v1/audit/");
          for (String secret : identifiersOfB) {
            if (!ownRequestLog
                && asA.body().contains(secret)
                && !target.contains(secret)
                && !query.contains(secret)) {
              failures.add(method + " " + target + " leaked " + secret + ": " + asA.body());
            }
          }
          if (anonymous.status() != 401) {
            failures.add(method + " " + target + " without a token -> " + anonymous.status());
          }
        }
      }
    }
    assertThat(calls).as("operations walked").isGreaterThan(30);
    assertThat(failures).isEmpty();
  }

  private HttpTestClient.Response call(
      HttpTestClient client, String method, String target, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    return client.send(request);
  }
}
