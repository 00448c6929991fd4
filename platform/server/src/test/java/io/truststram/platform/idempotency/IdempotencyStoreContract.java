package io.truststram.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.ModuleSchema;
import io.truststram.platform.persistence.ModuleMigrations;
import io.truststram.platform.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The contract of {@link IdempotencyStore}, run against every supported database. */
abstract class IdempotencyStoreContract {

  static final Duration LOCK = Duration.ofSeconds(60);
  static final Duration KEEP = Duration.ofHours(24);
  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  IdempotencyStore store;
  private TestDatabase database;

  /** An empty database of the kind under test. */
  abstract TestDatabase emptyDatabase();

  @BeforeEach
  void migrate() {
    database = emptyDatabase();
    DataSource dataSource = database.dataSource();
    new ModuleMigrations(dataSource, List.of(new ModuleSchema("platform"))).afterPropertiesSet();
    store = new JdbcIdempotencyStore(JdbcClient.create(dataSource));
  }

  @AfterEach
  void closeDatabase() {
    database.close();
  }

  private String claimed(String scope, String key, String fingerprint, Instant now) {
    Claim claim = store.claim(scope, key, fingerprint, now, LOCK, KEEP);
    assertThat(claim).isInstanceOf(Claim.Claimed.class);
    return ((Claim.Claimed) claim).token();
  }

  @Test
  void aNewKeyIsClaimedAndThenInProgress() {
    assertThat(store.claim("s", "k", "f1", T0, LOCK, KEEP)).isInstanceOf(Claim.Claimed.class);
    assertThat(store.claim("s", "k", "f1", T0.plusSeconds(1), LOCK, KEEP))
        .isInstanceOf(Claim.InProgress.class);
  }

  @Test
  void aCompletedKeyReplaysItsResponseExactly() {
    String token = claimed("s", "k", "f1", T0);
    byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
    var headers =
        List.of(
            new StoredResponse.Header("Content-Type", "application/json"),
            new StoredResponse.Header("Location", "/api/v1/things/1"),
            new StoredResponse.Header("Allow", "GET"),
            new StoredResponse.Header("Allow", "POST"));
    store.complete("s", "k", token, new StoredResponse(201, headers, body));
    Claim again = store.claim("s", "k", "f1", T0.plusSeconds(5), LOCK, KEEP);
    assertThat(again).isInstanceOf(Claim.Replay.class);
    StoredResponse replayed = ((Claim.Replay) again).response();
    assertThat(replayed.status()).isEqualTo(201);
    assertThat(replayed.headers()).isEqualTo(headers);
    assertThat(replayed.body()).isEqualTo(body);
  }

  @Test
  void anEmptyBodyAndMissingHeadersReplayAsSuch() {
    String token = claimed("s", "k", "f1", T0);
    store.complete("s", "k", token, new StoredResponse(204, List.of(), new byte[0]));
    StoredResponse replayed =
        ((Claim.Replay) store.claim("s", "k", "f1", T0, LOCK, KEEP)).response();
    assertThat(replayed.status()).isEqualTo(204);
    assertThat(replayed.headers()).isEmpty();
    assertThat(replayed.body()).isEmpty();
  }

  @Test
  void theSameKeyWithAnotherRequestIsAMismatch() {
    store.claim("s", "k", "f1", T0, LOCK, KEEP);
    assertThat(store.claim("s", "k", "f2", T0, LOCK, KEEP)).isInstanceOf(Claim.Mismatch.class);
  }

  @Test
  void scopesAreSeparate() {
    store.claim("alice", "k", "f1", T0, LOCK, KEEP);
    assertThat(store.claim("bob", "k", "f2", T0, LOCK, KEEP)).isInstanceOf(Claim.Claimed.class);
  }

  @Test
  void aReleasedKeyCanBeClaimedAgain() {
    String token = claimed("s", "k", "f1", T0);
    store.release("s", "k", token);
    assertThat(store.claim("s", "k", "f2", T0, LOCK, KEEP)).isInstanceOf(Claim.Claimed.class);
  }

  @Test
  void releaseDoesNotForgetACompletedResponse() {
    String token = claimed("s", "k", "f1", T0);
    store.complete("s", "k", token, new StoredResponse(200, List.of(), new byte[] {1}));
    store.release("s", "k", token);
    assertThat(store.claim("s", "k", "f1", T0, LOCK, KEEP)).isInstanceOf(Claim.Replay.class);
  }

  @Test
  void anAbandonedClaimIsTakenOverAfterItsLockTimesOut() {
    store.claim("s", "k", "f1", T0, LOCK, KEEP);
    assertThat(store.claim("s", "k", "f1", T0.plus(LOCK).minusSeconds(1), LOCK, KEEP))
        .isInstanceOf(Claim.InProgress.class);
    assertThat(store.claim("s", "k", "f1", T0.plus(LOCK), LOCK, KEEP))
        .isInstanceOf(Claim.Claimed.class);
    assertThat(store.claim("s", "k", "f1", T0.plus(LOCK).plusSeconds(1), LOCK, KEEP))
        .isInstanceOf(Claim.InProgress.class);
  }

  @Test
  void aClaimTakenOverCannotBeCompletedOrFreedByItsFormerHolder() {
    String slow = claimed("s", "k", "f1", T0);
    String takeover = claimed("s", "k", "f1", T0.plus(LOCK));
    assertThat(takeover).isNotEqualTo(slow);

    store.release("s", "k", slow);
    assertThat(store.complete("s", "k", slow, new StoredResponse(201, List.of(), new byte[] {1})))
        .isFalse();
    assertThat(store.claim("s", "k", "f1", T0.plus(LOCK).plusSeconds(1), LOCK, KEEP))
        .isInstanceOf(Claim.InProgress.class);

    assertThat(
            store.complete("s", "k", takeover, new StoredResponse(200, List.of(), new byte[] {2})))
        .isTrue();
    var replay =
        (Claim.Replay) store.claim("s", "k", "f1", T0.plus(LOCK).plusSeconds(2), LOCK, KEEP);
    assertThat(replay.response().body()).containsExactly(2);
  }

  @Test
  void anExpiredKeyIsFreeAgainEvenForAnotherRequest() {
    String token = claimed("s", "k", "f1", T0);
    store.complete("s", "k", token, new StoredResponse(201, List.of(), new byte[0]));
    assertThat(store.claim("s", "k", "f2", T0.plus(KEEP), LOCK, KEEP))
        .isInstanceOf(Claim.Claimed.class);
  }

  @Test
  void purgeDeletesOnlyExpiredKeys() {
    store.claim("s", "old", "f", T0, LOCK, Duration.ofMinutes(1));
    store.claim("s", "new", "f", T0, LOCK, KEEP);
    assertThat(store.purgeExpired(T0.plus(Duration.ofMinutes(2)))).isEqualTo(1);
    assertThat(store.claim("s", "new", "f", T0, LOCK, KEEP)).isInstanceOf(Claim.InProgress.class);
  }

  @Test
  void ofConcurrentClaimsOfOneKeyExactlyOneWins() throws Exception {
    List<Callable<Claim>> attempts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attempts.add(() -> store.claim("s", "race", "f", T0, LOCK, KEEP));
    }
    int claimed = 0;
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (Future<Claim> result : pool.invokeAll(attempts)) {
        if (result.get() instanceof Claim.Claimed) {
          claimed++;
        } else {
          assertThat(result.get()).isInstanceOf(Claim.InProgress.class);
        }
      }
    }
    assertThat(claimed).isEqualTo(1);
  }
}
