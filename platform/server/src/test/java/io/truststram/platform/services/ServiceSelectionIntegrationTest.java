package io.truststram.platform.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.truststram.TrustStram;
import io.truststram.identity.Tenants;
import io.truststram.platform.testing.HttpTestClient;
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
  void aRoleWithoutTenancyHasNoTenantEndpointsBeansOrTables() {
    try (var context = start("probe")) {
      var http = HttpTestClient.onPort(port(context));
      assertThat(http.get("/api/v1/probe").status()).isEqualTo(200);
      assertThat(http.get("/api/v1/tenants").status()).isEqualTo(404);
      assertThat(context.getBeanProvider(Tenants.class).getIfAvailable()).isNull();
      assertThat(tables(context)).contains("event_publication").doesNotContain("identity_tenant");
      assertThat(http.get("/actuator/info").json().path("truststram").path("services").toString())
          .isEqualTo("[\"probe\"]");
      assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
    }
  }

  @Test
  void aTenancyRoleHasTenantsButNotTheProbe() {
    try (var context = start("identity")) {
      var http = HttpTestClient.onPort(port(context));
      assertThat(http.get("/api/v1/tenants").status()).isEqualTo(200);
      assertThat(http.get("/api/v1/probe").status()).isEqualTo(404);
      assertThat(tables(context)).contains("identity_tenant");
      assertThat(http.get("/actuator/info").json().path("truststram").path("mode").asString())
          .isEqualTo("services");
    }
  }

  @Test
  void anUnknownServiceStopsStartUpWithAMessageNamingTheAvailableOnes() {
    assertThatThrownBy(() -> start("identity,gatway").close())
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

  private static ConfigurableApplicationContext start(String services) {
    return new SpringApplicationBuilder(TrustStram.class)
        .profiles("test")
        .run("--truststram.services=" + services, "--server.port=0");
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
