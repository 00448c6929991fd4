package io.truststram.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.HttpTestClient.Response;
import io.truststram.platform.testing.ServerIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The tenant REST API end to end inside one application context on H2. */
class TenantApiIntegrationTest extends ServerIntegrationTest {

  @Test
  void createsAndReadsBackATenant() {
    String slug = uniqueSlug();
    Response created = create(slug, "  Acme Hospital  ");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode tenant = created.json();
    String id = tenant.path("id").asString();
    assertThat(created.header("Location"))
        .hasValue("http://127.0.0.1:" + port + "/api/v1/tenants/" + id);
    assertThat(tenant.path("slug").asString()).isEqualTo(slug);
    assertThat(tenant.path("name").asString()).isEqualTo("Acme Hospital");
    assertThat(tenant.path("status").asString()).isEqualTo("active");
    assertThat(tenant.path("createdAt").asString()).endsWith("Z");

    Response read = http.get("/api/v1/tenants/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(tenant);
  }

  @Test
  void duplicateSlugIsAConflictAndChangesNothing() {
    String slug = uniqueSlug();
    assertThat(create(slug, "First").status()).isEqualTo(201);
    int before = allTenants().size();

    Response again = create(slug, "Second");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).startsWith("application/problem+json");
    assertThat(again.json().path("type").asString()).isEqualTo(TYPES + "tenant-slug-taken");
    assertThat(again.json().path("slug").asString()).isEqualTo(slug);
    assertThat(allTenants()).hasSize(before);
  }

  @Test
  void invalidTenantsAreRefusedFieldByField() {
    int before = allTenants().size();
    Response response = http.postJson("/api/v1/tenants", "{\"slug\": \"A!\", \"name\": \"   \"}");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("type").asString()).isEqualTo(TYPES + "validation-failed");
    List<String> fields = new ArrayList<>();
    response.json().path("errors").forEach(e -> fields.add(e.path("field").asString()));
    assertThat(fields).containsExactlyInAnyOrder("name", "slug");

    Response missing = http.postJson("/api/v1/tenants", "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().path("type").asString()).isEqualTo(TYPES + "validation-failed");
    assertThat(allTenants()).hasSize(before);
  }

  @Test
  void namesWithControlCharactersOrBrokenUnicodeAreRefused() {
    int before = allTenants().size();
    for (String name :
        new String[] {"Acme\\u0000", "Line\\nbreak", "\\ud800lone", "\\u3000\\u3000"}) {
      Response response =
          http.postJson(
              "/api/v1/tenants",
              "{\"slug\": \"" + uniqueSlug() + "\", \"name\": \"" + name + "\"}");
      assertThat(response.status()).as(name).isEqualTo(400);
      assertThat(response.json().path("type").asString()).isEqualTo(TYPES + "validation-failed");
    }
    assertThat(allTenants()).hasSize(before);
    assertThat(create(uniqueSlug(), "Hôpital Saint-Éloi 東京 🏥").status()).isEqualTo(201);
  }

  @Test
  void unknownAndMalformedIdsAreNotFound() {
    Response unknown = http.get("/api/v1/tenants/" + UUID.randomUUID());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("type").asString()).isEqualTo(TYPES + "tenant-not-found");
    Response malformed = http.get("/api/v1/tenants/not-a-uuid");
    assertThat(malformed.status()).isEqualTo(404);
    assertThat(malformed.json().path("type").asString()).isEqualTo(TYPES + "tenant-not-found");
  }

  @Test
  void pagesThroughEveryTenantExactlyOnceInCreationOrder() {
    for (int i = 0; i < 7; i++) {
      assertThat(create(uniqueSlug(), "Paged " + i).status()).isEqualTo(201);
    }
    List<String> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Response page =
          http.get("/api/v1/tenants?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      JsonNode items = page.json().path("items");
      assertThat(items.size()).isLessThanOrEqualTo(3);
      items.forEach(item -> ids.add(item.path("id").asString()));
      JsonNode next = page.json().path("nextCursor");
      cursor = next.isNull() || next.isMissingNode() ? null : next.asString();
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(ids).doesNotHaveDuplicates().isSorted().hasSizeGreaterThanOrEqualTo(7);
    assertThat(ids).containsExactlyElementsOf(allTenants());
  }

  @Test
  void badPagingParametersAreInvalid() {
    assertThat(http.get("/api/v1/tenants?limit=0").json().path("type").asString())
        .isEqualTo(TYPES + "invalid-parameter");
    assertThat(http.get("/api/v1/tenants?limit=501").status()).isEqualTo(400);
    Response cursor = http.get("/api/v1/tenants?cursor=garbage");
    assertThat(cursor.status()).isEqualTo(400);
    assertThat(cursor.json().path("type").asString()).isEqualTo(TYPES + "invalid-parameter");
  }

  private Response create(String slug, String name) {
    return http.postJson(
        "/api/v1/tenants", "{\"slug\": \"" + slug + "\", \"name\": \"" + name + "\"}");
  }

  private List<String> allTenants() {
    Response response = http.get("/api/v1/tenants?limit=500");
    List<String> ids = new ArrayList<>();
    response.json().path("items").forEach(item -> ids.add(item.path("id").asString()));
    return ids;
  }

  private static String uniqueSlug() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
