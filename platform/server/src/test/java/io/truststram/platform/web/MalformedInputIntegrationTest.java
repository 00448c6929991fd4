package io.truststram.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.truststram.platform.testing.HttpTestClient.Response;
import io.truststram.platform.testing.ServerIntegrationTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken request bodies, generated from a fixed seed, sent to a real endpoint: every
 * one gets a 2xx or a 4xx problem document, never a 5xx, and only a 201 creates anything.
 */
class MalformedInputIntegrationTest extends ServerIntegrationTest {

  private static final long SEED = 20261126L;
  private static final String JSON_PUNCTUATION = "{}[]\":,\\0a-";
  private static final String VALID = "{\"slug\": \"fuzz-tenant\", \"name\": \"Fuzz Hospital\"}";

  @Test
  void noBodyProducesAServerError() {
    Random random = new Random(SEED);
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      bodies.add(mutate(VALID.getBytes(StandardCharsets.UTF_8), random));
    }
    for (int i = 0; i < 50; i++) {
      byte[] noise = new byte[random.nextInt(2000)];
      random.nextBytes(noise);
      bodies.add(noise);
    }
    bodies.addAll(structural());

    int before = tenantCount();
    int created = 0;
    for (byte[] body : bodies) {
      Response response = post(body);
      String shown = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
      assertThat(response.status()).as("status for %s", shown).isLessThan(500);
      if (response.status() == 201) {
        created++;
      } else {
        assertThat(response.status()).as("status for %s", shown).isBetween(400, 499);
        assertThat(response.contentType())
            .as("type for %s", shown)
            .startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).startsWith(TYPES);
      }
    }
    assertThat(tenantCount()).isEqualTo(before + created);
  }

  /** Inputs aimed at parser limits and type confusion rather than found by chance. */
  private static List<byte[]> structural() {
    List<String> inputs = new ArrayList<>();
    inputs.add("[".repeat(5_000) + "]".repeat(5_000));
    inputs.add("{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000));
    inputs.add("{\"slug\": \"fuzz-a\", \"name\": \"" + "\\ud800".repeat(10) + "\"}");
    inputs.add("{\"slug\": 1e999999, \"name\": \"x\"}");
    inputs.add("{\"slug\": \"fuzz-b\", \"name\": " + "9".repeat(5_000) + "}");
    inputs.add("{\"slug\": null, \"name\": null}");
    inputs.add("{\"slug\": {}, \"name\": []}");
    inputs.add("{\"slug\": \"fuzz-c\", \"slug\": \"fuzz-d\", \"name\": \"dup\"}");
    inputs.add("null");
    inputs.add("[]");
    inputs.add("\"just a string\"");
    inputs.add("{\"slug\": \"fuzz-e\", \"name\": \"x\"} trailing");
    inputs.add("\uFEFF" + VALID.replace("fuzz-tenant", "fuzz-bom"));
    inputs.add("{\"slug\": \"fuzz-f\", \"name\": \"\u0000\"}");
    return inputs.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** Deletes, inserts or replaces a few bytes of a valid body. */
  private static byte[] mutate(byte[] valid, Random random) {
    List<Byte> bytes = new ArrayList<>();
    for (byte b : valid) {
      bytes.add(b);
    }
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && !bytes.isEmpty(); e++) {
      int at = random.nextInt(bytes.size());
      switch (random.nextInt(3)) {
        case 0 -> bytes.remove(at);
        case 1 -> bytes.add(at, (byte) random.nextInt(256));
        default ->
            bytes.set(
                at, (byte) JSON_PUNCTUATION.charAt(random.nextInt(JSON_PUNCTUATION.length())));
      }
    }
    byte[] out = new byte[bytes.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes.get(i);
    }
    return out;
  }

  private Response post(byte[] body) {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tenants"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private int tenantCount() {
    return http.get("/api/v1/tenants?limit=500").json().path("items").size();
  }
}
