package io.truststram.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.PlatformProperties;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

/** The filter's decisions when its store misbehaves, with a scripted store and servlet. */
class IdempotencyFilterTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);

  private final ScriptedStore store = new ScriptedStore();
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void anUnreachableStoreAnswers503BeforeTheOperationRuns() throws Exception {
    store.claimFailure = new DataAccessResourceFailureException("connection refused");
    MockHttpServletResponse response = send(filter(DataSize.ofMegabytes(1)), "{}");
    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getContentType()).startsWith("application/problem+json");
    assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    assertThat(runs).hasValue(0);
  }

  @Test
  void theResponseStillGoesOutWhenRecordingItFails() throws Exception {
    store.completeFailure = new CannotAcquireLockException("lock timeout");
    MockHttpServletResponse response = send(filter(DataSize.ofMegabytes(1)), "{}");
    assertThat(runs).hasValue(1);
    assertThat(response.getStatus()).isEqualTo(201);
    assertThat(response.getContentAsString()).isEqualTo("{\"created\":true}");
    // The key is not freed: a prompt retry must not run the operation again.
    assertThat(store.released).isEmpty();
  }

  @Test
  void aResponseTooLargeToKeepIsRecordedAsProcessedNotFreed() throws Exception {
    MockHttpServletResponse response = send(filter(DataSize.ofBytes(4)), "{}");
    assertThat(response.getStatus()).isEqualTo(201);
    assertThat(store.released).isEmpty();
    assertThat(store.completed).hasSize(1);
    StoredResponse kept = store.completed.getFirst();
    assertThat(kept.status()).isEqualTo(409);
    assertThat(new String(kept.body(), StandardCharsets.UTF_8))
        .contains("idempotency-response-not-kept", "status 201");
    assertThat(kept.headers()).contains(new StoredResponse.Header("Location", "/api/v1/things/1"));
  }

  @Test
  void aServerErrorFreesTheKeyForARetry() throws Exception {
    runsFailWith500 = true;
    MockHttpServletResponse response = send(filter(DataSize.ofMegabytes(1)), "{}");
    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(store.released).containsExactly("token-1");
    assertThat(store.completed).isEmpty();
  }

  private boolean runsFailWith500;

  private IdempotencyFilter filter(DataSize maxResponse) {
    return new IdempotencyFilter(
        store,
        CLOCK,
        new PlatformProperties.Idempotency(
            Duration.ofHours(24), Duration.ofSeconds(60), maxResponse));
  }

  private MockHttpServletResponse send(IdempotencyFilter filter, String body) throws Exception {
    var request = new MockHttpServletRequest("POST", "/api/v1/things");
    request.addHeader("Idempotency-Key", "key-1");
    request.setContentType("application/json");
    request.setContent(body.getBytes(StandardCharsets.UTF_8));
    var response = new MockHttpServletResponse();
    var servlet =
        new HttpServlet() {
          @Override
          protected void doPost(HttpServletRequest req, HttpServletResponse resp)
              throws IOException {
            runs.incrementAndGet();
            assertThat(req.getInputStream().readAllBytes())
                .isEqualTo(body.getBytes(StandardCharsets.UTF_8));
            if (runsFailWith500) {
              resp.setStatus(500);
              return;
            }
            resp.setStatus(201);
            resp.setHeader("Location", "/api/v1/things/1");
            resp.setContentType("application/json");
            resp.getWriter().write("{\"created\":true}");
          }
        };
    filter.doFilter(request, response, new MockFilterChain(servlet));
    return response;
  }

  /** A store whose answers and failures the test sets. */
  private static final class ScriptedStore implements IdempotencyStore {
    RuntimeException claimFailure;
    RuntimeException completeFailure;
    final List<StoredResponse> completed = new ArrayList<>();
    final List<String> released = new ArrayList<>();

    @Override
    public Claim claim(
        String scope, String key, String fingerprint, Instant now, Duration lock, Duration keep) {
      if (claimFailure != null) {
        throw claimFailure;
      }
      return new Claim.Claimed("token-1");
    }

    @Override
    public boolean complete(String scope, String key, String token, StoredResponse response) {
      if (completeFailure != null) {
        throw completeFailure;
      }
      completed.add(response);
      return true;
    }

    @Override
    public void release(String scope, String key, String token) {
      released.add(token);
    }

    @Override
    public int purgeExpired(Instant now) {
      return 0;
    }
  }
}
