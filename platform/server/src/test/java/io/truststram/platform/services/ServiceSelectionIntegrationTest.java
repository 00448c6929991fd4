package io.truststram.platform.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.TrustStram;
import io.truststram.identity.Tenants;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.TestTokens;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One binary, any role: a process started with some services has their beans, endpoints and tables
 * and none of the others'. Uses the test-only {@code probe} service beside {@code identity}.
 */
class ServiceSelectionIntegrationTest {

  @Test
  void aRoleWithoutIdentityTrustsTokensOfARemoteIdentityServiceAndHasNoTenantEndpoints()
      throws Exception {
    int identityPort = freePort();
    String issuer = "--truststram.security.issuer=http://localhost:" + identityPort;
    try (var identity = start("identity", "--server.port=" + identityPort, issuer);
        var probe = start("probe", "--server.port=0", issuer)) {
      var http = HttpTestClient.onPort(port(probe));
      assertThat(http.get("/api/v1/probe").status()).isEqualTo(401);
      var authorised = http.withToken(TestTokens.platformAdmin(identity, identityPort));
      assertThat(authorised.get("/api/v1/probe").status()).isEqualTo(200);
      assertThat(authorised.get("/api/v1/tenants").status()).isEqualTo(404);
      assertThat(http.get("/.well-known/openid-configuration").status()).isEqualTo(401);
      assertThat(probe.getBeanProvider(Tenants.class).getIfAvailable()).isNull();
      assertThat(tables(probe)).contains("event_publication").doesNotContain("identity_tenant");
      assertThat(http.get("/actuator/info").json().path("truststram").path("services").toString())
          .isEqualTo("[\"probe\"]");
      assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
    }
  }

  @Test
  void anIdentityRoleHasTenantsButNotTheProbe() {
    try (var context = start("identity", "--server.port=0")) {
      int port = port(context);
      var http = HttpTestClient.onPort(port).withToken(TestTokens.platformAdmin(context, port));
      assertThat(http.get("/api/v1/tenants").status()).isEqualTo(200);
      assertThat(http.get("/api/v1/probe").status()).isEqualTo(404);
      assertThat(tables(context)).contains("identity_tenant");
      assertThat(http.get("/actuator/info").json().path("truststram").path("mode").asString())
          .isEqualTo("services");
    }
  }

  @Test
  void anUnknownServiceStopsStartUpWithAMessageNamingTheAvailableOnes() {
    assertThatThrownBy(() -> start("identity,gatway", "--server.port=0").close())
        .hasRootCauseInstanceOf(InvalidServiceSelectionException.class)
        .rootCause()
        .hasMessageContaining("[gatway]")
        .hasMessageContaining("probe")
        .hasMessageContaining("identity");
  }

  @Test
  void theFailureAnalyzerExplainsHowToFixTheSelection() {
    FailureAnalysis analysis =
        new InvalidServiceSelectionFailureAnalyzer()
            .analyze(new IllegalStateException(new InvalidServiceSelectionException("bad")));
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription()).isEqualTo("bad");
    assertThat(analysis.getAction()).contains("TRUSTSTRAM_SERVICES");
  }

  private static ConfigurableApplicationContext start(String services, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "--truststram.services=" + services;
    System.arraycopy(args, 0, all, 1, args.length);
    return new SpringApplicationBuilder(TrustStram.class).profiles("test").run(all);
  }

  private static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
  }

  private static List<String> tables(ConfigurableApplicationContext context) {
    var jdbc = JdbcClient.create(context.getBean(DataSource.class));
    return new ArrayList<>(
        jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            .query(String.class)
            .list());
  }
}
