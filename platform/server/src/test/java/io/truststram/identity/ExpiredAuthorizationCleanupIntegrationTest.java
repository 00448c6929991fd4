package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.identity.internal.oauth.ExpiredAuthorizationCleanup;
import io.truststram.platform.security.Role;
import io.truststram.platform.testing.ServerIntegrationTest;
import io.truststram.platform.testing.TestTokens;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class ExpiredAuthorizationCleanupIntegrationTest extends ServerIntegrationTest {

  @Test
  void removesAuthorizationsOnlyOnceTheirTokensAreLongExpired() {
    var client = TestTokens.client(context, TestTokens.systemTenant(context), Role.VIEWER);
    TestTokens.token(port, client);
    JdbcClient jdbc = context.getBean(JdbcClient.class);
    long rows = count(jdbc);
    assertThat(rows).isPositive();

    assertThat(new ExpiredAuthorizationCleanup(jdbc, Clock.systemUTC()).run()).isZero();
    assertThat(count(jdbc)).isEqualTo(rows);

    // Eleven minutes on the token has expired, but the hour's margin keeps its row.
    Clock soon = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(11));
    assertThat(new ExpiredAuthorizationCleanup(jdbc, soon).run()).isZero();

    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
    assertThat(new ExpiredAuthorizationCleanup(jdbc, later).run()).isGreaterThanOrEqualTo(1);
    assertThat(count(jdbc)).isLessThan(rows);
  }

  private static long count(JdbcClient jdbc) {
    return jdbc.sql("SELECT COUNT(*) FROM oauth2_authorization").query(Long.class).single();
  }
}
