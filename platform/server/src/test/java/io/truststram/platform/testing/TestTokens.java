package io.truststram.platform.testing;

import io.truststram.common.tenant.TenantId;
import io.truststram.identity.Tenants;
import io.truststram.identity.internal.client.ClientService;
import io.truststram.platform.security.Caller;
import io.truststram.platform.security.Permission;
import io.truststram.platform.security.Role;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.ApplicationContext;

/**
 * Access tokens for tests, obtained the way a service gets them: a client registered in a tenant
 * with some roles, then the client-credentials grant at {@code /oauth2/token} over HTTP.
 */
public final class TestTokens {

  private TestTokens() {}

  /** A registered client with its secret. */
  public record TestClient(String clientId, String secret, TenantId tenant) {}

  /** Registers a client in {@code tenant} holding {@code roles}. */
  public static TestClient client(ApplicationContext context, TenantId tenant, Role... roles) {
    ClientService.Created created =
        context
            .getBean(ClientService.class)
            .register(setupCaller(tenant), tenant, "test client", EnumSet.copyOf(List.of(roles)));
    return new TestClient(created.client().clientId(), created.clientSecret(), tenant);
  }

  /** A platform-admin caller in {@code tenant}, for setting up records directly in services. */
  public static Caller setupCaller(TenantId tenant) {
    return new Caller(
        "test-setup",
        "test-setup",
        tenant,
        Set.of(Role.PLATFORM_ADMIN),
        EnumSet.allOf(Permission.class),
        List.of());
  }

  /** The tenant the bootstrap created on first start. */
  public static TenantId systemTenant(ApplicationContext context) {
    return context.getBean(Tenants.class).findBySlug("system").orElseThrow().id();
  }

  /** A token of a platform-admin client of the system tenant. */
  public static String platformAdmin(ApplicationContext context, int port) {
    return token(port, client(context, systemTenant(context), Role.PLATFORM_ADMIN));
  }

  /** A fresh access token for {@code client}. */
  public static String token(int port, TestClient client) {
    HttpTestClient.Response response = tokenResponse(port, client.clientId(), client.secret());
    if (response.status() != 200) {
      throw new IllegalStateException(
          "token request failed: " + response.status() + " " + response.body());
    }
    return response.json().get("access_token").asString();
  }

  /** The raw answer of the token endpoint to a client-credentials request. */
  public static HttpTestClient.Response tokenResponse(int port, String clientId, String secret) {
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return HttpTestClient.onPort(port)
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
  }
}
