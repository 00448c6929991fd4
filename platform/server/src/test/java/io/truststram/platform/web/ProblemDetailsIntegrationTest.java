package io.truststram.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.HttpTestClient.Response;
import io.truststram.platform.testing.ServerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every error at the HTTP edge is an RFC 9457 problem with a stable type, over a real socket so
 * that the servlet container's own error path is covered too.
 */
@Import(ProblemDetailsIntegrationTest.Failing.class)
class ProblemDetailsIntegrationTest extends ServerIntegrationTest {

  @Test
  void unknownPathIsNotFound() {
    Response response = http.get("/api/v1/no-such-thing");
    assertProblem(response, 404, "not-found");
    assertThat(response.json().path("detail").asString()).contains("/api/v1/no-such-thing");
    assertThat(response.json().path("instance").asString()).isEqualTo("/api/v1/no-such-thing");
  }

  @Test
  void wrongMethodIsMethodNotAllowedWithAllowHeader() {
    Response response = http.method("DELETE", "/api/v1/tenants");
    assertProblem(response, 405, "method-not-allowed");
    assertThat(response.header("Allow"))
        .hasValueSatisfying(allow -> assertThat(allow).contains("GET", "POST"));
  }

  @Test
  void wrongContentTypeIsUnsupportedMediaType() {
    assertProblem(
        http.post("/api/v1/tenants", "text/plain", "slug=acme"), 415, "unsupported-media-type");
  }

  @Test
  void malformedJsonNamesWhereItBroke() {
    Response response = http.postJson("/api/v1/tenants", "{\"slug\": \"acme\",");
    assertProblem(response, 400, "malformed-request");
    assertThat(response.json().path("detail").asString()).contains("line 1");
  }

  @Test
  void jsonOfTheWrongShapeIsMalformedWithoutNamingJavaTypes() {
    Response response = http.postJson("/api/v1/tenants", "{\"slug\": [1, 2], \"name\": \"x\"}");
    assertProblem(response, 400, "malformed-request");
    assertThat(response.json().path("detail").asString())
        .contains("slug")
        .doesNotContain("java", "io.truststram");
  }

  @Test
  void unknownFieldIsRefusedByName() {
    Response response =
        http.postJson("/api/v1/tenants", "{\"slug\": \"acme\", \"nmae\": \"Acme\"}");
    assertProblem(response, 400, "unknown-field");
    assertThat(response.json().path("field").asString()).isEqualTo("nmae");
  }

  @Test
  void emptyBodyIsMalformed() {
    assertProblem(http.postJson("/api/v1/tenants", ""), 400, "malformed-request");
  }

  @Test
  void declaredOversizeBodyIsRefusedBeforeItIsRead() {
    String big = "{\"slug\": \"acme\", \"name\": \"" + "x".repeat(70_000) + "\"}";
    Response response = http.postJson("/api/v1/tenants", big);
    assertProblem(response, 413, "payload-too-large");
    assertThat(response.json().path("detail").asString()).contains("65536");
  }

  @Test
  void chunkedOversizeBodyIsRefusedWhileItIsRead() {
    byte[] big = ("{\"slug\": \"acme\", \"name\": \"" + "x".repeat(70_000) + "\"}").getBytes();
    Response response = http.postChunked("/api/v1/tenants", "application/json", big);
    assertProblem(response, 413, "payload-too-large");
  }

  @Test
  void unexpectedErrorsSayNothingButAnErrorId() {
    Response response = http.get("/test/explode");
    assertProblem(response, 500, "internal-error");
    assertThat(response.body()).doesNotContain("secret-internal-state", "Exception");
    assertThat(response.json().path("errorId").asString()).hasSize(36);
  }

  @Test
  void badQueryParameterTypeIsInvalidParameter() {
    assertProblem(http.get("/api/v1/tenants?limit=lots"), 400, "invalid-parameter");
  }

  static void assertProblem(Response response, int status, String slug) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + slug);
    assertThat(response.json().path("status").asInt()).isEqualTo(status);
    assertThat(response.json().path("title").asString()).isNotBlank();
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Failing {
    @RestController
    static class ExplodingController {
      @GetMapping("/test/explode")
      String explode() {
        throw new IllegalStateException("secret-internal-state");
      }
    }
  }
}
