package io.truststram.identity.internal.oauth;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Spring Authorization Server keeps a row per issued authorization (every client-credentials token
 * included) and never deletes one. This removes rows none of whose tokens can still be used: access
 * and refresh tokens expired, or an authorization code that expired unredeemed, with an hour's
 * margin so that introspection of a just-expired token still answers from the row.
 */
public final class ExpiredAuthorizationCleanup {

  private static final Logger log = LoggerFactory.getLogger(ExpiredAuthorizationCleanup.class);
  private static final Duration MARGIN = Duration.ofHours(1);

  private final JdbcClient jdbc;
  private final Clock clock;

  public ExpiredAuthorizationCleanup(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Deletes the dead rows; returns how many. */
  @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
  public int run() {
    Timestamp before = Timestamp.from(clock.instant().minus(MARGIN));
    int spent =
        jdbc.sql(
                "DELETE FROM oauth2_authorization WHERE access_token_expires_at < ?"
                    + " AND (refresh_token_expires_at IS NULL OR refresh_token_expires_at < ?)")
            .param(before)
            .param(before)
            .update();
    int abandoned =
        jdbc.sql(
                "DELETE FROM oauth2_authorization WHERE access_token_value IS NULL"
                    + " AND (authorization_code_expires_at < ? OR device_code_expires_at < ?)")
            .param(before)
            .param(before)
            .update();
    if (spent + abandoned > 0) {
      log.info("Removed {} expired authorizations", spent + abandoned);
    }
    return spent + abandoned;
  }
}
