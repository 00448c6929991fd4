package io.truststram.explain.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.explain.ExplanationApiIntegrationTestAccess;
import io.truststram.identity.NewTenant;
import io.truststram.identity.Tenants;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.HttpTestClient;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The purge: explanations past their retention go, with their rows, and the archive says so. */
class RetentionPurgeIntegrationTest extends ServerIntegrationTest {

  @Test
  void expiredExplanationsArePurged() throws Exception {
    var tenant =
        context.getBean(Tenants.class).create(new NewTenant("purge-explain", "Purge")).id();
    HttpTestClient scientist =
        http.withToken(
            TestTokens.token(port, TestTokens.client(context, tenant, Role.DATA_SCIENTIST)));
    String id = ExplanationApiIntegrationTestAccess.explainExample(scientist, "purge-1");
    assertThat(scientist.get("/api/v1/explanations/decisions/purge-1").status()).isEqualTo(200);
    Retention retention = context.getBean(Retention.class);
    assertThat(retention.purge()).isZero(); // nothing has expired yet
    context
        .getBean(JdbcClient.class)
        .sql(
            "UPDATE explain_explanation SET expires_at = TIMESTAMP WITH TIME ZONE"
                + " '2000-01-01 00:00:00+00' WHERE id = :id")
        .param("id", java.util.UUID.fromString(id))
        .update();
    assertThat(retention.purge()).isEqualTo(1);
    assertThat(scientist.get("/api/v1/explanations/" + id).status()).isEqualTo(404);
    assertThat(scientist.get("/api/v1/explanations/decisions/purge-1").status()).isEqualTo(404);
    Integer rows =
        context
            .getBean(JdbcClient.class)
            .sql("SELECT COUNT(*) FROM explain_row WHERE explanation_id = :id")
            .param("id", java.util.UUID.fromString(id))
            .query(Integer.class)
            .single();
    assertThat(rows).isZero();
  }
}
