package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Client secrets stay stored as one SHA-256 after use. Spring Authorization Server re-hashes a
 * secret whose encoding is not its encoder's default; if that default were the people's Argon2,
 * every later token request would pay an Argon2 verification (about 80 ms), capping the token
 * endpoint at a few dozen tokens a second.
 */
class ClientSecretStorageIntegrationTest extends ServerIntegrationTest {

  @Test
  void aClientSecretIsStillADigestAfterSeveralTokenRequests() {
    var client = TestTokens.client(context, TestTokens.systemTenant(context), Role.VIEWER);
    for (int i = 0; i < 3; i++) {
      TestTokens.token(port, client);
    }
    String stored =
        context
            .getBean(JdbcClient.class)
            .sql("SELECT client_secret FROM oauth2_registered_client WHERE client_id = ?")
            .param(client.clientId())
            .query(String.class)
            .single();
    assertThat(stored).startsWith("{sha256-secret}").doesNotContain(client.secret());
  }
}
