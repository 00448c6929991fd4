package io.truststram.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.HttpTestClient.Response;
import io.truststram.platform.testing.ServerIntegrationTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key} on a real endpoint (tenant creation), over a real socket. */
class IdempotencyIntegrationTest extends ServerIntegrationTest {

  @Test
  void aRetriedCreationReturnsTheFirstResponseAndCreatesOnce() {
    String key = UUID.randomUUID().toString();
    String slug = slug();
    String body = tenant(slug);
    Response first = post(key, body);
    Response retry = post(key, body);
    Response third = post(key, body);

    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.header("Location")).isEqualTo(first.header("Location"));
    assertThat(retry.header("Idempotent-Replayed")).hasValue("true");
    assertThat(first.header("Idempotent-Replayed")).isEmpty();
    assertThat(third.body()).isEqualTo(first.body());
    assertThat(http.get("/api/v1/tenants/" + first.json().path("id").asString()).status())
        .isEqualTo(200);
    String all = http.get("/api/v1/tenants?limit=500").body();
    assertThat(all.split("\"slug\":\"" + slug + "\"", -1)).hasSize(2);
  }

  @Test
  void aClientErrorIsReplayedToo() {
    String slug = slug();
    assertThat(http.postJson("/api/v1/tenants", tenant(slug)).status()).isEqualTo(201);
    String key = UUID.randomUUID().toString();
    Response conflict = post(key, tenant(slug));
    Response again = post(key, tenant(slug));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).startsWith("application/problem+json");
    assertThat(again.header("Idempotent-Replayed")).hasValue("true");
  }

  @Test
  void aReplayCarriesTheHeadersTheStatusNeeds() {
    String key = UUID.randomUUID().toString();
    Response first =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants"))
                .header("Idempotency-Key", key)
                .DELETE());
    Response again =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants"))
                .header("Idempotency-Key", key)
                .DELETE());
    assertThat(first.status()).isEqualTo(405);
    assertThat(again.status()).isEqualTo(405);
    assertThat(again.header("Idempotent-Replayed")).hasValue("true");
    assertThat(again.header("Allow")).isEqualTo(first.header("Allow")).isPresent();
    assertThat(again.contentType()).startsWith("application/problem+json");
  }

  @Test
  void reusingAKeyForAnotherRequestIsRefused() {
    String key = UUID.randomUUID().toString();
    assertThat(post(key, tenant(slug())).status()).isEqualTo(201);
    String otherSlug = slug();
    Response reused = post(key, tenant(otherSlug));
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.json().path("type").asString()).isEqualTo(TYPES + "idempotency-key-reused");
    assertThat(http.get("/api/v1/tenants?limit=500").body()).doesNotContain(otherSlug);
  }

  @Test
  void aMalformedKeyIsAnInvalidParameter() {
    Response response = post("x".repeat(256), tenant(slug()));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + "invalid-parameter");
    assertThat(post("", tenant(slug())).status()).isEqualTo(400);
  }

  @Test
  void requestsWithoutAKeyAreUntouched() {
    String body = tenant(slug());
    assertThat(http.postJson("/api/v1/tenants", body).status()).isEqualTo(201);
    assertThat(http.postJson("/api/v1/tenants", body).status()).isEqualTo(409);
  }

  private Response post(String key, String json) {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static String tenant(String slug) {
    return "{\"slug\":\"" + slug + "\",\"name\":\"Idempotent\"}";
  }

  private static String slug() {
    return "idem-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
